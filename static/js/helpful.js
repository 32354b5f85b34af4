// "Was this helpful?" under answers and resources (templates/feedback/_widget.html): Yes / No are
// toggle buttons (pressing the pressed one withdraws the feedback); after No an optional comment
// box. Every change is a PUT or DELETE to the item's /feedback endpoint, and the reply (the item's
// summary) sets the buttons, so what is shown is what was stored. Clicks are handled on the
// document, so answers that arrive live (live.js copies the widget from the answer template) work
// too. Without JavaScript the controls stay hidden (see site.css).
import { apiRequest } from "./api.js";
import { showToast } from "./toast.js";

const SAVED = {
  yes: "Thanks for the feedback.",
  no: "Thanks. What was missing? (optional)",
  comment: "Thanks, your comment was sent.",
  withdrawn: "Your feedback was removed.",
};

function choiceOf(mine) {
  if (!mine) return "";
  return mine.helpful ? "yes" : "no";
}

function render(widget, summary, message) {
  const choice = choiceOf(summary.mine);
  widget.dataset.helpfulMine = choice;
  for (const button of widget.querySelectorAll("[data-helpful-choice]")) {
    button.setAttribute("aria-pressed", String(button.dataset.helpfulChoice === choice));
  }
  const form = widget.querySelector("[data-helpful-comment]");
  if (form) {
    form.hidden = choice !== "no";
    form.elements.comment.value = summary.mine ? summary.mine.comment : "";
  }
  widget.querySelector("[data-helpful-status]").textContent = message;
}

async function send(widget, method, body, message) {
  if (widget.getAttribute("aria-busy") === "true") return;
  widget.setAttribute("aria-busy", "true");
  const status = widget.querySelector("[data-helpful-status]");
  try {
    const url = widget.dataset.helpfulUrl;
    // A DELETE answers 204 with no body: read the item's new summary after it.
    const reply = await apiRequest(method, url, body);
    const summary = method === "DELETE" ? await apiRequest("GET", url) : reply;
    render(widget, summary, message);
  } catch (error) {
    status.textContent = error.message;
    showToast(error.message);
  } finally {
    widget.removeAttribute("aria-busy");
  }
}

function choose(widget, choice) {
  if (widget.dataset.helpfulMine === choice) {
    send(widget, "DELETE", undefined, SAVED.withdrawn);  // pressing it again takes it back
    return;
  }
  const form = widget.querySelector("[data-helpful-comment]");
  // Switching to No keeps a comment written earlier; Yes needs none.
  const comment = choice === "no" && form ? form.elements.comment.value : "";
  send(widget, "PUT", { helpful: choice === "yes", comment }, SAVED[choice]);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-helpful-choice]");
  const widget = button?.closest("[data-helpful]");
  if (!widget) return;
  event.preventDefault();
  choose(widget, button.dataset.helpfulChoice);
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-helpful-comment]");
  const widget = form?.closest("[data-helpful]");
  if (!widget) return;
  event.preventDefault();
  send(widget, "PUT", { helpful: false, comment: form.elements.comment.value }, SAVED.comment);
});
