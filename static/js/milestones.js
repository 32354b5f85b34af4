// Milestone pages. The form shows the tag field only for answers and questions and the kind
// field only for resources finished (without this script both show, each labelled). The list and
// the owner's milestone page update live: the server records a `milestone_progress` event on the
// member's own `user:<id>` channel whenever their activity changes a milestone's progress, and
// after a reconnect the page re-reads its milestones from the API so nothing missed stays stale.
import { liveConnection } from "./socket.js";

const STATUS_TEXT = { active: "Active", reached: "Reached", missed: "Missed" };

export function showFieldsForMetric(form) {
  const chosen = form.querySelector("input[data-metric]:checked")?.value;
  for (const block of form.querySelectorAll("[data-for-metrics]")) {
    const wanted = block.dataset.forMetrics.split(" ").includes(chosen);
    block.hidden = !wanted;
    for (const control of block.querySelectorAll("input, select")) control.disabled = !wanted;
  }
}

function enhanceForm(form) {
  for (const radio of form.querySelectorAll("input[data-metric]")) {
    radio.addEventListener("change", () => showFieldsForMetric(form));
  }
  showFieldsForMetric(form);
}

// Redraw one milestone wherever the page shows it (a list row or the milestone page).
export function applyProgress(root, data) {
  for (const box of root.querySelectorAll(`[data-milestone-progress="${data.id}"]`)) {
    const bar = box.querySelector("progress");
    bar.max = data.target;
    bar.value = Math.min(data.progress, data.target);
    const value = box.querySelector("[data-milestone-value]");
    if (value.textContent !== String(data.progress)) value.textContent = String(data.progress);
    const holder = box.closest("[data-milestone-id]");
    const status = holder?.querySelector("[data-milestone-status]");
    if (status && STATUS_TEXT[data.status]) {
      status.textContent = STATUS_TEXT[data.status];
      status.className = `label milestone-status milestone-status-${data.status}`;
    }
    const reached = holder?.querySelector("[data-milestone-reached]");
    if (reached && data.reached && reached.textContent.trim() === "Not yet") reached.textContent = "Just now";
  }
}

async function refetch(root) {
  const response = await fetch("/api/v1/milestones?per_page=100", { credentials: "same-origin" });
  if (!response.ok) return;
  const body = await response.json();
  for (const item of body.items) applyProgress(root, item);
}

function followProgress(root) {
  const live = liveConnection();
  live.socket.on("milestone_progress", (envelope) => applyProgress(root, envelope.data));
  // Whatever changed while the socket was down (or before it first connected) is read once.
  live.socket.on("connect", () => { refetch(root).catch(() => {}); });
}

function start() {
  const form = document.querySelector("form[data-milestone-form]");
  if (form) enhanceForm(form);
  const root = document.querySelector("[data-live-milestones]");
  if (root && Number(document.body.dataset.userId)) followProgress(root);
}

start();
