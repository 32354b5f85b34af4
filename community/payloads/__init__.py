"""The public JSON shapes of shared/API.md, built from loaded rows, one module per noun.

Used by the JSON API, socket acks and event payloads alike, so every path returns the same shape.
Payloads are built before commit, so nothing here may trigger lazy loading of unloaded data.
"""

from .common import (
    HIDDEN_HTML,
    HIDDEN_NOTICE,
    answer_url,
    iso,
    notification_payload,
    page_payload,
    profile_payload,
    thread_url,
    user_payload,
    user_url,
)
from .content_feedback import (
    feedback_item_payload,
    feedback_summary_payload,
    feedback_totals_payload,
)
from .contracts import contract_entry_payload, contract_item_payload, contract_payload, contract_url
from .feed import feed_payload, tag_follow_payload, watch_payload, watched_thread_payload
from .live_sessions import live_session_payload, live_session_url, rsvp_payload
from .milestones import milestone_payload, milestone_progress_payload, milestone_url
from .moderation import audit_entry_payload, flag_payload, flag_target_payload, suspension_payload
from .polls import poll_payload
from .recognition import (
    award_payload,
    badge_payload,
    kudos_payload,
    reputation_entry_payload,
    vote_flag_payload,
)
from .resources import rating_payload, rating_summary_payload, resource_page_url, resource_payload
from .rooms import (
    help_request_payload,
    help_request_url,
    message_payload,
    message_url,
    room_member_payload,
    room_payload,
    room_url,
)
from .surveys import survey_payload, survey_question_payload, survey_results_payload, survey_url
from .threads import answer_payload, thread_payload

__all__ = [
    "HIDDEN_HTML",
    "HIDDEN_NOTICE",
    "answer_payload",
    "answer_url",
    "audit_entry_payload",
    "award_payload",
    "badge_payload",
    "contract_entry_payload",
    "contract_item_payload",
    "contract_payload",
    "contract_url",
    "feed_payload",
    "feedback_item_payload",
    "feedback_summary_payload",
    "feedback_totals_payload",
    "flag_payload",
    "flag_target_payload",
    "help_request_payload",
    "help_request_url",
    "iso",
    "kudos_payload",
    "live_session_payload",
    "live_session_url",
    "message_payload",
    "message_url",
    "milestone_payload",
    "milestone_progress_payload",
    "milestone_url",
    "notification_payload",
    "page_payload",
    "poll_payload",
    "profile_payload",
    "rating_payload",
    "rating_summary_payload",
    "reputation_entry_payload",
    "resource_page_url",
    "resource_payload",
    "room_member_payload",
    "room_payload",
    "room_url",
    "rsvp_payload",
    "survey_payload",
    "survey_question_payload",
    "survey_results_payload",
    "survey_url",
    "suspension_payload",
    "tag_follow_payload",
    "thread_payload",
    "thread_url",
    "user_payload",
    "user_url",
    "vote_flag_payload",
    "watch_payload",
    "watched_thread_payload",
]
