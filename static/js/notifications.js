// On the notifications page, opening a notification marks it read (the bell follows live).
import { apiRequest } from "./api.js";

export function enhanceNotificationLinks(root) {
  for (const item of root.querySelectorAll("[data-notification-id].is-unread")) {
    const link = item.querySelector("[data-notification-link]");
    link?.addEventListener("click", () => {
      item.classList.remove("is-unread");
      apiRequest("POST", "/api/v1/notifications/read", { ids: [Number(item.dataset.notificationId)] })
        .catch(() => {});  // the list still offers "Mark read" if this did not get through
    });
  }
}
