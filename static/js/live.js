// Live updates over Socket.IO for logged-in users (the server refuses anonymous sockets):
// new answers, edits, deletions, votes and acceptance on a thread; who is viewing and who is
// typing; new questions on the list; notifications in the header bell. After a reconnect each
// channel is joined again with the last event id seen, so nothing is missed and nothing repeats.
// Every page works without this script.
import { enhanceAcceptForm, markAnswer } from "./accept.js";
import { accountUpdated, applyInitialState } from "./account.js";
import { applyPollEvent } from "./polls.js";
import { Channel, TypingIndicator, announceTyping, liveConnection } from "./socket.js";
import { renderThreadState } from "./thread_state.js";
import { showToast } from "./toast.js";
import { refresh as refreshTimes } from "./time.js";
import { enhanceVoteForms } from "./votes.js";

const viewerId = Number(document.body.dataset.userId);

// --- the thread page -------------------------------------------------------------------

function answerFromTemplate(threadElement, answer) {
  const template = document.getElementById("answer-template");
  if (!template) return null;
  const placeholder = template.dataset.placeholderId;
  const holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replaceAll(placeholder, String(answer.id));
  const article = holder.querySelector("article");
  fillAnswer(article, answer);
  enhanceVoteForms(article);
  const acceptForm = article.querySelector("form[data-accept-form]");
  if (acceptForm) enhanceAcceptForm(acceptForm, threadElement);
  return article;
}

function fillAnswer(article, answer) {
  article.setAttribute("aria-label", `Answer by ${answer.author.display_name}`);
  article.querySelector(".post-body").innerHTML = answer.body_html;  // sanitized by the server
  article.querySelector("[data-score]").textContent = String(answer.score);
  const signature = article.querySelector(".signature");
  const link = signature.querySelector(".user-link");
  link.textContent = answer.author.display_name;
  link.href = answer.author.url;
  signature.querySelector("img.avatar").src = answer.author.avatar_url;
  signature.querySelector(".rep").textContent = answer.author.reputation.toLocaleString();
  const role = signature.querySelector(".signature-role");
  const roleText = [answer.author.job_role, answer.author.department].filter(Boolean).join(", ");
  if (roleText) role.textContent = roleText; else role.remove();
  const time = signature.querySelector("time");
  time.setAttribute("datetime", answer.created_at);
  time.title = answer.created_at;
  if (answer.author.id === viewerId) {
    for (const button of article.querySelectorAll(".vote-button")) button.disabled = true;
    article.querySelector("[data-kudos]")?.remove();  // no kudos to yourself
    article.querySelector("[data-flag]")?.remove();  // nor flags on your own answer
  }
  refreshTimes(article);
}

function setAnswerCount(threadElement, delta) {
  const heading = threadElement.querySelector("#answers-heading");
  if (!heading) return;
  const count = Math.max(0, (parseInt(heading.textContent, 10) || 0) + delta);
  heading.textContent = `${count} ${count === 1 ? "answer" : "answers"}`;
  threadElement.querySelector(".no-answers")?.remove();
}

class NewAnswersBanner {
  constructor(threadElement) {
    this.button = threadElement.querySelector("[data-new-answers]");
    this.unseen = [];
    this.button?.addEventListener("click", () => this.jump());
    window.addEventListener("scroll", () => this.forgetVisible(), { passive: true });
  }

  add(article) {
    article.classList.add("is-new");
    setTimeout(() => article.classList.remove("is-new"), 4000);
    if (isVisible(article)) return;
    this.unseen.push(article);
    this.render();
  }

  forgetVisible() {
    const before = this.unseen.length;
    this.unseen = this.unseen.filter((article) => article.isConnected && !isVisible(article));
    if (this.unseen.length !== before) this.render();
  }

  render() {
    if (!this.button) return;
    const count = this.unseen.length;
    this.button.hidden = count === 0;
    this.button.textContent = count === 1 ? "1 new answer ↓" : `${count} new answers ↓`;
  }

  jump() {
    const first = this.unseen[0];
    this.unseen = [];
    this.render();
    if (!first) return;
    first.scrollIntoView({ behavior: "smooth", block: "start" });
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
  }
}

function isVisible(element) {
  const box = element.getBoundingClientRect();
  return box.top < window.innerHeight && box.bottom > 0;
}

function answerTypingPhrase(names) {
  if (names.length === 1) return `${names[0]} is writing an answer…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are writing answers…`;
  return `${names.length} people are writing answers…`;
}

function renderPresence(list, users) {
  list.replaceChildren(...users.map((user) => {
    const item = document.createElement("li");
    const image = document.createElement("img");
    image.className = "avatar";
    image.src = user.avatar_url;
    image.alt = user.display_name;
    image.title = user.display_name;
    image.width = 28;
    image.height = 28;
    item.append(image);
    return item;
  }));
}

// Where a poll that arrives live goes, and whether this viewer may vote in it (see polls.js).
function pollTarget(threadElement) {
  const list = threadElement.querySelector("[data-poll-list]");
  return { list, canVote: Boolean(list?.dataset.canVote), viewerId };
}

function threadHandlers(threadElement, typing) {
  const list = threadElement.querySelector("[data-answer-list]");
  const banner = new NewAnswersBanner(threadElement);
  const presence = threadElement.querySelector("[data-presence]");
  const notice = threadElement.querySelector("[data-thread-notice]");
  const findAnswer = (id) => list.querySelector(`article[data-answer-id="${id}"]`);
  return {
    answer_created({ data }) {
      if (findAnswer(data.id)) return;
      const article = answerFromTemplate(threadElement, data);
      if (!article) return;
      list.append(article);
      setAnswerCount(threadElement, +1);
      typing.update(data.author, false);
      banner.add(article);
    },
    answer_updated({ data }) {
      const article = findAnswer(data.id);
      if (!article) return;
      article.querySelector(".post-body").innerHTML = data.body_html;  // sanitized by the server
      // Hidden by flags: the payload carries the placeholder text instead of the body; shown again:
      // the body is back, and the "hidden" notice goes.
      article.classList.toggle("is-hidden", Boolean(data.hidden));
      if (!data.hidden) article.querySelector("[data-hidden-notice]")?.remove();
      article.classList.add("is-new");
      setTimeout(() => article.classList.remove("is-new"), 4000);
    },
    thread_updated({ data }) {
      threadElement.querySelector(".thread-head h1").firstChild.textContent = `${data.title} `;
      threadElement.querySelector("#question .post-body").innerHTML = data.body_html;
      if (data.deleted && notice) {
        notice.hidden = false;
        notice.textContent = "This question was deleted.";
      } else if (data.hidden && notice) {
        notice.hidden = false;
        notice.textContent = "This question was hidden after community flags, pending moderator review.";
      }
      renderThreadState(threadElement, data);  // locked, closed, merged into another
    },
    answer_moved({ data }) {  // merged into another question: the answer lives there now
      const article = findAnswer(data.post_id);
      if (!article) return;
      article.remove();
      setAnswerCount(threadElement, -1);
    },
    poll_created: (envelope) => applyPollEvent(envelope, pollTarget(threadElement)),
    poll_updated: (envelope) => applyPollEvent(envelope, pollTarget(threadElement)),
    live_help_started({ data }) {
      if (!notice || threadElement.querySelector("[data-live-help]")) return;
      const link = document.createElement("a");
      link.href = data.room.url;
      link.textContent = `Join “${data.room.title}”`;
      notice.hidden = false;
      notice.replaceChildren("Live help just started on this question: ", link);
      threadElement.querySelector(".start-live-help")?.remove();
    },
    post_deleted({ data }) {
      const article = findAnswer(data.post_id);
      if (!article) return;
      article.remove();
      setAnswerCount(threadElement, -1);
    },
    vote_changed({ data }) {
      const form = threadElement.querySelector(`form[data-post-id="${data.post_id}"]`);
      const score = form?.querySelector("[data-score]");
      if (score) score.textContent = String(data.score);
    },
    answer_accepted({ data }) {
      threadElement.dataset.acceptedAnswerId = data.answer_id ?? "";
      for (const article of list.querySelectorAll("article[data-answer-id]")) {
        markAnswer(article, Number(article.dataset.answerId) === data.answer_id);
      }
      const accepted = data.answer_id === null ? null : findAnswer(data.answer_id);
      if (accepted) list.prepend(accepted);
    },
    presence({ data }) {
      if (presence) renderPresence(presence, data.users);
    },
    typing({ data }) {
      if (data.user.id !== viewerId) typing.update(data.user, data.state);
    },
  };
}

// --- notifications and the question list -------------------------------------------------

function setUnread(count) {
  const badge = document.querySelector("[data-unread-count]");
  if (!badge) return;
  badge.textContent = String(count);
  badge.hidden = count === 0;
}

const NOTIFICATION_TEXT = {
  answer_on_your_thread: "answered your question",
  reply_in_watched_thread: "also answered",
  answer_accepted: "accepted your answer to",
  mention: "mentioned you in",
  kudos: "gave you kudos for",
  help_request_claimed: "is helping with",
  room_invite: "invited you to the live help room",
  resource_reviewed: "reviewed your resource",
  account_suspended: "suspended your account:",
  suspension_lifted: "lifted your suspension.",
  role_changed: "changed your role:",
  survey: "asks for your answers in the survey",
  live_session_host: "asked you to host the live session",
  live_session_rescheduled: "moved the live session",
  live_session_cancelled: "cancelled the live session",
  live_session_seat: "",
  live_session_reminder: "Reminder:",
  live_session_feedback: "Feedback wanted:",
  contract_shared: "shared a learning contract with you:",
  contract_comment: "commented on the learning contract",
  contract_cosigned: "co-signed your learning contract",
  contract_completed: "completed the learning contract",
  contract_due: "Reminder:",
  contract_late: "Late:",
  milestone_reached: "You reached your milestone",
  milestone_due_soon: "Due tomorrow:",
  milestone_shared: "shared a milestone with you:",
  track_completed: "You completed the learning track",
};

function userHandlers() {
  return {
    notification({ data }) {
      const badge = document.querySelector("[data-unread-count]");
      setUnread((Number(badge?.textContent) || 0) + 1);
      countWatchedAnswer(data.type);
      if (data.type === "badge_awarded") return;  // badge_awarded shows its own toast
      const who = data.actor ? `${data.actor.display_name} ` : "";
      const text = NOTIFICATION_TEXT[data.type] ?? data.type.replaceAll("_", " ");
      showToast(`${who}${text ? `${text} ` : ""}“${data.subject}”`, "info");
    },
    notifications_read({ data }) {
      setUnread(data.unread_count);
    },
    account_updated: accountUpdated,
    badge_awarded({ data }) {
      const tier = data.badge.tier.charAt(0).toUpperCase() + data.badge.tier.slice(1);
      showToast(`🎉 New badge: ${data.badge.name} (${tier})`, `badge toast-${data.badge.tier}`);
    },
  };
}

// `interests`: tag names (the "For you" page); then only questions carrying one of them count.
function threadListHandlers(banner, interests) {
  let count = 0;
  const where = interests.size ? " in your tags" : "";
  return {
    thread_created({ data }) {
      if (data.author?.id === viewerId) return;  // one's own question is news to no one
      if (interests.size && !(data.tags ?? []).some((tag) => interests.has(tag))) return;
      count += 1;
      banner.hidden = false;
      banner.textContent = count === 1 ? `1 new question${where} — show it` : `${count} new questions${where} — show them`;
    },
  };
}

// The "For you" page: answers in watched threads arrive as notifications on the user channel.
const WATCHED_ANSWER_TYPES = new Set(["reply_in_watched_thread", "answer_on_your_thread"]);
let watchedAnswers = 0;

function countWatchedAnswer(type) {
  const banner = document.querySelector("[data-new-watched-answers]");
  if (!banner || !WATCHED_ANSWER_TYPES.has(type)) return;
  watchedAnswers += 1;
  banner.hidden = false;
  banner.textContent = watchedAnswers === 1 ? "1 new answer in threads you watch — show it"
    : `${watchedAnswers} new answers in threads you watch — show them`;
}

// --- wiring -------------------------------------------------------------------------------

function subscriptions() {
  const channels = [];
  const userHandlersMap = userHandlers();
  channels.push(new Channel(`user:${viewerId}`, Number(document.body.dataset.userChannelLastId) || 0,
    (envelope) => userHandlersMap[envelope.type]?.(envelope)));

  const threadElement = document.querySelector("article.thread[data-thread-id]");
  if (threadElement) {
    const typing = new TypingIndicator(document.querySelector("[data-typing]"), answerTypingPhrase);
    const handlers = threadHandlers(threadElement, typing);
    channels.push(new Channel(`thread:${threadElement.dataset.threadId}`,
      Number(threadElement.dataset.lastEventId) || 0, (envelope) => handlers[envelope.type]?.(envelope)));
  }
  const list = document.querySelector("[data-threads-channel]");
  const banner = document.querySelector("[data-new-questions]");
  if (list && banner && list.dataset.lastEventId !== "") {
    const interests = new Set((list.dataset.interestTags ?? "").split(" ").filter(Boolean));
    const handlers = threadListHandlers(banner, interests);
    channels.push(new Channel("threads", Number(list.dataset.lastEventId) || 0,
      (envelope) => handlers[envelope.type]?.(envelope)));
  }
  return channels;
}

function setLiveStatus(text, live) {
  const bar = document.querySelector("[data-live-bar]");
  if (!bar) return;
  bar.hidden = false;
  bar.classList.toggle("is-offline", !live);
  bar.querySelector("[data-live-status-text]").textContent = text;
}

function start() {
  if (!viewerId) return;
  applyInitialState();
  const live = liveConnection();
  const channels = subscriptions();
  live.onStatus((connected) => setLiveStatus(connected ? "Live" : "Reconnecting…", connected));
  for (const channel of channels) live.add(channel);
  const thread = channels.find((channel) => channel.name.startsWith("thread:"));
  const textarea = document.querySelector(".answer-form textarea[name=body]");
  if (thread && textarea) announceTyping(live, thread.name, textarea);
}

start();
