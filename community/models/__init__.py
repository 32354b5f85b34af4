"""Persistence only: one module per domain noun. Importing this package registers every table."""

from .badges import BadgeAward, Kudos, VoteFlag
from .contracts import ContractEntry, ContractItem, ContractShare, LearningContract, ShareRole
from .events import Event
from .feedback import ContentFeedback, FeedbackTarget
from .follows import TagFollow, ThreadWatch, WatchLevel, WatchReason
from .imports import ImportedObject
from .live_sessions import LiveSession, LiveSessionResource, LiveSessionRsvp, RsvpStatus
from .milestones import Milestone, MilestoneMetric, MilestoneShare
from .moderation import AuditEntry, Flag, FlagReason, FlagStatus, FlagTarget, SiteSetting
from .notifications import Notification
from .polls import Poll, PollBallot, PollChoice, PollOption
from .reminders import SentReminder
from .reputation import ReputationEntry
from .resources import (
    PreviewStatus,
    Resource,
    ResourceCompletion,
    ResourceKind,
    ResourceLink,
    ResourceRating,
    resource_tags,
)
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
from .tracks import StepKind, Track, TrackEnrollment, TrackPrerequisite, TrackStep
from .users import ApiToken, PasswordResetToken, Role, User, user_skills

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BadgeAward",
    "ContentFeedback",
    "ContractEntry",
    "ContractItem",
    "ContractShare",
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
    "LearningContract",
    "LiveSession",
    "LiveSessionResource",
    "LiveSessionRsvp",
    "Message",
    "Milestone",
    "MilestoneMetric",
    "MilestoneShare",
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
    "ResourceCompletion",
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
    "ShareRole",
    "SiteSetting",
    "StepKind",
    "Survey",
    "SurveyAnswer",
    "SurveyAudience",
    "SurveyCompletion",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Tag",
    "TagFollow",
    "ThreadView",
    "ThreadWatch",
    "Track",
    "TrackEnrollment",
    "TrackPrerequisite",
    "TrackStep",
    "User",
    "Vote",
    "VoteFlag",
    "WatchLevel",
    "WatchReason",
    "post_tags",
    "resource_tags",
    "user_skills",
]
