"""Profiles: a member's page with their posts and reputation, the avatar, profile settings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ...actions import users as user_actions
from ...badges import RULES_BY_SLUG, BadgeRule
from ...errors import ValidationFailed
from ...models import BadgeAward, Kudos, Post, PostType, ReputationEntry, Resource, User
from ...permissions import can_view_post
from ...queries.badges import user_awards
from ...queries.content_feedback import author_totals, can_read_feedback_details, list_author_feedback
from ...queries.kudos import list_kudos
from ...queries.paging import Page, parse_page
from ...queries.resources import ResourceFilter, list_resources
from ...queries.users import (
    access_user,
    get_posts_by_id,
    list_reputation,
    list_user_posts,
    user_stats,
)
from ..forms import form_refused, form_text, render_form, split_tags
from ..recognition.profile import profile_recognition
from ..urls import post_href
from .avatars import avatar_svg
from .blueprint import bp

PROFILE_FIELDS = ("display_name", "department", "job_role", "bio")

REASON_LABELS = {
    "upvote": "Upvoted", "upvote_undone": "Upvote removed",
    "downvote": "Downvoted", "downvote_undone": "Downvote removed",
    "downvote_given": "Downvoted an answer", "downvote_given_undone": "Downvote withdrawn",
    "accepted": "Answer accepted", "accepted_undone": "Acceptance removed",
    "accept_given": "Accepted an answer", "accept_given_undone": "Unaccepted an answer",
    "bonus": "Bonus",
}


@dataclass(frozen=True)
class PostLink:
    """Where a ledger entry or answer points: the thread title and URL (None when hidden)."""

    title: str
    url: str | None


@dataclass(frozen=True)
class ActivityRow:
    post: Post | None
    link: PostLink
    entry: ReputationEntry | None = None


def _post_links(post_ids: list[int]) -> dict[int, PostLink]:
    """Each post's thread title and page URL, hiding posts the viewer may not see."""
    posts = get_posts_by_id(post_ids)
    threads = get_posts_by_id([p.parent_id for p in posts.values() if p.parent_id is not None])
    links: dict[int, PostLink] = {}
    for post_id, post in posts.items():
        thread = post if post.is_question else threads.get(post.parent_id)
        if thread is None or not (can_view_post(current_user, post)
                                  and can_view_post(current_user, thread)):
            links[post_id] = PostLink("(deleted post)", None)
        else:
            links[post_id] = PostLink(thread.title or "", post_href(post))
    return links


def _questions_tab(user: User, page: Page) -> tuple[list[ActivityRow], int]:
    posts, total = list_user_posts(user, PostType.QUESTION, page)
    return [ActivityRow(p, PostLink(p.title or "", post_href(p))) for p in posts], total


def _answers_tab(user: User, page: Page) -> tuple[list[ActivityRow], int]:
    posts, total = list_user_posts(user, PostType.ANSWER, page)
    links = _post_links([p.id for p in posts])
    return [ActivityRow(p, links.get(p.id, PostLink("(deleted post)", None))) for p in posts], total


def _reputation_tab(user: User, page: Page) -> tuple[list[ActivityRow], int]:
    entries, total = list_reputation(user, page)
    links = _post_links([e.post_id for e in entries if e.post_id is not None])
    hidden = PostLink("", None)
    return [ActivityRow(None, links.get(e.post_id, hidden) if e.post_id else hidden, e)
            for e in entries], total


@dataclass(frozen=True)
class AwardRow:
    award: BadgeAward
    rule: BadgeRule
    link: PostLink | None  # the post that earned it, when there is one the viewer may see


@dataclass(frozen=True)
class KudosRow:
    kudos: Kudos
    link: PostLink | None


def _badges_tab(user: User, page: Page) -> tuple[list[AwardRow], int]:
    awards, total = user_awards(user, page)
    links = _post_links([a.post_id for a in awards if a.post_id is not None])
    return [AwardRow(a, RULES_BY_SLUG[a.badge_slug], links.get(a.post_id) if a.post_id else None)
            for a in awards], total


def _kudos_tab(user: User, page: Page) -> tuple[list[KudosRow], int]:
    kudos, total = list_kudos(page, to=user)
    links = _post_links([k.post_id for k in kudos if k.post_id is not None])
    return [KudosRow(k, links.get(k.post_id) if k.post_id else None) for k in kudos], total


def _resources_tab(user: User, page: Page) -> tuple[list[Resource], int]:
    return list_resources(ResourceFilter(sort="newest", shared_by=user.username), page)


TABS: dict[str, Callable[[User, Page], tuple[list[Any], int]]] = {
    "questions": _questions_tab, "answers": _answers_tab, "reputation": _reputation_tab,
    "badges": _badges_tab, "kudos": _kudos_tab, "resources": _resources_tab,
    "feedback": list_author_feedback,  # "was this helpful?": the author's and moderators' only
}


@bp.get("/users/<username>")
def user_profile(username: str) -> ResponseReturnValue:
    user = access_user(username)
    tab = request.args.get("tab", "questions")
    shows_feedback = can_read_feedback_details(current_user, user.id)
    if tab not in TABS or (tab == "feedback" and not shows_feedback):
        tab = "questions"
    page = parse_page(request.args.get("page"))
    rows, total = TABS[tab](user, page)
    stats = user_stats(user)
    return render_template("accounts/user.html", profile=user, stats=stats, tab=tab,
                           rows=rows, total=total, page=page, reason_labels=REASON_LABELS,
                           recognition=profile_recognition(user, current_user, stats),
                           feedback_totals=author_totals(user) if shows_feedback else None)


@bp.get("/users/<username>/avatar.svg")
def avatar(username: str) -> ResponseReturnValue:
    user = access_user(username)
    svg = avatar_svg(user.username, user.name)
    response = Response(svg, mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.set_etag(hashlib.sha256(svg.encode("utf-8")).hexdigest()[:32])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response.make_conditional(request)


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def settings_profile() -> ResponseReturnValue:
    if request.method == "GET":
        values = {field: getattr(current_user, field) for field in PROFILE_FIELDS}
        values["skills"] = " ".join(tag.name for tag in current_user.skills)
        return render_form("accounts/settings_profile.html", values=values)
    changes = user_actions.ProfileChanges(**{field: form_text(field) for field in PROFILE_FIELDS},
                                          skills=split_tags(form_text("skills")))
    try:
        user_actions.update_profile(current_user, changes)
    except ValidationFailed as exc:
        return form_refused("accounts/settings_profile.html", exc)
    flash("Your profile is saved.", "success")
    return redirect(url_for("accounts.user_profile", username=current_user.username))
