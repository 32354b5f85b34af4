// The survey builder (templates/surveys/builder.html). The page is a plain form that works
// without JavaScript ("Add a question" posts it back with one more empty question); here the
// questions are added, removed and reordered in place, the choices field shows only for choice
// questions, and the fields are renumbered (q-<n>-...) in page order so the server keeps it.

const CHOICE_KINDS = new Set(["single", "multiple"]);

function questions(list) {
  return [...list.querySelectorAll("[data-question]")];
}

function announce(builder, text) {
  const status = builder.querySelector("[data-builder-status]");
  if (status) status.textContent = text;
}

// Field names, ids and labels follow each question's position, so the server reads them in order.
function renumber(list) {
  questions(list).forEach((question, index) => {
    const number = index + 1;
    const prefix = `q-${index}`;
    question.querySelector("[data-question-number]").textContent = `Question ${number}`;
    for (const field of question.querySelectorAll("[data-field]")) {
      const id = `${prefix}-${field.dataset.field}`;
      const error = question.querySelector(`#${CSS.escape(field.id)}-error`);
      if (error) error.id = `${id}-error`;
      field.id = id;
      field.name = id;
      if (field.hasAttribute("aria-describedby")) field.setAttribute("aria-describedby", `${id}-error`);
    }
    for (const label of question.querySelectorAll("label[data-for]")) label.htmlFor = `${prefix}-${label.dataset.for}`;
    for (const hidden of question.querySelectorAll("[data-question-tools] .visually-hidden")) {
      hidden.textContent = ` question ${number}`;
    }
    question.querySelector('[data-move="up"]').disabled = index === 0;
    question.querySelector('[data-move="down"]').disabled = index === questions(list).length - 1;
    question.querySelector("[data-remove]").disabled = questions(list).length === 1;
  });
}

function showOptions(question) {
  const kind = question.querySelector('[data-field="kind"]').value;
  const options = question.querySelector("[data-options]");
  if (CHOICE_KINDS.has(kind)) options.removeAttribute("data-hidden-kind");
  else options.setAttribute("data-hidden-kind", "");
}

function enhanceQuestion(question) {
  question.querySelector("[data-question-tools]").hidden = false;
  showOptions(question);
}

function addQuestion(builder, list) {
  const template = builder.querySelector("template[data-question-template]");
  const fragment = template.content.cloneNode(true);
  const question = fragment.querySelector("[data-question]");
  list.append(question);
  enhanceQuestion(question);
  renumber(list);
  announce(builder, `Question ${questions(list).length} added.`);
  question.querySelector('[data-field="prompt"]').focus();
}

function move(builder, list, question, direction) {
  const sibling = direction === "up" ? question.previousElementSibling : question.nextElementSibling;
  if (!sibling) return;
  if (direction === "up") sibling.before(question);
  else sibling.after(question);
  renumber(list);
  const number = questions(list).indexOf(question) + 1;
  announce(builder, `Moved to position ${number}.`);
  const button = question.querySelector(`[data-move="${direction}"]`);
  (button.disabled ? question.querySelector("[data-move]:not(:disabled)") : button)?.focus();
}

function remove(builder, list, question) {
  const index = questions(list).indexOf(question);
  question.remove();
  renumber(list);
  announce(builder, `Question ${index + 1} removed.`);
  const next = questions(list)[Math.min(index, questions(list).length - 1)];
  next?.querySelector('[data-field="prompt"]').focus();
}

function showDepartments(builder) {
  const chosen = builder.querySelector("[data-audience]:checked");
  const departments = builder.querySelector("[data-departments]");
  if (departments) departments.hidden = chosen?.value !== "departments";
}

export function enhanceBuilder(builder) {
  const list = builder.querySelector("[data-question-list]");
  builder.setAttribute("data-enhanced", "");
  questions(list).forEach(enhanceQuestion);
  renumber(list);
  showDepartments(builder);
  builder.querySelector("[data-add-question]").addEventListener("click", (event) => {
    event.preventDefault();
    addQuestion(builder, list);
  });
  builder.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const question = button?.closest("[data-question]");
    if (!question) return;
    if (button.dataset.move) move(builder, list, question, button.dataset.move);
    else if (button.hasAttribute("data-remove")) remove(builder, list, question);
  });
  builder.addEventListener("change", (event) => {
    if (event.target.matches('[data-field="kind"]')) showOptions(event.target.closest("[data-question]"));
    if (event.target.matches("[data-audience]")) showDepartments(builder);
  });
}

for (const builder of document.querySelectorAll("form[data-survey-builder]")) enhanceBuilder(builder);
