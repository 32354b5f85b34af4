"""The Whoosh schema: one index, one document per searchable thing, told apart by ``kind``.

Kinds: ``thread`` (a question with its tags, the text of its answers and of the resources its
posts link, so a thread found through its answers or a linked page is one result), ``answer``
(each answer alone, for ``type=answer``), ``resource`` (a shared link: what its sharer wrote, its
tags and kind, and the text of the page when a preview was fetched) and ``room`` (one chat
message of a live help room).

Each kind has its own text fields (``title`` for threads, ``a_title`` for answers, ...): a query
only walks the postings of the kinds it asks for (no filtering out of the other kinds' matches),
and each kind gets its own length statistics for BM25. Filter fields (tags, people, votes, dates)
are shared. ``access`` carries who may see a document: ``public``, or ``room:<slug>`` for a
message of a private room (searches filter by the caller's memberships, see ``room_access``).
"""

from __future__ import annotations

from datetime import datetime

from whoosh import fields
from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    RegexTokenizer,
    ShingleFilter,
    StemmingAnalyzer,
    StopFilter,
)

KINDS = ("thread", "answer", "resource", "room")
__all__ = ["KINDS", "NAMESPACES", "PAIRS", "PUBLIC", "SCHEMA", "SIBLING_FIELDS", "STEMMED",
           "STOP_WORDS", "WORDS", "build_schema", "epoch_ms", "kind_of_field", "room_access"]
PUBLIC = "public"


def epoch_ms(moment: datetime) -> int:
    """A time as the ``created`` field stores it: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def room_access(slug: str) -> str:
    """The ``access`` value of a private room's messages: only its members may find them."""
    return f"room:{slug}"


# Words and dotted words ("3.5", "node.js"); unlike Whoosh's default, "*" is never part of a word.
WORD = r"\w+(?:\.?\w+)*"
# Words: stemmed, stop words dropped, absurdly long tokens (base64, hashes) ignored.
STEMMED = StemmingAnalyzer(expression=WORD, minsize=2, maxsize=40, cachesize=100_000)
# Adjacent word pairs of short, telling text (titles, link texts): rewards shared phrasing.
PAIRS = StemmingAnalyzer(expression=WORD, minsize=2, maxsize=40, cachesize=100_000) | ShingleFilter(
    2, " ")
# The vocabulary "did you mean" draws from: whole lower-cased words as people type them.
WORDS = RegexTokenizer(r"[^\W\d_]+") | LowercaseFilter() | StopFilter(minsize=3, maxsize=30)

# Text fields a query's words are matched against, and the prefix each kind's copies carry.
TEXT_FIELDS = ("title", "body", "answers", "tag_words", "links")
PHRASE_FIELDS = ("title", "body", "answers", "linked_resources", "page")
# Long text that is not the document's own writing: what a thread's posts link to (the linked
# resources' titles, descriptions and pages), and a resource's fetched page. Matched with a low
# boost; a prefix* is not expanded from it (titles and bodies choose the words).
SECONDARY_TEXT = ("answers", "linked_resources", "page")
# A resource's fields that "did you mean" counts as known words (resources are public).
RESOURCE_TEXT = ("r_title", "r_body", "r_tag_words", "r_page")
NAMESPACES = {"thread": "", "answer": "a_", "resource": "r_", "room": "m_"}
# How rare a word is, is judged over all posts: a thread field and the answers' field with the
# same text count together (document frequency), whichever kind is searched. A chat message's
# words count with the posts' bodies too, so a word common in the forum does not look rare just
# because few messages use it (posts' own scores leave messages out: chat never reranks them).
SIBLING_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("a_title",), "body": ("a_body",), "answers": ("a_body",),
    "tag_words": ("a_tag_words",), "links": ("a_links",), "pairs": ("a_pairs",),
    "a_title": ("title",), "a_body": ("body",), "a_tag_words": ("tag_words",),
    "a_links": ("links",), "a_pairs": ("pairs",),
    "m_body": ("body", "a_body"),
    # A resource's words, and what a thread's linked resources say, are judged against the posts'
    # words the same way (posts' own scores leave both out, so they never rerank the forum).
    "r_title": ("title", "a_title"), "r_body": ("body", "a_body"),
    "r_tag_words": ("tag_words", "a_tag_words"), "r_links": ("links", "a_links"),
    "r_pairs": ("pairs", "a_pairs"), "r_page": ("body", "a_body"),
    "linked_resources": ("body", "a_body"),
}


def kind_of_field(name: str) -> str:
    """The kind of document a text field belongs to (``m_body`` -> ``room``, ``title`` -> ``thread``)."""
    for kind, prefix in NAMESPACES.items():
        if prefix and name.startswith(prefix):
            return kind
    return "thread"


def _message_fields(prefix: str) -> dict[str, fields.FieldType]:
    """A chat message's own words only: the room's title is shown with it but not matched, or
    every message of a room would match a search for its title."""
    return {prefix + "body": fields.TEXT(analyzer=STEMMED)}


def _resource_fields(prefix: str) -> dict[str, fields.FieldType]:
    """A shared link: its title, description (``body``), tags and kind as words, host (``links``)
    and title pairs like a post's, plus the text of its fetched page."""
    return {**_text_fields(prefix, with_answers=False), prefix + "page": fields.TEXT(analyzer=STEMMED)}


def _text_fields(prefix: str, with_answers: bool) -> dict[str, fields.FieldType]:
    text = {
        "title": fields.TEXT(analyzer=STEMMED),
        "body": fields.TEXT(analyzer=STEMMED),
        "tag_words": fields.TEXT(analyzer=STEMMED, phrase=False),  # "grovers algorithm"
        "links": fields.TEXT(analyzer=STEMMED, phrase=False),  # the visible text of links
        "pairs": fields.TEXT(analyzer=PAIRS, phrase=False),
    }
    if with_answers:
        text["answers"] = fields.TEXT(analyzer=STEMMED)
        text["linked_resources"] = fields.TEXT(analyzer=STEMMED)  # what the posts' links lead to
    return {prefix + name: field for name, field in text.items()}


def build_schema() -> fields.Schema:
    return fields.Schema(
        doc_id=fields.ID(unique=True, stored=True),  # "thread:12", "answer:34", "resource:7", "room:56"
        kind=fields.ID(stored=True),
        # the object's id in its kind's id space: the post's id; for kind resource, the resource's;
        # for kind room, the message's
        post_id=fields.NUMERIC(int, bits=64, stored=True, sortable=True),
        thread_id=fields.NUMERIC(int, bits=64, stored=True),  # posts only
        thread=fields.ID(),  # the thread id as text: deleting a thread's documents by term
        room=fields.ID(),  # a message's room slug: re-indexing a room's documents by term
        access=fields.ID(),
        **_text_fields(NAMESPACES["thread"], with_answers=True),
        **_text_fields(NAMESPACES["answer"], with_answers=False),
        **_resource_fields(NAMESPACES["resource"]),
        **_message_fields(NAMESPACES["room"]),
        tags=fields.KEYWORD(lowercase=True),  # exact names for tag:NAME
        spell=fields.TEXT(analyzer=WORDS, phrase=False),
        author=fields.ID(),  # lower-cased username of the author (of a resource: who shared it)
        people=fields.KEYWORD(lowercase=True),  # the author, and for threads every answerer
        solved=fields.BOOLEAN(),
        votes=fields.NUMERIC(int, bits=64, signed=True, sortable=True),  # 0 for resources, messages
        # resources only: the Bayesian average of their ratings, in hundredths of a star (the prior)
        rating=fields.NUMERIC(int, bits=32, sortable=True),
        created=fields.NUMERIC(int, bits=64, sortable=True),  # milliseconds since the epoch, UTC
    )


SCHEMA = build_schema()
