"""What the thread page gives its live script: a template answer for answers that arrive later.

The template is rendered by the same macro as every other answer, for a stand-in answer whose id
is PLACEHOLDER_ID; static/js/live.js swaps in the real id and fills the fields from the event,
so answers inserted live look exactly like server-rendered ones.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...models import Post, PostType, User

PLACEHOLDER_ID = 987654321987


def answer_stand_in(thread: Post) -> Post:
    """A transient answer by someone other than the viewer (never added to the session)."""
    author = User(id=-1, username="someone", display_name="Someone", reputation=1,
                  job_role="role", department="department")
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    answer = Post(id=PLACEHOLDER_ID, post_type=PostType.ANSWER.value, parent_id=thread.id,
                  author_id=-1, body="", body_html="", score=0, created_at=moment,
                  updated_at=moment)
    answer.author = author
    return answer
