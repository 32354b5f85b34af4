// Accept / unaccept through /api/v1/threads/<id>/accept, then mark and reorder answers in place.
import { apiRequest } from "./api.js";
import { showToast } from "./toast.js";

export function markAnswer(article, accepted) {
  article.classList.toggle("is-accepted", accepted);
  const mark = article.querySelector("[data-accepted-mark]");
  if (mark) mark.hidden = !accepted;
  const form = article.querySelector("form[data-accept-form]");
  if (!form) return;
  const input = form.querySelector("input[name=answer_id]");
  input.value = accepted ? "" : input.dataset.answerId;
  const button = form.querySelector("button");
  button.setAttribute("aria-pressed", String(accepted));
  button.textContent = accepted ? "Unaccept" : "Accept this answer";
}

function applyThread(threadElement, thread) {
  threadElement.dataset.acceptedAnswerId = thread.accepted_answer_id ?? "";
  const list = threadElement.querySelector("[data-answer-list]");
  const articles = new Map(
    [...list.querySelectorAll("article[data-answer-id]")].map((a) => [Number(a.dataset.answerId), a]),
  );
  for (const [id, article] of articles) markAnswer(article, id === thread.accepted_answer_id);
  for (const answer of thread.answers) {
    const article = articles.get(answer.id);
    if (article) list.append(article);  // the API's order: accepted first, then by score
  }
}

async function submitAccept(form, threadElement) {
  const raw = form.querySelector("input[name=answer_id]").value;
  const answerId = raw === "" ? null : Number(raw);
  form.setAttribute("aria-busy", "true");
  try {
    const thread = await apiRequest("POST", `/api/v1/threads/${threadElement.dataset.threadId}/accept`,
      { answer_id: answerId });
    applyThread(threadElement, thread);
    showToast(answerId === null ? "The answer is no longer accepted." : "Answer accepted.", "success");
    form.querySelector("button")?.focus();
  } catch (error) {
    showToast(error.message);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

export function enhanceAcceptForm(form, threadElement) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") !== "true") submitAccept(form, threadElement);
  });
}

export function enhanceAcceptForms(root) {
  const threadElement = root.querySelector("[data-thread-id]");
  if (!threadElement) return;
  for (const form of threadElement.querySelectorAll("form[data-accept-form]")) {
    enhanceAcceptForm(form, threadElement);
  }
}
