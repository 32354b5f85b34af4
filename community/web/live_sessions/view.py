"""What the session pages show: times in the planned zone, the RSVP box, the feedback poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ...actions import live_sessions as session_actions
from ...models import LiveSession, LiveSessionRsvp, RsvpStatus
from ...models.base import utcnow
from ...payloads.live_sessions import SessionView
from ...queries import live_sessions as session_queries
from ...queries.events import last_event_id
from ...realtime import channels


def can_schedule_sessions() -> bool:
    return session_actions.can_schedule(current_user)


def planned_time(moment: datetime, zone: str) -> str:
    """'Thu 3 Dec 2026, 15:00 CET (Europe/Berlin)': the time as its host planned it."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()} ({zone})"


@dataclass(frozen=True)
class SessionItem:
    """One session with the reader's view of it, for the list and the page."""

    session: LiveSession
    view: SessionView
    state: str
    joinable: bool

    @property
    def seats_left(self) -> int | None:
        capacity = self.session.capacity
        return None if capacity is None else max(0, capacity - self.view.going_count)

    @property
    def going(self) -> bool:
        return self.view.my_rsvp is not None and self.view.my_rsvp.status == RsvpStatus.GOING.value

    @property
    def waitlisted(self) -> bool:
        return self.view.my_rsvp is not None and self.view.my_rsvp.status == RsvpStatus.WAITLISTED.value

    @property
    def planned(self) -> str:
        return planned_time(self.session.starts_at, self.session.timezone)


def session_items(sessions: list[LiveSession]) -> list[SessionItem]:
    now = utcnow()
    views = session_queries.session_views(current_user, sessions)
    return [SessionItem(s, views[s.id], session_queries.session_state(s, now),
                        session_queries.is_joinable(s, now)) for s in sessions]


def _feedback_poll(session: LiveSession) -> Any:
    poll = session_queries.feedback_poll(session.id)
    if poll is None:
        return None
    from ...queries.polls import PollHome, poll_views

    return poll_views(current_user, [poll], home=PollHome(live_session=session))[0]


def _live_channel(session: LiveSession) -> dict[str, Any]:
    """Where the page hears of RSVPs and changes, from its newest event; nothing for guests."""
    if not current_user.is_authenticated:
        return {"live_channel": "", "live_channel_last_id": 0}
    channel = channels.live_session(session.id)
    return {"live_channel": channel, "live_channel_last_id": last_event_id(channel)}


def render_session(session: LiveSession, status: int = 200) -> ResponseReturnValue:
    item = session_items([session])[0]
    manage = session_actions.can_manage(current_user, session)
    rsvps: list[LiveSessionRsvp] = session_queries.rsvps_of(session.id) if manage else []
    page = render_template("live_sessions/session.html", item=item, session=session, can_manage=manage,
                           rsvps=rsvps, poll=_feedback_poll(session) if item.state == "ended" else None,
                           **_live_channel(session))
    return page, status
