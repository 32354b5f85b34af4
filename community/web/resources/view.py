"""What the resource pages render: the resource page's view model, and the small formatters the
templates use for kinds, durations, star ratings and link hosts (the thread page and profiles use
them too)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ...models import Resource, ResourceKind
from ...queries import resources as resource_queries
from ...queries.content_feedback import resource_page_feedback
from ...queries.events import last_event_id
from ...queries.paging import parse_page
from ...realtime import channels

REVIEWS_PER_PAGE = 10
KIND_LABELS = {
    ResourceKind.ARTICLE: "Article", ResourceKind.VIDEO: "Video", ResourceKind.TUTORIAL: "Tutorial",
    ResourceKind.TIP_SHEET: "Tip sheet", ResourceKind.INFOGRAPHIC: "Infographic",
    ResourceKind.COURSE: "Course", ResourceKind.SIMULATION: "Simulation", ResourceKind.TOOL: "Tool",
    ResourceKind.OTHER: "Other",
}
KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def duration_text(minutes: int | None) -> str:
    """'3 min', '1 h', '1 h 30 min'; '' when nobody said how long it takes."""
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def average_text(average: float) -> str:
    """4.5 -> '4.5', 4.0 -> '4', 4.25 -> '4.3' (one decimal at most)."""
    return f"{average:.1f}".removesuffix(".0")


def rating_text(resource: Resource) -> str:
    """What the stars say in words: '4.5 out of 5 from 12 ratings' (static/js/resources.js agrees)."""
    if not resource.rating_count or resource.rating_avg is None:
        return "No ratings yet"
    noun = "rating" if resource.rating_count == 1 else "ratings"
    return f"{average_text(resource.rating_avg)} out of 5 from {resource.rating_count:,} {noun}"


def star_states(average: float | None) -> list[str]:
    """Five stars as 'full', 'half' or 'empty', the average rounded to the nearest half star."""
    halves = math.floor((average or 0) * 2 + 0.5)  # half up, as Math.round in resources.js
    return ["full" if halves >= 2 * n else "half" if halves == 2 * n - 1 else "empty" for n in range(1, 6)]


def link_host(url: str) -> str:
    """The host a link leads to, as people say it: 'https://www.example.com/x' -> 'example.com'."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def render_resource(resource: Resource, status: int = 200, *,
                    rating_values: Mapping[str, str] | None = None,
                    rating_errors: Mapping[str, str] | None = None) -> ResponseReturnValue:
    """The resource page. The channel cursor is read first, so a rating committed while the page
    is built arrives live (and the script applies the newest summary either way)."""
    cursor = last_event_id(channels.resource(resource.id))
    mine = resource_queries.my_rating(current_user, resource)
    if rating_values is None:
        rating_values = {"stars": str(mine.stars), "review": mine.review} if mine else {}
    page = parse_page(request.args.get("page"), REVIEWS_PER_PAGE)
    reviews, review_total = resource_queries.list_ratings(resource, page, with_review=True)
    html = render_template(
        "resources/resource.html", resource=resource, my_rating=mine,
        star_counts=resource_queries.star_counts(resource), reviews=reviews,
        review_total=review_total, page=page, threads=resource_queries.linked_threads(resource),
        values=rating_values, errors=rating_errors or {}, last_event_id=cursor,
        content_feedback=resource_page_feedback(current_user, resource))
    return html, status
