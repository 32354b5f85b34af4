// Learning contracts. The editor (templates/contracts/editor.html) is a plain form that works
// without JavaScript ("Add an item" posts it back with one more empty row; an emptied row is left
// out); here item rows are added and removed in place and renumbered (item-<n>-...) in page
// order, so the server reads them in order. On a contract's page, ticking an item's checkbox
// sends its form at once (the button beside it does the same without JavaScript).

function rows(list) {
  return [...list.querySelectorAll("[data-item]")];
}

function announce(editor, text) {
  const status = editor.querySelector("[data-editor-status]");
  if (status) status.textContent = text;
}

function renumber(editor, list) {
  const all = rows(list);
  const max = Number(editor.dataset.maxItems) || 30;
  all.forEach((row, index) => {
    const prefix = `item-${index}`;
    row.querySelector("[data-item-number]").textContent = `Item ${index + 1}`;
    row.querySelector("[data-item-label]").textContent = ` item ${index + 1}`;
    for (const field of row.querySelectorAll("[data-field]")) {
      const name = `${prefix}-${field.dataset.field}`;
      if (field.type !== "hidden") {
        const error = row.querySelector(`[data-error-for="${field.dataset.field}"]`);
        if (error) error.id = `${name}-error`;
        if (field.hasAttribute("aria-describedby")) field.setAttribute("aria-describedby", `${name}-error`);
        field.id = name;
      }
      field.name = name;
    }
    for (const label of row.querySelectorAll("label[data-for]")) label.htmlFor = `${prefix}-${label.dataset.for}`;
    row.querySelector("[data-remove]").disabled = all.length === 1;
  });
  const add = editor.querySelector("[data-add-item]");
  if (add) add.disabled = all.length >= max;
}

function addRow(editor, list) {
  const template = editor.querySelector("template[data-item-template]");
  const row = template.content.cloneNode(true).querySelector("[data-item]");
  row.querySelector("[data-remove]").hidden = false;
  list.append(row);
  renumber(editor, list);
  announce(editor, `Item ${rows(list).length} added.`);
  row.querySelector('[data-field="title"]').focus();
}

function removeRow(editor, list, row) {
  const index = rows(list).indexOf(row);
  row.remove();
  renumber(editor, list);
  announce(editor, `Item ${index + 1} removed.`);
  const next = rows(list)[Math.min(index, rows(list).length - 1)];
  next?.querySelector('[data-field="title"]').focus();
}

export function enhanceEditor(editor) {
  const list = editor.querySelector("[data-item-list]");
  editor.setAttribute("data-enhanced", "");
  for (const button of list.querySelectorAll("[data-remove]")) button.hidden = false;
  renumber(editor, list);
  editor.querySelector("[data-add-item]").addEventListener("click", (event) => {
    event.preventDefault();
    addRow(editor, list);
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (button) removeRow(editor, list, button.closest("[data-item]"));
  });
}

export function enhanceItemToggle(form) {
  const check = form.querySelector("[data-item-check]");
  const save = form.querySelector("[data-item-save]");
  if (!check || !save) return;
  check.hidden = false;
  save.classList.add("visually-hidden");
  save.tabIndex = -1;
  check.addEventListener("change", () => {
    form.setAttribute("aria-busy", "true");
    check.disabled = true;
    form.requestSubmit();
  });
}

for (const editor of document.querySelectorAll("form[data-contract-editor]")) enhanceEditor(editor);
for (const form of document.querySelectorAll("form[data-item-toggle]")) enhanceItemToggle(form);
