// The viewer's own account changing while their pages are open (the `account_updated` event on
// their user channel): a suspension shows the banner and disables every composer on the page at
// once; lifting it hides the banner and enables what this script disabled. The server refuses
// the writes either way; this only tells the member before they type.

const DISABLED_MARK = "suspensionDisabled";
// Composers: the page's forms for writing something (a textarea), the chat box and "raise hand".
const COMPOSERS = "main form[method=post], main form[data-chat-form], main form[data-raise-hand]";

function composers() {
  return [...document.querySelectorAll(COMPOSERS)].filter((form) =>
    form.matches("[data-chat-form], [data-raise-hand]") || form.querySelector("textarea"));
}

function formatUntil(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return moment.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function setComposersDisabled(disabled) {
  for (const form of composers()) {
    for (const control of form.querySelectorAll("textarea, input:not([type=hidden]), select, button")) {
      if (disabled && !control.disabled) {
        control.disabled = true;
        control.dataset[DISABLED_MARK] = "1";
      } else if (!disabled && control.dataset[DISABLED_MARK]) {
        control.disabled = false;
        delete control.dataset[DISABLED_MARK];
      }
    }
  }
}

function showBanner(data) {
  const banner = document.querySelector("[data-account-banner]");
  if (!banner) return;
  const suspended = Boolean(data.suspended_until);
  banner.hidden = !suspended;
  if (!suspended) return;
  const until = banner.querySelector("[data-account-banner-until]");
  const reason = banner.querySelector("[data-account-banner-reason]");
  if (until) until.textContent = formatUntil(data.suspended_until);
  if (reason) reason.textContent = data.reason ? `Reason: ${data.reason}` : "";
}

export function accountUpdated({ data }) {
  if (!data || !("suspended_until" in data)) return;
  showBanner(data);
  setComposersDisabled(Boolean(data.suspended_until));
}

// A page rendered while the account is suspended starts with the banner showing.
export function applyInitialState() {
  const banner = document.querySelector("[data-account-banner]");
  if (banner && !banner.hidden) setComposersDisabled(true);
}
