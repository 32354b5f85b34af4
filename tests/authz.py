"""The machinery of the authorization matrix (tests/test_authorization_matrix.py).

A *row* is one endpoint (or Socket.IO event), a builder that makes the objects its request needs,
and the expected status for each *principal*. Running a row sends one request per principal (a
*cell*) and reports every cell that disagrees, naming the endpoint and the principal, expected vs got and
the response body. Rows that write build fresh objects for every cell, so one principal's
successful delete never changes the next one's outcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update

from community.extensions import db
from community.models import Role, User
from community.models.base import utcnow

from .factories import (
    make_answer,
    make_help_request,
    make_message,
    make_room,
    make_thread,
    make_user,
    share_resource,
)
from .support import ApiClient

API_PREFIX = "/api/v1"

# The principals, in the order the table lists them.
ANON, MEMBER, AUTHOR, MOD, ADMIN, SUSPENDED, OUTSIDER = (
    "anonymous", "member", "author", "moderator", "admin", "suspended", "outsider")
PRINCIPALS = (ANON, MEMBER, AUTHOR, MOD, ADMIN, SUSPENDED, OUTSIDER)

ERROR_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found"}
PLACEHOLDER = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


# --- expected statuses: the compact defaults the table is written with ---------------------------

def _cells(default: int, outsider: int | None, **overrides: int) -> dict[str, int]:
    cells = {p: default for p in (ANON, MEMBER, AUTHOR, MOD, ADMIN, SUSPENDED)}
    if outsider is not None:
        cells[OUTSIDER] = outsider
    unknown = set(overrides) - set(PRINCIPALS)
    assert not unknown, f"unknown principals {unknown}"
    return {**cells, **overrides}


def anyone(ok: int = 200, **overrides: int) -> dict[str, int]:
    """Open to everyone, logged in or not (registration, login, password reset)."""
    return _cells(ok, None, **overrides)


def public_read(ok: int = 200, *, outsider: int | None = None, **overrides: int) -> dict[str, int]:
    """Public content: no login needed (unless COMMUNITY_LOGIN_REQUIRED), suspended users read too."""
    return _cells(ok, outsider, **overrides)


def any_login(ok: int = 200, **overrides: int) -> dict[str, int]:
    """The caller's own things (profile, notifications, token): any login, suspended included."""
    return _cells(ok, None, **{ANON: 401, **overrides})


def member_write(ok: int = 201, *, outsider: int | None = None, **overrides: int) -> dict[str, int]:
    """Any member may do it; anonymous 401, suspended 403."""
    return _cells(ok, outsider, **{ANON: 401, SUSPENDED: 403, **overrides})


def author_or_moderator(ok: int = 200, **overrides: int) -> dict[str, int]:
    """The author (owner, sharer) or a moderator; other members 403 (no edit privilege)."""
    return _cells(ok, None, **{ANON: 401, MEMBER: 403, SUSPENDED: 403, **overrides})


def author_only(ok: int = 200, **overrides: int) -> dict[str, int]:
    return author_or_moderator(ok, **{MOD: 403, ADMIN: 403, **overrides})


def moderator_only(ok: int = 200, **overrides: int) -> dict[str, int]:
    return author_or_moderator(ok, **{AUTHOR: 403, **overrides})


def admin_only(ok: int = 200, **overrides: int) -> dict[str, int]:
    return moderator_only(ok, **{MOD: 403, **overrides})


def deleted_read(ok: int = 200, **overrides: int) -> dict[str, int]:
    """Deleted content: moderators see it, everyone else gets 404 (the author too)."""
    return _cells(404, None, **{MOD: ok, ADMIN: ok, **overrides})


# Rows about a private room: the author owns it, member and suspended are members of it, the
# moderator and the admin are not (site moderators may read and moderate every room), the outsider
# is a member of the site who is not in it.

def private_read(ok: int = 200, **overrides: int) -> dict[str, int]:
    """Reading a private room: members and moderators; 404 to anonymous and outsiders."""
    return _cells(ok, 404, **{ANON: 404, **overrides})


def private_write(ok: int = 201, **overrides: int) -> dict[str, int]:
    """Taking part in a private room: its members and moderators; outsiders 404."""
    return _cells(ok, 404, **{ANON: 401, SUSPENDED: 403, **overrides})


def private_owner_or_moderator(ok: int = 200, **overrides: int) -> dict[str, int]:
    """Managing a private room: its owner or a moderator; members 403, outsiders 404."""
    return _cells(ok, 404, **{ANON: 401, MEMBER: 403, SUSPENDED: 403, **overrides})


# --- rows --------------------------------------------------------------------------------------

class Call:
    """What one cell sends: path parameters, a JSON body and a query string; ``ctx`` carries
    objects a row's extra check needs (e.g. the private room a list must not show)."""

    def __init__(self, json: Any = None, query: dict[str, Any] | None = None,
                 ctx: dict[str, Any] | None = None, **values: Any) -> None:
        self.json, self.query, self.ctx, self.values = json, query, ctx or {}, values

    def url(self, template: str) -> str:
        return API_PREFIX + PLACEHOLDER.sub(lambda m: str(self.values[m.group(1)]), template)


Check = Callable[[str, Call, Any], str | None]  # (principal, call, response) -> problem or None


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # the url_map rule without /api/v1
    build: Callable[[World], Call]
    expect: dict[str, int]
    label: str = ""  # a variant of the same endpoint (e.g. "deleted")
    check: Check | None = None
    fresh: bool | None = None  # build per cell (default: every method but GET)

    @property
    def rule(self) -> str:
        return API_PREFIX + self.path

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.label}]" if self.label else "")

    @property
    def per_cell(self) -> bool:
        return self.method != "GET" if self.fresh is None else self.fresh


@dataclass(frozen=True)
class SocketRow:
    """A client event: the payload builder may prepare the socket (e.g. join before typing).
    Expected acks are "ok", an error code, or "refused" (the connection itself is refused)."""

    event: str
    build: Callable[[World, Any], Any]
    expect: dict[str, str]
    label: str = ""

    @property
    def id(self) -> str:
        return f"socket {self.event}" + (f" [{self.label}]" if self.label else "")


def socket_cells(ok: str = "ok", *, outsider: str | None = None, **overrides: str) -> dict[str, str]:
    cells: dict[str, str] = {p: ok for p in (MEMBER, AUTHOR, MOD, ADMIN, SUSPENDED)}
    if outsider is not None:
        cells[OUTSIDER] = outsider
    return {ANON: "refused", **cells, **overrides}


# --- the world each row runs in ----------------------------------------------------------------

@dataclass
class World:
    """The principals (with API clients) and cheap builders of the objects rows need. ``actor``
    is the principal of the current cell (None for anonymous)."""

    app: Flask
    users: dict[str, User | None] = field(default_factory=dict)
    clients: dict[str, ApiClient] = field(default_factory=dict)
    bystander: User | None = None  # writes what no principal owns
    actor: User | None = None
    principal: str = ANON

    @classmethod
    def build(cls, app: Flask) -> World:
        world = cls(app)
        world.users = {ANON: None, MEMBER: make_user(app, "member"), AUTHOR: make_user(app, "author"),
                       MOD: make_user(app, "moderator", role=Role.MODERATOR),
                       ADMIN: make_user(app, "admin", role=Role.ADMIN),
                       SUSPENDED: make_user(app, "suspended"), OUTSIDER: make_user(app, "outsider")}
        world.bystander = make_user(app, "bystander")
        world.suspend(world.users[SUSPENDED])
        anonymous = ApiClient(app)
        world.clients = {p: anonymous if u is None else anonymous.as_user(u)
                         for p, u in world.users.items()}
        return world

    def suspend(self, user: User) -> None:
        until = utcnow() + timedelta(days=7)
        with self.app.app_context():
            db.session.execute(update(User).where(User.id == user.id)
                               .values(suspended_until=until, suspension_reason="spam"))
            db.session.commit()
        user.suspended_until = until

    @property
    def member(self) -> User:
        return self.users[MEMBER]

    @property
    def author(self) -> User:
        return self.users[AUTHOR]

    @property
    def moderator(self) -> User:
        return self.users[MOD]

    @property
    def suspended(self) -> User:
        return self.users[SUSPENDED]

    # Content: written by the author unless said otherwise.
    def thread(self, author: User | None = None, **kwargs: Any):
        return make_thread(self.app, author or self.author, **kwargs)

    def answer(self, thread=None, author: User | None = None):
        return make_answer(self.app, author or self.author, thread or self.thread(self.bystander))

    def deleted(self, post):
        """Soft-delete a post as a moderator (through the action); returns it."""
        from community.actions import answers

        with self.app.app_context():
            answers.delete_post(self.moderator, post.id)
            db.session.expunge_all()
        return post

    def resource(self, sharer: User | None = None, **fields: Any):
        return share_resource(self.app, sharer or self.author, **fields)

    def deleted_resource(self):
        from community.actions import resources

        resource = self.resource()
        with self.app.app_context():
            resources.delete_resource(self.moderator, resource.id)
            db.session.expunge_all()
        return resource

    def private_room(self, *extra_members: str, **fields: Any):
        """A private room owned by the author; member and suspended are members."""
        members = ["member", "suspended", *extra_members]
        return make_room(self.app, self.author, private=True, members=members, **fields)

    def public_room(self, **fields: Any):
        return make_room(self.app, self.author, **fields)

    def flag(self, target_type: str, target_id: int, reporter: User | None = None):
        """A flag through the action (a moderator's flag hides the target at once)."""
        from community.actions import flags

        with self.app.app_context():
            flag = flags.flag_content(reporter or self.bystander,
                                      flags.FlagDraft(target_type, target_id, "spam"))
            db.session.expunge_all()
        return flag

    def hidden(self, target_type: str, target):
        """Hide a post or resource the way flags do: a moderator flags it."""
        self.flag(target_type, target.id, self.moderator)
        return target

    def moderated(self, verb: str, thread, *args: Any):
        """Lock, close (with a reason) a thread through the moderation action, as a moderator."""
        from community.actions import moderation

        with self.app.app_context():
            getattr(moderation, f"{verb}_thread")(self.moderator, thread.id, *args)
            db.session.expunge_all()
        return thread

    def message(self, room, author: User | None = None):
        return make_message(self.app, author or self.author, room)

    def help_request(self, room, requester: User | None = None):
        return make_help_request(self.app, requester or self.author, room)


# --- running rows ------------------------------------------------------------------------------

def judge(response: Any, expected: int) -> str | None:
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    code = ERROR_CODES.get(expected)
    if code is not None:
        error = (response.get_json(silent=True) or {}).get("error") or {}
        if error.get("code") != code:
            return f"expected error code {code!r}, got {error.get('code')!r}"
    if expected == 204 and response.get_data():
        return "a 204 with a body"
    return None


def run_row(world: World, row: Row) -> list[str]:
    """Send one request per principal; returns a line for every cell that went wrong."""
    failures = []
    shared = None if row.per_cell else row.build(world)
    for principal, expected in row.expect.items():
        world.principal, world.actor = principal, world.users[principal]
        call = row.build(world) if row.per_cell else shared
        response = world.clients[principal].request(row.method, call.url(row.path), json=call.json,
                                                     query_string=call.query)
        problem = judge(response, expected)
        if problem is None and row.check is not None and expected not in ERROR_CODES:
            problem = row.check(principal, call, response)  # what a caller who got in may see
        if problem is not None:
            body = response.get_data(as_text=True)[:400]
            failures.append(f"{row.id} as {principal}: {problem}\n    body: {body}")
    return failures


def socket_client(app: Flask, user: User | None):
    auth = {"token": ApiClient(app).as_user(user).token} if user is not None else None
    return app.extensions["socketio"].test_client(app, auth=auth)


def ack_outcome(ack: Any) -> str:
    if isinstance(ack, dict) and ack.get("ok") is True:
        return "ok"
    if isinstance(ack, dict) and isinstance(ack.get("error"), dict):
        return str(ack["error"].get("code"))
    return f"malformed ack {ack!r}"


def run_socket_row(world: World, row: SocketRow) -> list[str]:
    failures = []
    for principal, expected in row.expect.items():
        world.principal, world.actor = principal, world.users[principal]
        sock = socket_client(world.app, world.actor)
        try:
            if not sock.is_connected():
                got, ack = "refused", None
            else:
                payload = row.build(world, sock)
                ack = sock.emit(row.event, payload, callback=True)
                got = ack_outcome(ack)
        finally:
            if sock.is_connected():
                sock.disconnect()
        if got != expected:
            failures.append(f"{row.id} as {principal}: expected {expected}, got {got}\n    ack: {ack!r}")
    return failures


def items_of(response: Any) -> list[dict]:
    body = response.get_json(silent=True) or {}
    return body.get("items") or body.get("results") or []


def all_of(*checks: Check) -> Check:
    def check(principal: str, call: Call, response: Any) -> str | None:
        return next((p for c in checks if (p := c(principal, call, response)) is not None), None)

    return check


def must_hide(key: str, ctx_key: str, visible_to: tuple[str, ...]) -> Check:
    """A list must show ``call.ctx[ctx_key]`` (matched on the item's ``key``) to ``visible_to``
    only: a private room or deleted content must not leak into lists."""

    def check(principal: str, call: Call, response: Any) -> str | None:
        hidden = call.ctx[ctx_key]
        shown = any(item.get(key) == hidden for item in items_of(response))
        if shown and principal not in visible_to:
            return f"the list leaks {key}={hidden!r} to {principal}"
        if not shown and principal in visible_to:
            return f"the list hides {key}={hidden!r} from {principal}, who may see it"
        return None

    return check
