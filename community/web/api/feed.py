"""The personal home and follows in the API: GET /api/v1/feed, following tags, watching threads."""

from __future__ import annotations

from flask_login import current_user, login_required
from marshmallow import fields

from ...actions import follows as follow_actions
from ...payloads import feed_payload, page_payload, tag_follow_payload, watch_payload, watched_thread_payload
from ...queries import feed as feed_queries
from ...queries import follows as follow_queries
from ...queries.paging import parse_page
from .blueprint import ApiBlueprint
from .schemas import Input, PageArgs, one_of

bp = ApiBlueprint("feed_api", __name__, url_prefix="/api/v1",
                  description="The personal home (\"For you\"), followed tags and watched threads")


class WatchIn(Input):
    level = fields.Raw(required=True, metadata={
        **one_of(follow_actions.LEVELS),
        "description": "watching: notified of every new answer; muted: never notified (mentions "
                       "still arrive) and answering does not watch it again"})


@bp.get("/feed")
@login_required
def feed():
    """The caller's personal home; every list holds at most 10 items (learning lists 5).

    ``{unanswered: [thread], unanswered_basis: {kind: tags|department|newest, tags: [name],
    skills: [name], department: str|null}, watched: [{thread, answers: [answer]}] (the latest
    answers by others in threads the caller watches, newest first, grouped by thread),
    resources: [resource] (top rated for the followed tags and skills; the whole library without
    any), tracks: [{id, title, perk, step_count, done_steps, enrolled_at, url}] (enrolled,
    unfinished),
    contracts: [{id, title, due_on, status: on_track|late, items_done, items_total, url}] (open),
    milestones: [{id, title, metric, target, progress, due_at, url}] (still to reach),
    tags: [followed tag name], skills: [skill tag name], recommended_tracks: [{id, title, perk,
    step_count, done_steps: null, enrolled_at: null, url}] (open tracks meant for the caller's
    department or job role, not enrolled in)}``. Unanswered questions are open questions without
    answers, not the caller's, tagged with a followed tag or skill; without any, tagged like
    questions colleagues of the caller's department answered; failing that, the newest."""
    return feed_payload(feed_queries.feed_for(current_user), current_user.department)


@bp.put("/tags/<name>/follow")
@login_required
def follow_tag(name: str):
    """Follow a tag → ``{tag, following: true}``; following it again changes nothing."""
    return tag_follow_payload(follow_actions.follow_tag(current_user, name), True)


@bp.delete("/tags/<name>/follow")
@login_required
def unfollow_tag(name: str):
    follow_actions.unfollow_tag(current_user, name)
    return "", 204


@bp.get("/me/follows")
@login_required
@bp.arguments(PageArgs, location="query")
def my_follows(args: dict):
    """``{tags: [name], threads: {items: [{thread, level: watching|muted}], total, page, per_page}}``
    (threads most recently active first)."""
    page = parse_page(args.get("page"), args.get("per_page"))
    watched, total = follow_queries.watched_threads(current_user, page)
    return {"tags": [tag.name for tag in follow_queries.followed_tags(current_user)],
            "threads": page_payload([watched_thread_payload(t, level) for t, level in watched],
                                    total, page.page, page.per_page)}


@bp.put("/threads/<int:thread_id>/watch")
@login_required
@bp.arguments(WatchIn)
def watch_thread(data: dict, thread_id: int):
    """Watch or mute a thread → ``{thread_id, level}``."""
    return watch_payload(follow_actions.set_thread_watch(current_user, thread_id, data["level"]))


@bp.delete("/threads/<int:thread_id>/watch")
@login_required
def unwatch_thread(thread_id: int):
    """Back to the default: not watched (answering the thread watches it again)."""
    follow_actions.stop_watching(current_user, thread_id)
    return "", 204
