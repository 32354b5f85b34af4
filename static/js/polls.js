// Polls: vote, change or withdraw a vote, close and delete without a reload; results update live.
// Every element marked [data-poll] on the page is enhanced when this module loads; live.js and
// rooms.js pass `poll_created` / `poll_updated` events to applyPollEvent. Event payloads carry no
// per-viewer fields, so the viewer's own choice is kept from what the widget already shows.
import { apiRequest } from "./api.js";
import { plural } from "./words.js";

const VOTER_NAMES_SHOWN = 8;


function pollElement(id) {
  return document.querySelector(`[data-poll][data-poll-id="${id}"]`);
}

function mineOf(element) {
  return (element.dataset.mine || "").split(",").filter(Boolean).map(Number);
}

function showError(element, message) {
  const box = element.querySelector("[data-poll-error]");
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
}

// Apply a poll payload to its widget. `mine` is the viewer's choice ids: from a personal payload
// (my_option_ids) or, for events, what the widget showed before.
export function renderPoll(element, poll) {
  const mine = Array.isArray(poll.my_option_ids) ? poll.my_option_ids : mineOf(element);
  element.dataset.mine = mine.join(",");
  element.dataset.closed = poll.closed ? "1" : "";
  element.classList.toggle("is-closed", poll.closed);
  const total = poll.voter_count;
  for (const option of poll.options) {
    const item = element.querySelector(`[data-option-id="${option.id}"]`);
    if (!item) continue;
    const isMine = mine.includes(option.id);
    item.classList.toggle("is-mine", isMine);
    item.querySelector("[data-mine-mark]").hidden = !isMine;
    const share = total ? ` · ${Math.round((option.votes * 100) / total)}%` : "";
    item.querySelector("[data-votes]").textContent = plural(option.votes, "vote", "votes") + share;
    const bar = item.querySelector("progress");
    bar.max = total || 1;
    bar.value = option.votes;
    const input = item.querySelector("input");
    if (input && Array.isArray(poll.my_option_ids)) input.checked = isMine;
    if (input) input.disabled = poll.closed;
    const voters = item.querySelector("[data-voters]");
    if (voters && poll.voters) {
      const users = poll.voters[String(option.id)] || [];
      const names = users.slice(0, VOTER_NAMES_SHOWN).map((user) => user.display_name).join(", ");
      const more = users.length > VOTER_NAMES_SHOWN ? ` and ${users.length - VOTER_NAMES_SHOWN} more` : "";
      voters.textContent = names + more;
      voters.hidden = users.length === 0;
    }
  }
  const summary = element.querySelector("[data-poll-summary]");
  const text = `${plural(total, "person", "people")} voted${poll.closed ? " · final results" : ""}`;
  if (summary.textContent !== text) summary.textContent = text;
  if (poll.closed) {
    element.querySelector("[data-poll-deadline]").textContent = "Closed";
    for (const button of element.querySelectorAll("[data-poll-vote], [data-poll-withdraw], [data-poll-close]")) {
      button.remove();
    }
  } else {
    const vote = element.querySelector("[data-poll-vote]");
    if (vote) vote.textContent = mine.length ? "Change vote" : "Vote";
    const withdraw = element.querySelector("[data-poll-withdraw]");
    if (withdraw) withdraw.hidden = mine.length === 0;
  }
}

async function act(element, work) {
  if (element.getAttribute("aria-busy") === "true") return;
  element.setAttribute("aria-busy", "true");
  showError(element, "");
  try {
    await work();
  } catch (error) {
    showError(element, error.message);
  } finally {
    element.removeAttribute("aria-busy");
  }
}

function enhance(element) {
  if (element.dataset.enhanced) return;
  element.dataset.enhanced = "1";
  const id = element.dataset.pollId;
  const form = element.querySelector("[data-poll-form]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll("input[name=option_ids]:checked")].map((input) => Number(input.value));
    if (!chosen.length) { showError(element, "Choose an option first."); return; }
    act(element, async () => renderPoll(element, await apiRequest("PUT", `/api/v1/polls/${id}/vote`,
      { option_ids: chosen })));
  });
  // The buttons also submit the form to the page route (no JavaScript): here the API does it instead.
  element.querySelector("[data-poll-withdraw]")?.addEventListener("click", (event) => {
    event.preventDefault();
    act(element, async () => {
      await apiRequest("DELETE", `/api/v1/polls/${id}/vote`);
      renderPoll(element, await apiRequest("GET", `/api/v1/polls/${id}`));
      element.querySelector("[data-poll-vote]")?.focus();
    });
  });
  element.querySelector("[data-poll-close]")?.addEventListener("click", (event) => {
    event.preventDefault();
    act(element, async () => renderPoll(element, await apiRequest("POST", `/api/v1/polls/${id}/close`)));
  });
  element.querySelector("[data-poll-delete]")?.addEventListener("click", (event) => {
    event.preventDefault();
    if (!window.confirm("Delete this poll and its votes?")) return;
    act(element, async () => {
      await apiRequest("DELETE", `/api/v1/polls/${id}`);
      element.remove();
    });
  });
}

export function enhancePolls(root = document) {
  for (const element of root.querySelectorAll("[data-poll]")) enhance(element);
  for (const form of root.querySelectorAll("form[data-poll-create]")) enhanceCreateForm(form);
}

// --- building a widget for a poll that arrives live (mirrors templates/polls/_poll.html) ------

function make(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "className") node.className = value; else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function buildOption(poll, option, canVote) {
  const label = make("span", { className: "poll-label" }, option.label);
  const choice = canVote
    ? make("label", { className: "poll-choice" },
      make("input", { type: poll.multiple ? "checkbox" : "radio", name: "option_ids", value: option.id }), " ", label)
    : make("span", { className: "poll-choice" }, label);
  const row = make("div", { className: "poll-option-row" }, choice,
    make("span", { className: "poll-mine-mark", "data-mine-mark": true, hidden: true }, "Your vote"),
    make("span", { className: "poll-count", "data-votes": true }));
  const item = make("li", { className: "poll-option", "data-option-id": option.id }, row,
    make("progress", { className: "poll-bar", max: 1, value: 0, "aria-hidden": "true" }));
  if (!poll.anonymous) item.append(make("p", { className: "poll-voters muted", "data-voters": true, hidden: true }));
  return item;
}

export function buildPoll(poll, { canVote, canManage }) {
  const questionId = `poll-${poll.id}-question`;
  const meta = make("p", { className: "poll-meta muted" },
    make("span", {}, poll.multiple ? "Choose one or more" : "Choose one"));
  if (poll.anonymous) meta.append(" ", make("span", {}, "Anonymous: nobody sees who voted for what"));
  const deadline = make("span", { "data-poll-deadline": true });
  if (poll.closes_at) deadline.append("Closes ", make("time", { datetime: poll.closes_at }, new Date(poll.closes_at).toLocaleString()));
  meta.append(" ", deadline, " ", make("span", {}, "by ", make("a", { href: poll.author.url }, poll.author.display_name)));
  const actions = make("div", { className: "poll-actions" });
  if (canVote && !poll.closed) {
    actions.append(make("button", { type: "submit", className: "button primary small", "data-poll-vote": true }, "Vote"), " ",
      make("button", { type: "button", className: "button small", "data-poll-withdraw": true, hidden: true }, "Withdraw vote"));
  }
  if (canManage) {
    actions.append(" ", make("button", { type: "button", className: "button small", "data-poll-close": true }, "Close poll"),
      " ", make("button", { type: "button", className: "button small danger", "data-poll-delete": true }, "Delete poll"));
  }
  const form = make("form", { className: "poll-form", "data-poll-form": true },
    make("fieldset", {}, make("legend", { className: "visually-hidden" }, poll.question),
      make("ul", { className: "poll-options" }, ...poll.options.map((option) => buildOption(poll, option, canVote)))),
    make("p", { className: "poll-summary muted", "data-poll-summary": true, "aria-live": "polite" }),
    make("p", { className: "field-error", "data-poll-error": true, role: "alert", hidden: true }),
    actions);
  const element = make("section", {
    className: "poll card", id: `poll-${poll.id}`, "data-poll": true, "data-poll-id": poll.id,
    "data-multiple": poll.multiple ? "1" : "", "data-anonymous": poll.anonymous ? "1" : "", "data-mine": "",
    "aria-labelledby": questionId,
  }, make("header", { className: "poll-head" }, make("p", { className: "eyebrow" }, "Poll"),
    make("h3", { className: "poll-question", id: questionId }, poll.question), meta), form);
  renderPoll(element, poll);
  enhance(element);
  return element;
}

// --- creating a poll ----------------------------------------------------------------------

function localToIso(value) {
  if (!value) return null;
  const moment = new Date(value);  // datetime-local is the viewer's local time
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

function enhanceCreateForm(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  // The closing time is read in this browser's time zone, so the zone field is for forms only.
  form.querySelector("[data-poll-timezone]")?.setAttribute("hidden", "");
  const error = form.querySelector("[data-poll-create-error]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = form.dataset.homeField;
    const home = field === "room" ? form.dataset.homeValue : Number(form.dataset.homeValue);
    const body = {
      question: form.elements.question.value,
      options: form.elements.options.value.split("\n").map((line) => line.trim()).filter(Boolean),
      multiple: form.elements.multiple.checked,
      anonymous: form.elements.anonymous.checked,
      closes_at: localToIso(form.elements.closes_at.value),
      [field]: home,
    };
    error.hidden = true;
    try {
      const poll = await apiRequest("POST", "/api/v1/polls", body);
      addPoll(document.getElementById(form.dataset.pollListId), poll, { canVote: true, canManage: true });
      form.reset();
      form.closest("details")?.removeAttribute("open");
      pollElement(poll.id)?.querySelector("input")?.focus();
    } catch (failure) {
      const fields = failure.body?.error?.fields;
      error.textContent = fields ? Object.entries(fields).map(([name, reason]) => `${name.replace("_", " ")} ${reason}`).join("; ")
        : failure.message;
      error.hidden = false;
    }
  });
}

function addPoll(list, poll, rights) {
  if (!list || pollElement(poll.id)) return;
  list.hidden = false;
  const section = list.closest("[data-poll-section]");
  if (section) section.hidden = false;
  list.append(buildPoll(poll, rights));
}

// --- live events ---------------------------------------------------------------------------

// `list` is where new polls go (the thread's or the room's poll list); `rights` what a new poll
// lets this viewer do: {canVote} (managing someone else's new poll needs a reload).
export function applyPollEvent(envelope, { list, canVote = false, viewerId = 0 } = {}) {
  const poll = envelope.data;
  if (envelope.type === "poll_created") {
    addPoll(list, poll, { canVote, canManage: poll.author.id === viewerId });
    return;
  }
  if (envelope.type !== "poll_updated") return;
  const element = pollElement(poll.id);
  if (!element) return;
  if (poll.deleted) { element.remove(); return; }
  renderPoll(element, poll);
}

enhancePolls(document);
