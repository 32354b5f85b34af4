// Live session pages: start times in the reader's own time zone (the server renders the time as
// the host planned it, in its zone, which stays in the title and the "Planned as" note), with
// "in 3 days" from time.js beside upcoming ones. On the schedule form, an empty time zone is
// filled with the browser's. Every page works without this script.
import { relativeTime } from "./time.js";

const readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", year: "numeric",
  hour: "2-digit", minute: "2-digit", timeZoneName: "short",
});

function showLocalTimes(root) {
  for (const element of root.querySelectorAll("time[data-local-time]")) {
    const start = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(start.getTime())) continue;
    let text = dateTime.format(start);
    if (start.getTime() > Date.now()) text += ` (${relativeTime(start)})`;
    element.textContent = text;
  }
  // The note says which zone the host planned in; hide it when it is the reader's own.
  for (const note of root.querySelectorAll("[data-planned-note]")) {
    if (note.textContent.includes(`(${readerZone})`)) note.hidden = true;
  }
}

function defaultZone(root) {
  const form = root.querySelector("[data-new-session]");
  const input = form && form.querySelector("[data-session-timezone]");
  if (input && readerZone && (!input.value || input.value === "UTC") && !form.querySelector("[aria-invalid]")) {
    input.value = readerZone;
  }
}

showLocalTimes(document);
defaultZone(document);
setInterval(() => showLocalTimes(document), 60_000);
