"""The question list, asking, the thread page, editing and deleting questions."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ...actions import threads as thread_actions
from ...actions.thread_views import count_thread_view
from ...errors import Forbidden, RateLimited, ValidationFailed
from ...extensions import db
from ...models import Post
from ...permissions import can_edit_post
from ...queries import threads as thread_queries
from ...queries.content_feedback import thread_page_feedback
from ...queries.events import last_event_id
from ...queries.follows import watch_level
from ...queries.paging import Page, parse_page
from ...queries.polls import may_create_thread_poll, thread_poll_views
from ...queries.resources import thread_sidebar_resources
from ...queries.surveys import pending_surveys
from ...realtime import channels
from ..forms import form_refused, form_text, refusal_page, render_form, split_tags
from ..security import csp_nonce
from ..templating import plural
from ..thread_cache import CSRF_SLOT, thread_cache, thread_cache_seconds
from ..urls import thread_href, thread_slug
from .blueprint import bp
from .live import answer_stand_in

POPULAR_TAGS = 12


@dataclass(frozen=True)
class ThreadListing:
    threads: list[Post]
    total: int
    page: Page
    filter: thread_queries.ThreadFilter


def load_listing(args: Mapping[str, str], tag: str | None = None) -> ThreadListing:
    """One page of questions filtered and sorted by the query string (the list API's filters)."""
    page = parse_page(args.get("page"))
    flt = thread_queries.check_thread_filter(tag=tag or args.get("tag"), status=args.get("status"),
                                             sort=args.get("sort"), author=args.get("author"))
    threads, total = thread_queries.list_threads(current_user, flt, page)
    return ThreadListing(threads, total, page, flt)


def viewer_key() -> str:
    """Who counts as one viewer: the account, or a hash of address and browser for guests."""
    if current_user.is_authenticated:
        return f"u:{current_user.id}"
    seen = f"{request.remote_addr or ''}{request.user_agent.string}"
    return "a:" + hashlib.sha256(seen.encode("utf-8", "replace")).hexdigest()[:40]


def render_thread(thread: Post, status: int = 200, *, answer_values: Mapping[str, str] | None = None,
                  answer_errors: Mapping[str, str] | None = None, answer_message: str | None = None,
                  version: int | None = None) -> ResponseReturnValue:
    """The thread page. ``version``, the thread's newest event id, must be read before the thread
    was loaded (the stored answer markup is kept under it); without it, it is read now and the
    thread loaded again."""
    if version is None:
        version = last_event_id(channels.thread(thread.id))
        db.session.refresh(thread)
    answers = thread_queries.list_answers(current_user, thread)
    votes = thread_queries.my_votes(current_user, [thread.id, *(a.id for a in answers)])
    page = render_template("forum/thread.html", thread=thread, answers=answers, my_votes=votes,
                           polls=thread_poll_views(current_user, thread),
                           can_add_poll=may_create_thread_poll(current_user, thread),
                           values=answer_values or {}, errors=answer_errors or {},
                           form_message=answer_message, answer_template=answer_stand_in(thread),
                           last_event_id=version, aside=_thread_aside(thread, version),
                           content_feedback=thread_page_feedback(current_user, thread, answers),
                           watch_level=watch_level(current_user, thread.id))  # one query, members only
    return page, status


def _thread_aside(thread: Post, version: int) -> Markup:
    """The resources beside the thread (empty when there are none), the same for every reader:
    stored under the thread's version like the anonymous page; resources change without a thread
    event, so THREAD_CACHE_SECONDS bounds how stale it can be."""
    ttl, key = thread_cache_seconds(), ("aside", thread.id)
    if ttl > 0 and (stored := thread_cache().get(key, version, ttl)) is not None:
        return stored
    linked, suggested = thread_sidebar_resources(thread.id)
    template = current_app.jinja_env.get_template("forum/_thread_aside.html")  # no context processors
    aside = Markup(template.render(thread=thread, linked_resources=linked, suggested_resources=suggested)
                   if linked or suggested else "")
    if ttl > 0:
        thread_cache().put(key, version, aside)
    return aside


def editable_thread(thread_id: int) -> Post:
    thread = thread_queries.access_thread(current_user, thread_id)
    if not can_edit_post(current_user, thread):
        raise Forbidden(thread_actions.edit_refusal(current_user, thread))
    return thread


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("forum/questions.html", listing=load_listing(request.args), tag=None,
                           popular_tags=thread_queries.list_tags(limit=POPULAR_TAGS),
                           pending_surveys=pending_surveys(current_user),  # no query for guests
                           threads_last_event_id=last_event_id(channels.THREADS))


@bp.route("/questions/ask", methods=["GET", "POST"])
@login_required
def ask() -> ResponseReturnValue:
    if request.method == "GET":
        return render_form("forum/ask.html")
    draft = thread_actions.QuestionDraft(title=form_text("title").strip(), body=form_text("body"),
                                         tags=split_tags(form_text("tags")))
    try:
        thread = thread_actions.ask_question(current_user, draft)
    except (ValidationFailed, RateLimited) as exc:
        return form_refused("forum/ask.html", exc)
    flash("Your question is posted.", "success")
    return redirect(thread_href(thread))


# Stand-ins for the per-response strings of a stored anonymous page: the two of caching.py, and
# the view count, which page views change without a thread event.
_NONCE_SLOT = "\x00csp-nonce\x00"
_VIEWS_SLOT = "<span data-view-count>\x00views\x00</span>"


def _views_html(count: int) -> str:
    return f"<span data-view-count>{plural(count, 'time')}</span>"


def _anonymous_page(thread_id: int) -> ResponseReturnValue | None:
    """The stored anonymous page of this thread at its current version, with this response's
    nonce and CSRF token put in; None when there is none to reuse (see thread_cache)."""
    ttl = thread_cache_seconds()
    if ttl <= 0 or current_user.is_authenticated or session.get("_flashes"):
        return None
    gate = thread_queries.get_thread_gate(thread_id)
    if gate is None or not gate.public:
        return None
    g.thread_gate = gate  # the version the page rendered now will be stored under
    stored = thread_cache().get(("page", request.host_url, request.full_path), gate.version, ttl)
    if stored is None:
        return None
    if count_thread_view(thread_id, viewer_key()):  # counted now: show the count with this view
        gate = thread_queries.get_thread_gate(thread_id) or gate
    return (stored.replace(_VIEWS_SLOT, _views_html(gate.view_count), 1)
            .replace(_NONCE_SLOT, csp_nonce()).replace(CSRF_SLOT, generate_csrf()))


def _store_anonymous_page(page: str, view_count: int) -> None:
    gate = g.get("thread_gate")
    nonce, token, views = g.get("csp_nonce"), g.get("csrf_token"), _views_html(view_count)
    if gate is None or not nonce or not token or views not in page or session.get("_flashes"):
        return
    stored = page.replace(views, _VIEWS_SLOT, 1).replace(nonce, _NONCE_SLOT).replace(token, CSRF_SLOT)
    thread_cache().put(("page", request.host_url, request.full_path), gate.version, stored)


@bp.get("/questions/<int:thread_id>")
@bp.get("/questions/<int:thread_id>/<slug>")
def thread(thread_id: int, slug: str | None = None) -> ResponseReturnValue:
    if (stored := _anonymous_page(thread_id)) is not None:
        return stored
    # Read before the content, so nothing older than this version is stored under it (thread_cache).
    version = g.thread_gate.version if "thread_gate" in g else last_event_id(channels.thread(thread_id))
    thread = thread_queries.access_thread(current_user, thread_id)
    if slug is not None and slug != thread_slug(thread):
        return redirect(thread_href(thread), 301)
    count_thread_view(thread.id, viewer_key())
    page, status = render_thread(thread, version=version)
    if not thread.is_hidden and not thread.is_deleted:
        _store_anonymous_page(page, thread.view_count)
    return page, status


@bp.route("/questions/<int:thread_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(thread_id: int) -> ResponseReturnValue:
    thread = editable_thread(thread_id)
    if request.method == "GET":
        values = {"title": thread.title, "body": thread.body, "tags": " ".join(thread.tag_names)}
        return render_form("forum/edit_question.html", values=values, thread=thread)
    changes = thread_actions.QuestionChanges(title=form_text("title").strip(), body=form_text("body"),
                                             tags=split_tags(form_text("tags")))
    try:
        thread_actions.edit_question(current_user, thread.id, changes)
    except ValidationFailed as exc:
        return form_refused("forum/edit_question.html", exc, thread=thread)
    flash("Your edit is saved.", "success")
    return redirect(thread_href(thread))


@bp.post("/questions/<int:thread_id>/delete")
@login_required
def delete_question(thread_id: int) -> ResponseReturnValue:
    thread = thread_queries.access_thread(current_user, thread_id)
    try:
        thread_actions.delete_thread(current_user, thread.id)
    except Forbidden as exc:
        return refusal_page(exc, thread_href(thread))
    flash("The question is deleted.", "success")
    return redirect(url_for("forum.index"))
