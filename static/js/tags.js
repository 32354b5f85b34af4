// Tag autocomplete: suggestions for the word being typed, from GET /api/v1/tags?q=.
// An ARIA combobox: arrows move, Enter or Tab picks, Escape closes.
import { apiRequest } from "./api.js";

const DELAY_MS = 150;
const SEPARATORS = /[\s,]+/;

function currentWord(input) {
  const words = input.value.split(SEPARATORS);
  return words[words.length - 1].toLowerCase();
}

function enteredTags(input) {
  return new Set(input.value.toLowerCase().split(SEPARATORS).filter(Boolean).slice(0, -1));
}

function attach(box) {
  const input = box.querySelector("input");
  const list = box.querySelector("[role=listbox]");
  let options = [];
  let active = -1;
  let timer = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    active = index;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(name) {
    const words = input.value.split(SEPARATORS);
    words[words.length - 1] = name;
    input.value = `${words.filter(Boolean).join(" ")} `;
    close();
    input.focus();
  }

  function show(items) {
    const taken = enteredTags(input);
    const names = items.map((item) => item.name).filter((name) => !taken.has(name)).slice(0, 8);
    if (!names.length) return close();
    list.replaceChildren();
    options = names.map((name, i) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.dataset.name = name;
      option.textContent = name;
      const count = items.find((item) => item.name === name)?.question_count ?? 0;
      const badge = document.createElement("span");
      badge.className = "suggestion-count";
      badge.textContent = `× ${count}`;
      option.append(badge);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();  // keep focus in the input
        choose(name);
      });
      return option;
    });
    list.append(...options);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  }

  async function suggest() {
    const word = currentWord(input);
    if (!word) return close();
    try {
      const result = await apiRequest("GET", `/api/v1/tags?q=${encodeURIComponent(word)}`);
      if (currentWord(input) === word) show(result.items);
    } catch {
      close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      choose(options[active].dataset.name);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
}

export function enhanceTagInputs(root) {
  for (const box of root.querySelectorAll("[data-tag-input]")) attach(box);
}
