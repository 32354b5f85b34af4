// Live Markdown preview: a debounced POST to /api/v1/markdown/preview (sanitized HTML back).
import { apiRequest } from "./api.js";

const DELAY_MS = 300;
const EMPTY = '<p class="muted">Nothing to preview yet.</p>';

function attach(editor) {
  const source = editor.querySelector("[data-preview-source]");
  const panel = editor.querySelector("[data-preview]");
  const output = editor.querySelector("[data-preview-output]");
  if (!source || !panel || !output) return;
  panel.hidden = false;
  let timer = null;
  let inFlight = null;

  async function update() {
    if (inFlight) inFlight.abort();
    if (!source.value.trim()) {
      output.innerHTML = EMPTY;
      return;
    }
    inFlight = new AbortController();
    try {
      const result = await apiRequest("POST", "/api/v1/markdown/preview", { body: source.value },
        { signal: inFlight.signal });
      output.innerHTML = result.html;  // sanitized by the server (community/text/sanitize.py)
    } catch (error) {
      if (error.name !== "AbortError") output.textContent = `Preview unavailable: ${error.message}`;
    }
  }

  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DELAY_MS);
  });
  if (source.value.trim()) update();
}

export function enhanceMarkdownPreviews(root) {
  for (const editor of root.querySelectorAll("[data-markdown-editor]")) attach(editor);
}
