"""Every channel name is built here, so the audience of each event is reviewable in one place."""

from __future__ import annotations

THREADS = "threads"
RESOURCES = "resources"  # the library: every resource shared, edited or deleted


def thread(thread_id: int) -> str:
    return f"thread:{thread_id}"


def user(user_id: int) -> str:
    return f"user:{user_id}"


def room(slug: str) -> str:
    return f"room:{slug}"


def resource(resource_id: int) -> str:
    return f"resource:{resource_id}"


def live_session(session_id: int) -> str:
    return f"live_session:{session_id}"
