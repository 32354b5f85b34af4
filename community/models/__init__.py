"""Persistence only: one module per domain noun. Importing this package registers every table."""

from .events import Event
from .notifications import Notification
from .reputation import ReputationEntry
from .threads import Post, PostType, Tag, ThreadView, Vote, post_tags
from .users import ApiToken, Role, User, user_skills

__all__ = [
    "ApiToken",
    "Event",
    "Notification",
    "Post",
    "PostType",
    "ReputationEntry",
    "Role",
    "Tag",
    "ThreadView",
    "User",
    "Vote",
    "post_tags",
    "user_skills",
]
