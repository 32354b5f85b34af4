"""Every channel name is built here, so the audience of each event is reviewable in one place."""

from __future__ import annotations

THREADS = "threads"


def thread(thread_id: int) -> str:
    return f"thread:{thread_id}"


def user(user_id: int) -> str:
    return f"user:{user_id}"


def room(slug: str) -> str:
    return f"room:{slug}"
