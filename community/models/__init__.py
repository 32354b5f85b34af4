"""Persistence only: one module per domain noun. Importing this package registers every table."""

from .badges import BadgeAward, Kudos, VoteFlag
from .events import Event
from .feedback import ContentFeedback, FeedbackTarget
from .imports import ImportedObject
from .live_sessions import LiveSession, LiveSessionResource, LiveSessionRsvp, RsvpStatus
from .moderation import AuditEntry, Flag, FlagReason, FlagStatus, FlagTarget, SiteSetting
from .notifications import Notification
from .polls import Poll, PollBallot, PollChoice, PollOption
from .reminders import SentReminder
from .reputation import ReputationEntry
from .resources import PreviewStatus, Resource, ResourceKind, ResourceLink, ResourceRating, resource_tags
from .rooms import HelpRequest, HelpStatus, Message, Room, RoomMember, RoomRole
from .search import SearchCursor
from .surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyCompletion,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from .threads import Post, PostType, Tag, ThreadView, Vote, post_tags
from .users import ApiToken, PasswordResetToken, Role, User, user_skills

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BadgeAward",
    "ContentFeedback",
    "Event",
    "FeedbackTarget",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "FlagTarget",
    "HelpRequest",
    "HelpStatus",
    "ImportedObject",
    "Kudos",
    "LiveSession",
    "LiveSessionResource",
    "LiveSessionRsvp",
    "Message",
    "Notification",
    "PasswordResetToken",
    "Poll",
    "PollBallot",
    "PollChoice",
    "PollOption",
    "Post",
    "PostType",
    "PreviewStatus",
    "QuestionKind",
    "ReputationEntry",
    "Resource",
    "ResourceKind",
    "ResourceLink",
    "ResourceRating",
    "Role",
    "Room",
    "RoomMember",
    "RoomRole",
    "RsvpStatus",
    "SearchCursor",
    "SentReminder",
    "SiteSetting",
    "Survey",
    "SurveyAnswer",
    "SurveyAudience",
    "SurveyCompletion",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Tag",
    "ThreadView",
    "User",
    "Vote",
    "VoteFlag",
    "post_tags",
    "resource_tags",
    "user_skills",
]
