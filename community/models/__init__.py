"""Persistence only: one module per domain noun. Importing this package registers every table."""

from .badges import BadgeAward, Kudos, VoteFlag
from .events import Event
from .imports import ImportedObject
from .moderation import AuditEntry, Flag, FlagReason, FlagStatus, FlagTarget, SiteSetting
from .notifications import Notification
from .reputation import ReputationEntry
from .resources import PreviewStatus, Resource, ResourceKind, ResourceLink, ResourceRating, resource_tags
from .rooms import HelpRequest, HelpStatus, Message, Room, RoomMember, RoomRole
from .search import SearchCursor
from .threads import Post, PostType, Tag, ThreadView, Vote, post_tags
from .users import ApiToken, PasswordResetToken, Role, User, user_skills

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BadgeAward",
    "Event",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "FlagTarget",
    "HelpRequest",
    "HelpStatus",
    "ImportedObject",
    "Kudos",
    "Message",
    "Notification",
    "PasswordResetToken",
    "Post",
    "PostType",
    "PreviewStatus",
    "ReputationEntry",
    "Resource",
    "ResourceKind",
    "ResourceLink",
    "ResourceRating",
    "Role",
    "Room",
    "RoomMember",
    "RoomRole",
    "SearchCursor",
    "SiteSetting",
    "Tag",
    "ThreadView",
    "User",
    "Vote",
    "VoteFlag",
    "post_tags",
    "resource_tags",
    "user_skills",
]
