// Live session pages: start times in the reader's own time zone (the server renders the time as
// the host planned it, in its zone, which stays in the title and the "Planned as" note), with
// "in 3 days" from time.js beside upcoming ones. On the schedule form, an empty time zone is
// filled with the browser's. On a session's page the seats count follows RSVPs live, and a change
// of time or a cancellation says so. Every page works without this script.
import { Channel, liveConnection } from "./socket.js";
import { relativeTime } from "./time.js";
import { plural } from "./words.js";

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

// The same words as the seats macro of templates/live_sessions/_session.html.
function seatsText(data) {
  if (data.capacity === null) return { taken: `${plural(data.going_count, "person", "people")} going`, left: "" };
  let taken = `${data.going_count} of ${data.capacity} seats taken`;
  if (data.waitlist_count) taken += ` · ${data.waitlist_count} waiting`;
  const open = data.state === "upcoming" || data.state === "live";
  return { taken, left: open && data.seats_left !== null ? plural(data.seats_left, "seat", "seats") + " left" : "" };
}

function followSession(page) {
  if (!page?.dataset.liveChannel) return;  // guests
  const seats = page.querySelector("[data-session-seats]");
  const changed = page.querySelector("[data-session-changed]");
  const apply = ({ type, data }) => {
    if (type !== "live_session_updated" || data.id !== Number(page.dataset.sessionId)) return;
    const { taken, left } = seatsText(data);
    const strong = document.createElement("strong");
    strong.textContent = left;
    seats.replaceChildren(taken, ...(left ? [" · ", strong] : []));
    const moved = new Date(data.starts_at).getTime() !== new Date(page.dataset.sessionStartsAt).getTime();
    if (moved || (data.state === "cancelled") !== (page.dataset.sessionState === "cancelled")) changed.hidden = false;
  };
  liveConnection().add(new Channel(page.dataset.liveChannel, Number(page.dataset.lastEventId) || 0, apply));
}

showLocalTimes(document);
defaultZone(document);
followSession(document.querySelector("[data-session-id][data-live-channel]"));
setInterval(() => showLocalTimes(document), 60_000);
