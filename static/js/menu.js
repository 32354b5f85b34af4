// Disclosure menus (<details class="user-menu">) close on Escape or a click elsewhere.
export function enhanceMenus(root) {
  const menus = [...root.querySelectorAll("details.user-menu")];
  if (!menus.length) return;
  document.addEventListener("click", (event) => {
    for (const menu of menus) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of menus) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary")?.focus();
      }
    }
  });
}
