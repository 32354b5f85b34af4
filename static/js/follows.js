// Follow a tag and watch / mute a thread without reloading the page. The controls are plain forms
// (templates/feed/_follow_button.html, _watch_control.html, _followed_tags.html) that work without
// JavaScript; here each submit goes to the API instead, and the reply sets aria-pressed and the
// status text, so what is shown is what was stored. Each partial loads this module; a module runs
// once per page however often it is included.
import { apiRequest } from "./api.js";
import { showToast } from "./toast.js";

const WATCH_STATUS = {
  watching: "You are notified of every new answer.",
  muted: "Muted: no notifications except mentions.",
  none: "You no longer watch this question.",
};

function tagPath(name) {
  return `/api/v1/tags/${encodeURIComponent(name)}/follow`;
}

async function busy(form, work) {
  if (form.getAttribute("aria-busy") === "true") return;
  form.setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (error) {
    showToast(error.message);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

function showFollowing(form, following) {
  form.querySelector("[data-follow-button]").setAttribute("aria-pressed", String(following));
  form.querySelector("[data-follow-value]").value = following ? "" : "1";
  const name = form.dataset.followTag;
  form.querySelector("[data-follow-status]").textContent = following
    ? `You follow #${name}.`
    : `You no longer follow #${name}.`;
}

function followSubmitted(form) {
  const follow = form.querySelector("[data-follow-value]").value === "1";
  return busy(form, async () => {
    if (follow) {
      const reply = await apiRequest("PUT", tagPath(form.dataset.followTag));
      showFollowing(form, reply.following);
    } else {
      await apiRequest("DELETE", tagPath(form.dataset.followTag));
      showFollowing(form, false);
    }
  });
}

function showWatchLevel(form, level) {
  form.dataset.watchLevel = level;
  for (const button of form.querySelectorAll("[data-watch-choice]")) {
    button.setAttribute("aria-pressed", String(button.dataset.watchChoice === level));
  }
  const stop = form.querySelector("[data-watch-stop]");
  stop.hidden = level === "none";
  stop.textContent = level === "muted" ? "Unmute" : "Stop watching";
  form.querySelector("[data-watch-status]").textContent = WATCH_STATUS[level];
}

function watchSubmitted(form, level) {
  const path = `/api/v1/threads/${form.dataset.watchThread}/watch`;
  return busy(form, async () => {
    if (level === "none") {
      await apiRequest("DELETE", path);
      showWatchLevel(form, "none");
    } else {
      const reply = await apiRequest("PUT", path, { level });
      showWatchLevel(form, reply.level);
    }
  });
}

function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.followTag !== undefined) {
    event.preventDefault();
    followSubmitted(form);
  } else if (form.dataset.watchThread !== undefined) {
    event.preventDefault();
    // The pressed button says which level; Enter on a focused button submits with it too.
    const level = event.submitter?.value || form.dataset.watchLevel;
    if (level) watchSubmitted(form, level);
  }
}

document.addEventListener("submit", onSubmit);
