"""The audit log page: who did what to which object and why, with filters and links to targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from ...extensions import db
from ...models import AuditEntry, Message, Resource, Room, User
from ...models.base import is_row_id
from ...payloads import audit_entry_payload, message_url, resource_page_url, room_url
from ...queries.audit import TARGET_TYPES, check_audit_filter, known_actions, list_audit_entries
from ...queries.paging import parse_page
from ...queries.users import get_posts_by_id
from ..urls import post_href
from .blueprint import bp


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    target_url: str | None
    details: dict[str, Any]


def _ids(entries: list[AuditEntry], target_type: str) -> list[int]:
    return [int(e.target_id) for e in entries if e.target_type == target_type and e.target_id.isdigit()
            and is_row_id(int(e.target_id))]


def _post_urls(entries: list[AuditEntry]) -> dict[str, str]:
    posts = get_posts_by_id(_ids(entries, "post"))
    return {str(post_id): post_href(post) for post_id, post in posts.items()}


def _message_urls(entries: list[AuditEntry]) -> dict[str, str]:
    ids = _ids(entries, "message")
    rows = db.session.execute(select(Message.id, Room.slug).join(Room, Room.id == Message.room_id)
                              .where(Message.id.in_(ids))) if ids else []
    return {str(message_id): message_url(slug, message_id) for message_id, slug in rows}


def _user_urls(entries: list[AuditEntry]) -> dict[str, str]:
    ids = _ids(entries, "user")
    rows = db.session.execute(select(User.id, User.username).where(User.id.in_(ids))) if ids else []
    return {str(user_id): url_for("accounts.user_profile", username=name) for user_id, name in rows}


def _room_urls(entries: list[AuditEntry]) -> dict[str, str]:
    """Rooms may be named by id or by slug."""
    ids = _ids(entries, "room")
    rows = db.session.execute(select(Room.id, Room.slug).where(Room.id.in_(ids))) if ids else []
    urls = {str(room_id): room_url(slug) for room_id, slug in rows}
    for entry in entries:
        if entry.target_type == "room" and not entry.target_id.isdigit():
            urls[entry.target_id] = room_url(entry.target_id)
    return urls


def _target_urls(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """(target_type, target_id) -> the page of the target, for the targets that still exist."""
    urls: dict[tuple[str, str], str] = {}
    for target_type, finder in (("post", _post_urls), ("message", _message_urls),
                                ("user", _user_urls), ("room", _room_urls)):
        urls.update({(target_type, key): url for key, url in finder(entries).items()})
    resource_ids = _ids(entries, "resource")
    live = (set(db.session.scalars(select(Resource.id).where(Resource.id.in_(resource_ids))))
            if resource_ids else set())
    urls.update({("resource", str(rid)): resource_page_url(rid) for rid in live})
    for entry in entries:
        if entry.target_type == "setting":
            urls[("setting", entry.target_id)] = url_for(".settings", _anchor=f"setting-{entry.target_id}")
    return urls


@bp.get("/audit")
@login_required
def audit() -> ResponseReturnValue:
    flt = check_audit_filter(request.args.get("action"), request.args.get("actor"),
                             request.args.get("target_type"))
    page = parse_page(request.args.get("page"), request.args.get("per_page"))
    entries, total = list_audit_entries(current_user, flt, page)
    urls = _target_urls(entries)
    rows = [AuditRow(e, urls.get((e.target_type, e.target_id)), audit_entry_payload(e)["details"])
            for e in entries]
    return render_template("admin/audit.html", rows=rows, total=total, page=page, flt=flt,
                           actions=known_actions(), target_types=TARGET_TYPES)
