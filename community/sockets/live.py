"""The `/` namespace of shared/API.md: connect, join, leave, typing, message."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user, login_user
from flask_socketio import Namespace, join_room, leave_room

from ..actions import messages as message_actions
from ..db import end_read_snapshot
from ..errors import Forbidden, ValidationFailed
from ..payloads import message_payload, user_payload
from ..permissions import suspension_message
from ..queries.events import CATCH_UP_LIMIT, events_after
from ..queries.users import get_user_by_token
from ..realtime import channels
from ..realtime.access import check_can_join
from ..realtime.hub import hub_for
from ..realtime.replay import replay
from .guards import socket_action


def _channel_of(data: dict[str, Any]) -> str:
    channel = data.get("channel")
    if not isinstance(channel, str) or not channel or len(channel) > 80:
        raise ValidationFailed({"channel": "must be a channel name such as thread:12"})
    return channel


def _after_of(data: dict[str, Any]) -> int | None:
    after = data.get("after")
    if after is None:
        return None
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ValidationFailed({"after": "must be an event id (a whole number ≥ 0)"})
    return after


class LiveNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> bool:
        user = current_user if current_user.is_authenticated else None
        if user is None and isinstance(auth, dict) and isinstance(auth.get("token"), str):
            user = get_user_by_token(auth["token"])
            if user is not None:
                login_user(user)
        if user is None:
            raise ConnectionRefusedError("unauthorized")
        join_room(channels.user(user.id))
        hub_for(current_app).connected(request.sid, user_payload(user))
        return True

    def on_disconnect(self, reason: Any = None) -> None:
        hub_for(current_app).disconnected(request.sid)

    @socket_action
    def on_join(self, data: dict[str, Any]) -> dict[str, Any]:
        channel, after = _channel_of(data), _after_of(data)
        tracks_presence = check_can_join(current_user, channel)
        join_room(channel)  # subscribe first, then read the log: nothing falls in between
        end_read_snapshot()  # ... as long as the read is not from a snapshot older than the join
        presence = (hub_for(current_app).joined(request.sid, channel)
                    if tracks_presence else [])
        missed, resync = [], False
        if after is not None:
            events = events_after(channel, after, CATCH_UP_LIMIT + 1)
            resync = len(events) > CATCH_UP_LIMIT
            missed = [] if resync else replay(current_user, events)
        return {"ok": True, "channel": channel, "presence": presence, "missed": missed,
                "resync": resync}

    @socket_action
    def on_leave(self, data: dict[str, Any]) -> dict[str, Any]:
        channel = _channel_of(data)
        if channel != channels.user(current_user.id):
            leave_room(channel)
            hub_for(current_app).left(request.sid, channel)
        return {"ok": True}

    @socket_action
    def on_typing(self, data: dict[str, Any]) -> dict[str, Any]:
        channel, state = _channel_of(data), data.get("state")
        if not isinstance(state, bool):
            raise ValidationFailed({"state": "must be true or false"})
        hub = hub_for(current_app)
        if not hub.in_channel(request.sid, channel):
            raise ValidationFailed({"channel": "join the channel before typing in it"})
        if state and current_user.is_suspended:  # "… is writing" from someone who can't post
            raise Forbidden(suspension_message(current_user.suspended_until, current_user.suspension_reason))
        hub.typing(request.sid, channel, state)
        return {"ok": True}

    @socket_action
    def on_message(self, data: dict[str, Any]) -> dict[str, Any]:
        """A chat message in a live help room: the same action as POST /rooms/{slug}/messages."""
        message, room = message_actions.post_message(current_user, data.get("room"), data.get("body"))
        return {"ok": True, "message": message_payload(message, room)}
