// A live help room, live: messages, who is here and who is typing, the help queue, and older
// history on demand. Messages are sent over the socket (`message`, acknowledged), or through the
// JSON API while the socket is down. Every form on the page also works without this script.
import { apiRequest } from "./api.js";
import { applyPollEvent } from "./polls.js";
import { Channel, TypingIndicator, announceTyping, liveConnection } from "./socket.js";
import { showToast } from "./toast.js";
import { refresh as refreshTimes } from "./time.js";

const NEAR_BOTTOM_PX = 120;
const page = document.querySelector("[data-room-page]");
const viewerId = Number(document.body.dataset.userId);

function fromTemplate(id, objectId) {
  const template = document.getElementById(id);
  if (!template) return null;
  const holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replaceAll(template.dataset.placeholderId, String(objectId));
  return holder.firstElementChild;
}

function setUser(link, image, user) {
  link.textContent = user.display_name;
  link.href = user.url;
  if (image) image.src = user.avatar_url;
}

function setTime(time, iso) {
  time.setAttribute("datetime", iso);
  time.title = iso;
}

// --- messages ----------------------------------------------------------------------------------

class MessageList {
  constructor(room) {
    this.room = room;
    this.list = page.querySelector("[data-message-list]");
    this.scroller = page.querySelector("[data-chat-scroll]");
    this.empty = page.querySelector("[data-chat-empty]");
    this.canModerate = page.dataset.canModerate === "1";
    for (const item of this.list.querySelectorAll("li[data-message-id]")) this.enhance(item);
  }

  find(id) {
    return this.list.querySelector(`li[data-message-id="${id}"]`);
  }

  render(message) {
    const item = fromTemplate("message-template", message.id);
    if (!item) return null;
    item.dataset.authorId = String(message.author.id);
    setUser(item.querySelector(".user-link"), item.querySelector("img.avatar"), message.author);
    setTime(item.querySelector("time"), message.created_at);
    item.querySelector(".message-body").innerHTML = message.body_html;  // sanitized by the server
    if (!this.canModerate && message.author.id !== viewerId) item.querySelector("[data-remove-message]")?.remove();
    if (message.author.id === viewerId) item.querySelector("[data-flag]")?.remove();  // not your own
    refreshTimes(item);
    this.enhance(item);
    return item;
  }

  add(message) {
    if (this.find(message.id)) return;
    const item = this.render(message);
    if (!item) return;
    const stick = this.nearBottom() || message.author.id === viewerId;
    const later = [...this.list.children].find((li) => Number(li.dataset.messageId) > message.id);
    this.list.insertBefore(item, later || null);
    this.empty.hidden = true;
    if (stick) this.scrollToBottom();
  }

  prepend(messages) {
    const before = this.scroller.scrollHeight - this.scroller.scrollTop;
    const fresh = messages.filter((m) => !this.find(m.id)).map((m) => this.render(m)).filter(Boolean);
    this.list.prepend(...fresh);
    this.scroller.scrollTop = this.scroller.scrollHeight - before;  // keep the reader's place
    if (fresh.length) this.empty.hidden = true;
  }

  update(message) {
    // Hidden by flags (the payload carries the placeholder instead of the body) or shown again.
    const item = this.find(message.id);
    if (!item) return;
    item.querySelector(".message-body").innerHTML = message.body_html;  // sanitized by the server
    item.classList.toggle("is-hidden", Boolean(message.hidden));
    if (!message.hidden) item.querySelector("[data-hidden-notice]")?.remove();
  }

  remove(id) {
    this.find(id)?.remove();
    this.empty.hidden = this.list.children.length > 0;
  }

  nearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  enhance(item) {
    const form = item.querySelector("form[data-remove-message]");
    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await apiRequest("DELETE", `/api/v1/rooms/${this.room}/messages/${item.dataset.messageId}`);
        this.remove(item.dataset.messageId);
      } catch (error) {
        showToast(error.message);
      }
    });
  }
}

// "Load older messages": pages back with `before`, by button or when scrolled to the top.
function enableHistory(room, messages) {
  const link = page.querySelector("[data-load-older]");
  if (!link) return;
  let loading = false;
  const load = async () => {
    if (loading || link.hidden) return;
    loading = true;
    try {
      const older = await apiRequest("GET", `/api/v1/rooms/${room}/messages?before=${link.dataset.before}&limit=50`);
      messages.prepend(older.items);
      if (older.items.length) link.dataset.before = String(older.items[0].id);
      link.parentElement.hidden = link.hidden = !older.has_more;
    } catch (error) {
      showToast(error.message);
    } finally {
      loading = false;
    }
  };
  link.addEventListener("click", (event) => { event.preventDefault(); load(); });
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) load();
  }, { root: messages.scroller });
  setTimeout(() => observer.observe(link), 500);  // after the first scroll to the bottom
}

// --- the help queue ------------------------------------------------------------------------------

class HelpQueue {
  constructor() {
    this.list = page.querySelector("[data-help-list]");
    this.empty = page.querySelector("[data-help-empty]");
    this.canModerate = page.dataset.canModerate === "1";
    this.canPost = page.dataset.canPost === "1";
    for (const item of this.list.querySelectorAll("li[data-help-id]")) this.enhance(item);
  }

  upsert(request) {
    const existing = this.list.querySelector(`li[data-help-id="${request.id}"]`);
    if (request.status === "resolved") {
      existing?.remove();
    } else {
      const item = this.render(request);
      if (existing) existing.replaceWith(item); else this.list.append(item);
    }
    this.empty.hidden = this.list.children.length > 0;
  }

  render(request) {
    const item = fromTemplate("help-template", request.id);
    item.className = `help-request help-${request.status}`;
    item.dataset.status = request.status;
    item.querySelector(".help-summary").textContent = request.summary;
    item.querySelector(".help-requester").textContent = request.requester.display_name;
    item.querySelector(".help-status-text").textContent =
      request.status === "claimed" ? `${request.helper.display_name} is helping` : "waiting";
    setTime(item.querySelector("time"), request.created_at);
    const mine = [request.requester.id, request.helper?.id].includes(viewerId);
    const mayClaim = this.canPost && request.status === "open" && request.requester.id !== viewerId;
    if (!mayClaim) item.querySelector("[data-help-claim]")?.remove();
    if (!(mine || this.canModerate)) item.querySelector("[data-help-resolve]")?.remove();
    refreshTimes(item);
    this.enhance(item);
    return item;
  }

  enhance(item) {
    for (const [selector, verb] of [["[data-help-claim]", "claim"], ["[data-help-resolve]", "resolve"]]) {
      item.querySelector(selector)?.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          this.upsert(await apiRequest("POST", `/api/v1/help-requests/${item.dataset.helpId}/${verb}`));
        } catch (error) {
          showToast(error.message);
        }
      });
    }
  }
}

function enableRaiseHand(room, queue) {
  const form = page.querySelector("form[data-raise-hand]");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector("input[name=summary]");
    try {
      queue.upsert(await apiRequest("POST", `/api/v1/rooms/${room}/help-requests`, { summary: input.value }));
      input.value = "";
    } catch (error) {
      showToast(error.message);
    }
  });
}

// --- sending ---------------------------------------------------------------------------------------

function enableChatForm(live, room, messages) {
  const form = page.querySelector("form[data-chat-form]");
  if (!form) return;
  const textarea = form.querySelector("textarea[name=body]");
  const errorLine = form.querySelector("[data-chat-error]");
  const showError = (text) => { errorLine.textContent = text; errorLine.hidden = !text; };
  announceTyping(live, `room:${room}`, textarea);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = textarea.value;
    if (!body.trim()) return;
    form.setAttribute("aria-busy", "true");
    try {
      messages.add(await send(live, room, body));
      textarea.value = "";
      showError("");
    } catch (error) {
      showError(error.message);
    } finally {
      form.removeAttribute("aria-busy");
      textarea.focus();
    }
  });
}

async function send(live, room, body) {
  let ack;
  try {
    ack = await live.call("message", { room, body });
  } catch {
    return apiRequest("POST", `/api/v1/rooms/${room}/messages`, { body });  // the socket is down
  }
  if (ack.ok) return ack.message;
  const wait = ack.error.retry_after ? ` (wait ${ack.error.retry_after} s)` : "";
  throw new Error(`${ack.error.message}${wait}`);
}

// --- presence, typing, room changes -------------------------------------------------------------

function renderOnline(users) {
  const list = page.querySelector("[data-online-list]");
  list.replaceChildren(...users.map((user) => {
    const item = document.createElement("li");
    const image = document.createElement("img");
    image.className = "avatar";
    image.src = user.avatar_url;
    image.alt = "";
    image.width = image.height = 24;
    const name = document.createElement("span");
    name.textContent = user.display_name;
    item.append(image, " ", name);
    return item;
  }));
  page.querySelector("[data-online-count]").textContent = String(users.length);
}

function typingPhrase(names) {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

function showNotice(text) {
  const notice = page.querySelector("[data-room-notice]");
  if (!notice) return;
  notice.textContent = text;
  notice.hidden = false;
}

function closeRoom(text) {
  showNotice(text);
  for (const form of page.querySelectorAll("form[data-chat-form], form[data-raise-hand]")) form.hidden = true;
}

// Where a poll that arrives live goes, and whether this viewer may vote in it (see polls.js).
function pollTarget() {
  const list = page.querySelector("[data-poll-list]");
  return { list, canVote: Boolean(list?.dataset.canVote), viewerId };
}

function roomHandlers(messages, queue, typing) {
  return {
    room_message({ data }) {
      messages.add(data);
      typing.update(data.author, false);
    },
    message_deleted({ data }) { messages.remove(data.id); },
    message_updated({ data }) { messages.update(data); },
    help_request({ data }) { queue.upsert(data); },
    poll_created: (envelope) => applyPollEvent(envelope, pollTarget()),
    poll_updated: (envelope) => applyPollEvent(envelope, pollTarget()),
    presence({ data }) { renderOnline(data.users); },
    typing({ data }) { if (data.user.id !== viewerId) typing.update(data.user, data.state); },
    room_updated({ data }) {
      page.querySelector("[data-room-title]").textContent = data.title;
      const topic = page.querySelector("[data-room-topic]");
      topic.textContent = data.topic;
      topic.hidden = !data.topic;
      page.querySelector("[data-archived-label]").hidden = !data.archived;
      if (data.archived) closeRoom("This room was archived: its history is read-only now.");
    },
    transcript_saved({ data }) {
      const what = data.kind === "thread" ? "a new question" : "an answer";
      showToast(`${data.by.display_name} saved the conversation as ${what}.`, "success");
    },
  };
}

function start() {
  if (!page || !viewerId) return;
  const room = page.dataset.roomSlug;
  const live = liveConnection();
  const messages = new MessageList(room);
  const queue = new HelpQueue();
  const typing = new TypingIndicator(page.querySelector("[data-typing]"), typingPhrase);
  const handlers = roomHandlers(messages, queue, typing);
  live.add(new Channel(`room:${room}`, Number(page.dataset.lastEventId) || 0,
    (envelope) => handlers[envelope.type]?.(envelope),
    { onRefused: (ack) => closeRoom(ack?.error?.code === "not_found"
      ? "You no longer have access to this room." : "This room can't be followed live right now.") }));
  live.socket.on("room_access_revoked", (envelope) => {
    if (envelope?.data?.room === room) closeRoom("You were removed from this room.");
  });
  enableChatForm(live, room, messages);
  enableRaiseHand(room, queue);
  enableHistory(room, messages);
  if (!window.location.hash.startsWith("#message-")) messages.scrollToBottom();
}

start();
