// Flag forms (templates/moderation/_flag_form.html): with JavaScript the flag goes to
// /api/v1/flags and the form confirms inline; without it, the form posts and the page reloads.
// One listener on the document also serves forms inserted live (new answers, room messages).
import { apiRequest } from "./api.js";

function flagBody(form) {
  const data = new FormData(form);
  return {
    target_type: data.get("target_type"),
    target_id: Number(data.get("target_id")),
    reason: data.get("reason"),
    note: data.get("note") || null,
  };
}

function showResult(form, text, ok) {
  const result = form.querySelector("[data-flag-result]");
  if (!result) return;
  result.hidden = false;
  result.textContent = text;
  result.classList.toggle("is-error", !ok);
}

async function sendFlag(form) {
  form.setAttribute("aria-busy", "true");
  try {
    await apiRequest("POST", "/api/v1/flags", flagBody(form));
    for (const part of form.querySelectorAll("fieldset, label, textarea, .form-actions")) part.hidden = true;
    showResult(form, "Thanks for flagging it: moderators will review it.", true);
    const summary = form.closest("details")?.querySelector("summary");
    if (summary) summary.firstChild.textContent = "Flagged";
  } catch (error) {
    showResult(form, error.message, false);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

export function enhanceFlagForms(root) {
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-flag-form]")) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    sendFlag(form);
  });
}
