// Short messages in the page's aria-live region (#toasts); they fade after a few seconds.
const VISIBLE_MS = 6000;

export function showToast(message, kind = "error") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const toast = document.createElement("div");
  toast.className = `toast toast-${kind}`;
  toast.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  close.addEventListener("click", () => toast.remove());
  toast.append(close);
  region.append(toast);
  setTimeout(() => toast.remove(), VISIBLE_MS);
}
