// "These may already answer your question": while the title is typed on the ask page, a debounced
// GET /api/v1/threads/similar lists likely duplicates, solved ones marked. Links open in a new tab
// so the draft stays. The panel stays hidden until there is something to show.
import { apiRequest } from "./api.js";

const DELAY_MS = 350;
const MIN_CHARS = 8;
const LIMIT = 5;

function item(result) {
  const li = document.createElement("li");
  li.className = "similar-item";
  const link = document.createElement("a");
  link.href = result.url;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = result.title;  // text, never HTML
  const hint = document.createElement("span");
  hint.className = "visually-hidden";
  hint.textContent = " (opens in a new tab)";
  link.append(hint);
  li.append(link);
  const meta = document.createElement("span");
  meta.className = "similar-meta";
  if (result.solved) {
    const solved = document.createElement("span");
    solved.className = "similar-solved";
    solved.textContent = "✓ solved";
    meta.append(solved, " · ");
  }
  const answers = result.answer_count;
  meta.append(`${answers} ${answers === 1 ? "answer" : "answers"}`);
  li.append(" ", meta);
  return li;
}

function attach(panel) {
  const input = document.getElementById(panel.dataset.similarFor || "title");
  const list = panel.querySelector("[data-similar-list]");
  const status = document.querySelector(`[data-similar-status="${panel.id}"]`);
  if (!input || !list) return;
  let timer = null;
  let inFlight = null;
  let shownFor = "";

  function show(results, title) {
    shownFor = title;
    list.replaceChildren(...results.map(item));
    panel.hidden = results.length === 0;
    if (status) {
      status.textContent = results.length
        ? `${results.length} similar ${results.length === 1 ? "question" : "questions"} found`
        : "";
    }
  }

  async function lookup() {
    const title = input.value.trim();
    if (title === shownFor) return;
    if (inFlight) inFlight.abort();
    if (title.length < MIN_CHARS) {
      show([], title);
      return;
    }
    inFlight = new AbortController();
    const query = `title=${encodeURIComponent(title)}&limit=${LIMIT}`;
    try {
      const data = await apiRequest("GET", `/api/v1/threads/similar?${query}`, undefined,
        { signal: inFlight.signal });
      if (input.value.trim() === title) show(data.results, title);
    } catch (error) {
      if (error.name !== "AbortError") show([], "");
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY_MS);
  });
  if (input.value.trim()) lookup();  // the form came back with an error: keep helping
}

export function enhanceSimilarQuestions(root) {
  for (const panel of root.querySelectorAll("[data-similar-questions]")) attach(panel);
}

enhanceSimilarQuestions(document);
