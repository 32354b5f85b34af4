// The page's one Socket.IO connection and its channels, shared by live.js (threads, the question
// list, notifications) and rooms.js (live help rooms). Each channel keeps the id of the last event
// it applied; after a reconnect (or the server's `catch_up` after a Redis outage) it is joined
// again with that id, so the server sends what was missed (from the event log) and the channel
// drops anything it has already seen.
import { io } from "/static/vendor/socket.io.esm.min.js";

const TYPING_SHOW_MS = 10000;   // hide someone's "typing" if it is not refreshed in this time
const TYPING_REFRESH_MS = 3000; // while typing, say so again this often
const TYPING_IDLE_MS = 4000;    // stop saying so after this long without a keystroke

const SEEN_LIMIT = 5000;  // ids remembered per channel to drop repeats

// A channel's cursor. Live events that arrive while a join is in flight wait in `pending`, so
// the join's `missed` list (older) is applied first and the order is kept. An event is dropped
// when its id was already applied, or is at or below the id the page was rendered at; one that
// arrives late (below the newest id, from another server process) is still applied.
export class Channel {
  constructor(name, lastId, handler, { onRefused } = {}) {
    this.name = name;
    this.lastId = lastId;   // the newest id applied: where a reconnect resumes
    this.floor = lastId;    // the page already shows everything up to here
    this.seen = new Set();
    this.handler = handler;
    this.onRefused = onRefused;
    this.joining = false;
    this.pending = [];
  }

  deliver(envelope) {
    if (envelope.id === null) {
      this.handler(envelope);  // presence and typing are not stored and have no id
    } else if (this.joining) {
      this.pending.push(envelope);
    } else if (envelope.id > this.floor && !this.seen.has(envelope.id)) {
      this.seen.add(envelope.id);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value);
      this.lastId = Math.max(this.lastId, envelope.id);
      this.handler(envelope);
    }
  }

  joined(ack) {
    this.joining = false;
    const queued = [...ack.missed, ...this.pending];
    this.pending = [];
    for (const envelope of queued) this.deliver(envelope);
  }
}

class Connection {
  constructor() {
    this.channels = new Map();
    this.statusListeners = [];
    this.socket = io();
    this.socket.onAny((_name, envelope) => {
      if (envelope && typeof envelope === "object") this.channels.get(envelope.channel)?.deliver(envelope);
    });
    this.socket.on("connect", () => {
      this.notify(true);
      for (const channel of this.channels.values()) this.join(channel);
    });
    this.socket.on("disconnect", () => this.notify(false));
    // The server lost its message queue (Redis) for a while and is back: the socket stayed up but
    // missed what was published meanwhile, so every channel re-joins from its last event id.
    this.socket.on("catch_up", () => {
      for (const channel of this.channels.values()) this.join(channel);
    });
  }

  get connected() {
    return this.socket.connected;
  }

  add(channel) {
    this.channels.set(channel.name, channel);
    if (this.socket.connected) this.join(channel);
    return channel;
  }

  drop(name) {
    this.channels.delete(name);
  }

  join(channel) {
    channel.joining = true;
    this.socket.emit("join", { channel: channel.name, after: channel.lastId }, (ack) => {
      if (!ack?.ok) {
        channel.joining = false;
        channel.onRefused?.(ack);
        return;
      }
      if (ack.resync) { window.location.reload(); return; }
      channel.joined(ack);
      if (ack.presence?.length) channel.handler({ type: "presence", id: null, data: { users: ack.presence } });
    });
  }

  // Calls listener(connected) now if the socket is up, and on every connect and disconnect.
  onStatus(listener) {
    this.statusListeners.push(listener);
    if (this.socket.connected) listener(true);
  }

  notify(connected) {
    for (const listener of this.statusListeners) listener(connected);
  }

  // Emit with an acknowledgement, as a promise; rejects when the socket is not connected.
  call(event, payload, timeoutMs = 10000) {
    if (!this.socket.connected) return Promise.reject(new Error("offline"));
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload);
  }
}

let connection = null;

export function liveConnection() {
  if (!connection) connection = new Connection();
  return connection;
}

// "Ana is typing…": who is typing in a channel, each hidden if not refreshed in time.
export class TypingIndicator {
  constructor(element, phrase) {
    this.element = element;
    this.phrase = phrase;      // (names) => text
    this.typists = new Map();  // user id -> {name, timer}
  }

  update(user, state) {
    const known = this.typists.get(user.id);
    if (known) clearTimeout(known.timer);
    if (state) {
      const timer = setTimeout(() => this.update(user, false), TYPING_SHOW_MS);
      this.typists.set(user.id, { name: user.display_name, timer });
    } else {
      this.typists.delete(user.id);
    }
    this.render();
  }

  render() {
    if (!this.element) return;
    const names = [...this.typists.values()].map((t) => t.name);
    this.element.textContent = names.length === 0 ? "" : this.phrase(names);
  }
}

// Tell a channel that the viewer is typing in `textarea`, and when they stop.
export function announceTyping(live, channel, textarea) {
  let typing = false;
  let lastSent = 0;
  let idleTimer = null;
  const send = (state) => {
    typing = state;
    lastSent = Date.now();
    live.socket.emit("typing", { channel, state });
  };
  textarea.addEventListener("input", () => {
    if (!live.connected) return;
    if (!typing || Date.now() - lastSent > TYPING_REFRESH_MS) send(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => typing && send(false), TYPING_IDLE_MS);
  });
  const stop = () => { clearTimeout(idleTimer); if (typing && live.connected) send(false); };
  textarea.addEventListener("blur", stop);
  textarea.form?.addEventListener("submit", stop);
  return stop;
}
