"""Who may subscribe to which channel (checked on every join)."""

from __future__ import annotations

import re

from ..errors import Forbidden, NotFound
from ..models import User
from ..queries.live_sessions import access_session
from ..queries.resources import access_resource
from ..queries.rooms import access_room
from ..queries.threads import access_thread
from . import channels

_THREAD = re.compile(r"^thread:([1-9][0-9]{0,18})$")
_USER = re.compile(r"^user:([1-9][0-9]{0,18})$")
_ROOM = re.compile(r"^room:(.{1,60})$")
_RESOURCE = re.compile(r"^resource:([1-9][0-9]{0,18})$")
_LIVE_SESSION = re.compile(r"^live_session:([1-9][0-9]{0,18})$")


def check_can_join(user: User, channel: str) -> bool:
    """Raise unless ``user`` may read ``channel``; return whether the channel tracks presence."""
    if channel == channels.THREADS:
        return False
    if match := _USER.match(channel):
        if int(match.group(1)) != user.id:
            raise Forbidden("You can only subscribe to your own user channel.")
        return False
    if match := _THREAD.match(channel):
        access_thread(user, int(match.group(1)))
        return True
    if match := _ROOM.match(channel):
        access_room(user, match.group(1))  # a private room: members (and moderators) only
        return True
    if match := _RESOURCE.match(channel):
        access_resource(user, int(match.group(1)))  # deleted: moderators only, else not found
        return False
    if match := _LIVE_SESSION.match(channel):
        access_session(int(match.group(1)))  # the schedule is open to every member
        return False
    raise NotFound(f"No such channel: {channel[:80]}")
