"""Importing a Stack Exchange data dump: users, tags, questions, answers, scores, acceptances.

``community import stackexchange DIR`` calls import_stackexchange(). Idempotent (see imports.py).
Imported accounts cannot log in (they have no password) until an administrator resets them; their
reputation is carried over as one ledger entry, so reputation stays 1 + the sum of the ledger.
Bodies keep their original HTML (sanitized) for display and get a Markdown version as the source
for later edits.
"""

from __future__ import annotations

import re

from sqlalchemy import insert, select, update

from ..db import atomic
from ..errors import ValidationFailed
from ..extensions import db
from ..importers.html_markdown import html_to_markdown
from ..importers.stackexchange import ANSWER, QUESTION, Dump, SePost, SeUser, VoteTally
from ..models import Post, PostType, ReputationEntry, Tag, User, post_tags
from ..models.base import utcnow
from ..text.sanitize import clean_html
from ..text.validation import TAG_NAME
from .imports import (
    ImportReport,
    ImportSession,
    Progress,
    batches,
    no_progress,
    record_imported,
    recount,
)
from .tags import ensure_tags

USER_BATCH = 500
POST_BATCH = 200
TITLE_MAX = 200
MAX_TAGS = 5
NO_PASSWORD = "!imported"  # not a werkzeug hash, so check_password_hash is always False
_USERNAME_JUNK = re.compile(r"[^A-Za-z0-9_.-]+")
_SITE = re.compile(r"^[\w.-]{1,60}$")
GHOST = SeUser(0, "Deleted user", 1, None, "")


class StackExchangeImport(ImportSession):
    def __init__(self, dump: Dump, source: str, progress: Progress) -> None:
        super().__init__(source, progress)
        self.dump = dump
        self.votes = VoteTally()
        self.slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40]

    # --- users ---------------------------------------------------------------------------------

    def _username(self, wanted: str, external_id: int) -> str:
        base = _USERNAME_JUNK.sub("", wanted.replace(" ", "_"))[:30]
        number = abs(external_id)
        candidates = [base, f"{base[:20]}-{number}"] if len(base) >= 3 else []
        candidates += [f"se-user-{number}", *(f"se-user-{number}-{n}" for n in range(2, 10_000))]
        return self.claim_username(candidates)

    def add_user(self, kind: str, se: SeUser) -> int:
        user = User(username=self._username(se.display_name, se.id),
                    email=f"{kind}{se.id}@{self.slug}.import.invalid", password_hash=NO_PASSWORD,
                    display_name=se.display_name[:60], bio=html_to_markdown(se.about_html)[:2000],
                    role="member", reputation=max(se.reputation, 1),
                    created_at=se.created_at or utcnow())
        user.username_key = user.username.lower()
        db.session.add(user)
        db.session.flush()
        if se.reputation > 1:
            db.session.add(ReputationEntry(user_id=user.id, delta=se.reputation - 1,
                                           requested=se.reputation - 1, reason="imported"))
        self.remember(kind, se.id, user.id)
        return user.id

    def import_users(self) -> None:
        with self.progress("Users", self.dump.count("Users.xml")) as bar:
            for batch in batches(self.dump.users(), USER_BATCH):
                with atomic():
                    for se in batch:
                        if self.local("user", se.id) is None:
                            self.add_user("user", se)
                            self.report.users += 1
                        else:
                            self.report.skipped += 1
                bar.update(len(batch))

    def author_id(self, post: SePost) -> int:
        """The imported owner, or one "Deleted user" for posts whose owner left."""
        return (self.local("user", post.owner_id) or self.local("ghost", 0)
                or self.add_user("ghost", GHOST))

    # --- tags ----------------------------------------------------------------------------------

    def import_tags(self) -> None:
        names = [name for name in dict.fromkeys(self.dump.tag_names()) if TAG_NAME.match(name)]
        existing = set(db.session.scalars(select(Tag.name).where(Tag.name.in_(names))))
        for batch in batches(names, USER_BATCH):
            with atomic():
                ensure_tags(batch)
        self.report.tags = len(set(names) - existing)

    # --- posts ---------------------------------------------------------------------------------

    def _post(self, se: SePost, **fields: object) -> Post:
        score = se.score if se.score is not None else self.votes.scores.get(se.id, 0)
        post = Post(author_id=self.author_id(se), body=html_to_markdown(se.body_html),
                    body_html=clean_html(se.body_html), score=score, answer_count=0,
                    view_count=se.view_count, created_at=se.created_at,
                    updated_at=se.last_edit_at or se.created_at, edited_at=se.last_edit_at,
                    last_editor_id=self.local("user", se.last_editor_id) if se.last_edit_at else None,
                    last_activity_at=se.last_activity_at or se.last_edit_at or se.created_at,
                    **fields)
        db.session.add(post)
        db.session.flush()
        self.remember("post", se.id, post.id)
        return post

    def _questions(self, batch: list[SePost]) -> list[int]:
        valid = sorted({name for se in batch for name in se.tags if TAG_NAME.match(name)})
        tag_ids = {tag.name: tag.id for tag in ensure_tags(valid)}
        created = []
        for se in batch:
            title = (" ".join(se.title.split()) or f"Question {se.id}")[:TITLE_MAX]
            post = self._post(se, post_type=PostType.QUESTION.value, title=title)
            names = [name for name in dict.fromkeys(se.tags) if name in tag_ids][:MAX_TAGS]
            if names:
                db.session.execute(insert(post_tags), [{"post_id": post.id, "tag_id": tag_ids[n]}
                                                       for n in names])
            created.append(post.id)
        self.report.questions += len(created)
        return created

    def _answers(self, batch: list[SePost]) -> list[int]:
        touched = []
        for se in batch:
            thread_id = self.local("post", se.parent_id)
            if thread_id is None:
                self.report.orphans += 1
                continue
            self._post(se, post_type=PostType.ANSWER.value, parent_id=thread_id)
            touched.append(thread_id)
        self.report.answers += len(touched)
        return touched

    def import_posts(self, post_type: int) -> list[int]:
        label, add = ("Questions", self._questions) if post_type == QUESTION else ("Answers", self._answers)
        touched: list[int] = []
        with self.progress(label, self.dump.count("Posts.xml")) as bar:
            for batch in batches(self.dump.posts(post_type), POST_BATCH):
                fresh = [se for se in batch if self.local("post", se.id) is None]
                self.report.skipped += len(batch) - len(fresh)
                with atomic():
                    threads = add(fresh)
                    record_imported(threads)
                touched += threads
                bar.update(len(batch))
        return touched

    def _acceptances(self) -> dict[int, int]:
        accepted: dict[int, int] = {}
        for se in self.dump.posts(QUESTION):
            thread, answer = self.local("post", se.id), self.local("post", se.accepted_answer_id)
            if thread is not None and answer is not None:
                accepted[thread] = answer
        if self.votes.accepted:  # the votes file names acceptances the posts file lacks
            for se in self.dump.posts(ANSWER):
                thread, answer = self.local("post", se.parent_id), self.local("post", se.id)
                if se.id in self.votes.accepted and thread and answer:
                    accepted.setdefault(thread, answer)
        return accepted

    def finish(self, touched: list[int]) -> None:
        """Accepted answers where the thread has none yet, then counts; idempotent."""
        with atomic():
            changed = [thread_id for thread_id, answer_id in self._acceptances().items()
                       for thread_id in db.session.scalars(
                           update(Post).where(Post.id == thread_id, Post.accepted_answer_id.is_(None))
                           .values(accepted_answer_id=answer_id).returning(Post.id))]
            self.report.accepted = len(changed)
            recount(sorted(set(touched) | set(changed)))
            record_imported(changed)


def source_name(dump: Dump, site: str | None) -> str:
    name = site or dump.directory.resolve().name
    if not _SITE.match(name):
        raise ValidationFailed({"site": "must be 1-60 letters, digits, '.', '_' or '-'"})
    return f"stackexchange:{name}"


def import_stackexchange(directory: str, *, site: str | None = None,
                         progress: Progress = no_progress) -> ImportReport:
    """Import (or finish importing) a dump; the report counts what this run added."""
    dump = Dump(directory)
    run = StackExchangeImport(dump, source_name(dump, site), progress)
    run.votes = dump.votes()
    run.import_users()
    run.import_tags()
    touched = run.import_posts(QUESTION) + run.import_posts(ANSWER)
    run.finish(touched)
    run.report.links = dump.link_count()
    return run.report
