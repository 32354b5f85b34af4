// "Mark as done" toggles (track pages and resource pages) and the track progress bar.
// Each toggle is a plain form posting to /resources/<id>/done; with JavaScript the click becomes
// a PUT or DELETE on /api/v1/resources/<id>/done, and on a track page the member's progress is
// read again from /api/v1/tracks/<id>/progress so the bar and the steps show what was stored.
import { apiRequest } from "./api.js";
import { liveConnection } from "./socket.js";
import { showToast } from "./toast.js";

function setToggle(form, done) {
  form.querySelector("[data-done-value]").value = done ? "0" : "1";
  const button = form.querySelector("[data-done-button]");
  button.setAttribute("aria-pressed", String(done));
  button.classList.toggle("primary", !done);
  button.classList.toggle("subtle", done);
  const label = form.querySelector("[data-done-label]");
  if (label) label.textContent = done ? "Done" : "Mark as done";
}

function renderProgress(page, progress) {
  for (const holder of page.querySelectorAll("[data-track-progress]")) {
    const bar = holder.querySelector("[data-progress-bar]");
    bar.max = progress.total_steps;
    bar.value = progress.done_steps;
    bar.setAttribute("aria-valuenow", String(progress.done_steps));
    bar.setAttribute("aria-valuemax", String(progress.total_steps));
    holder.querySelector("[data-progress-text]").textContent =
      `${progress.done_steps} of ${progress.total_steps} ${progress.total_steps === 1 ? "step" : "steps"}`;
  }
  for (const step of progress.steps) {
    const item = page.querySelector(`[data-step-id="${step.id}"]`);
    if (!item) continue;
    item.classList.toggle("is-done", step.done);
    item.querySelector("[data-step-state]").textContent = step.done ? "Done" : "To do";
    const count = item.querySelector("[data-step-count]");
    if (count && progress.enrolled) count.textContent = `${step.current} of ${step.required}`;
    const form = item.querySelector("[data-done-toggle]");
    if (form) setToggle(form, step.done);
  }
  const completed = page.querySelector("[data-track-completed]");
  if (completed && progress.completed_at) {
    completed.hidden = false;
    completed.textContent = `Completed ${progress.completed_at.slice(0, 10)}: you earned the Track Finisher badge.`;
  }
  const live = page.querySelector("[data-progress-live]");
  if (live) live.textContent = `${progress.done_steps} of ${progress.total_steps} steps done.`;
}

async function refreshProgress(page) {
  const progress = await apiRequest("GET", `/api/v1/tracks/${page.dataset.trackId}/progress`);
  renderProgress(page, progress);
}

async function toggle(form) {
  if (form.getAttribute("aria-busy") === "true") return;
  form.setAttribute("aria-busy", "true");
  const marking = form.querySelector("[data-done-value]").value === "1";
  const url = `/api/v1/resources/${form.dataset.resourceId}/done`;
  try {
    await apiRequest(marking ? "PUT" : "DELETE", url);
    setToggle(form, marking);
    const page = form.closest("[data-track-page]");
    if (page) await refreshProgress(page);
    const status = form.querySelector("[data-done-status]");
    if (status) status.textContent = marking ? "Marked as done." : "No longer marked as done.";
  } catch (error) {
    showToast(error.message);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-done-toggle]");
  if (!form) return;
  event.preventDefault();
  toggle(form);
});

// Coming back to the tab (after answering a question in another one) shows the new counts.
document.addEventListener("visibilitychange", () => {
  const page = document.querySelector("[data-track-page]");
  if (page && document.visibilityState === "visible") refreshProgress(page).catch(() => {});
});

// The member's own activity elsewhere (an answer in the step's tag, say) moves the bar at once:
// the server says so on the member's channel, and after a reconnect the page reads its progress.
function followProgress(page) {
  const live = liveConnection();
  live.socket.on("track_progress", (envelope) => {
    if (String(envelope.data.track_id) === page.dataset.trackId) refreshProgress(page).catch(() => {});
  });
  live.socket.on("connect", () => { refreshProgress(page).catch(() => {}); });
}

const trackPage = document.querySelector("[data-track-page]");
if (trackPage && Number(document.body.dataset.userId)) followProgress(trackPage);
