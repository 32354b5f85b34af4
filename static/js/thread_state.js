// The locked / closed / merged banner and the answer form of a thread page, redrawn from a
// thread_updated event (a moderator locked, closed, reopened or merged the question while the
// page was open). The server renders the same banner (templates/forum/_thread_state.html);
// everything from the event goes in as text, never as markup.
import { refresh as refreshTimes } from "./time.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function link(href, text, className) {
  const anchor = element("a", className, text);
  anchor.href = href;
  return anchor;
}

function sentence(reason) {
  return `${String(reason || "").replace(/\.+$/, "")}.`;
}

function byline(verb, user, at) {
  const span = element("span", "thread-state-by muted", `${verb} `);
  if (user) span.append("by ", link(user.url, user.display_name, "user-link"), " ");
  if (at) {
    const time = element("time", "", at);
    time.setAttribute("datetime", at);
    time.title = at;
    time.dataset.relative = "";
    span.append(time);
  }
  return span;
}

function notice(kind, ...parts) {
  const paragraph = element("p", `thread-state-notice ${kind}`);
  paragraph.setAttribute("role", "note");
  paragraph.append(...parts);
  return paragraph;
}

function notices(data) {
  const shown = [];
  if (data.closed && data.duplicate_of) {
    const strong = element("strong", "", "Merged into ");
    strong.append(link(data.duplicate_of.url, data.duplicate_of.title));
    shown.push(notice("is-duplicate", strong, ` — its answers are there now. Reason: ${sentence(data.close_reason)} `,
      byline("Merged", data.closed_by, data.closed_at)));
  } else if (data.closed) {
    shown.push(notice("is-closed", element("strong", "", "Closed:"),
      ` ${sentence(data.close_reason)} It no longer accepts answers. `, byline("Closed", data.closed_by, data.closed_at)));
  }
  if (data.locked) {
    shown.push(notice("is-locked", element("strong", "", "Locked:"),
      ` ${sentence(data.lock_reason)} Only moderators can answer, edit, vote or accept here. `,
      byline("Locked", data.locked_by, data.locked_at)));
  }
  return shown;
}

function closedExplanation(data) {
  if (data.closed && data.duplicate_of) {
    return ["This question was merged into ", link(data.duplicate_of.url, data.duplicate_of.title),
      "; answer there instead."];
  }
  if (data.closed) return ["This question is closed, so it no longer accepts answers."];
  return ["This question is locked: only moderators can answer it."];
}

function updateAnswerForm(threadElement, data, moderator) {
  const section = threadElement.querySelector(".answer-form");
  if (!section || data.deleted) return;
  const blocked = data.closed || (data.locked && !moderator);
  const form = section.querySelector("form");
  let note = section.querySelector("[data-answers-closed]");
  if (!note && (blocked || !form)) {
    note = element("p", "answers-closed card");
    note.dataset.answersClosed = "";
    section.append(note);
  }
  if (form) form.hidden = blocked;  // hidden, not removed: a draft being typed survives a reopen
  if (blocked) {
    note.replaceChildren(...closedExplanation(data));
  } else if (form) {
    note?.remove();
  } else {
    note.replaceChildren("This question accepts answers again. ",
      link(window.location.pathname, "Reload the page"), " to answer.");
  }
}

// The moderator tools offer what the question's state now allows (Unlock once it is locked, ...).
function updateModeratorTools(threadElement, data) {
  const state = { locked: data.locked, unlocked: !data.locked, closed: data.closed, open: !data.closed };
  for (const form of threadElement.querySelectorAll("[data-mod-when]")) {
    form.hidden = !state[form.dataset.modWhen];
  }
}

export function renderThreadState(threadElement, data) {
  const box = threadElement.querySelector("[data-thread-state]");
  if (!box) return;
  box.replaceChildren(...notices(data));
  refreshTimes(box);
  updateAnswerForm(threadElement, data, box.hasAttribute("data-viewer-moderator"));
  updateModeratorTools(threadElement, data);
}
