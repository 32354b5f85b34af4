"""The Whoosh schema: one index, one document per searchable thing, told apart by ``kind``.

Kinds today: ``thread`` (a question with its tags and the text of its answers, so a thread found
through its answers is one result) and ``answer`` (each answer alone, for ``type=answer``).
Resources and public room transcripts become kinds ``resource`` and ``room``.

Each kind has its own text fields (``title`` for threads, ``a_title`` for answers, ...): a query
only walks the postings of the kinds it asks for (no filtering out of the other kinds' matches),
and each kind gets its own length statistics for BM25. Filter fields (tags, people, votes, dates)
are shared. ``access`` carries who may see a document (``public`` today; a private room would
index ``room:<slug>`` and be filtered by the caller's rooms).
"""

from __future__ import annotations

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
           "STOP_WORDS", "WORDS", "build_schema"]
PUBLIC = "public"

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
PHRASE_FIELDS = ("title", "body", "answers")
NAMESPACES = {"thread": "", "answer": "a_", "resource": "r_", "room": "m_"}
# How rare a word is, is judged over all posts: a thread field and the answers' field with the
# same text count together (document frequency), whichever kind is searched.
SIBLING_FIELDS = {"title": "a_title", "body": "a_body", "answers": "a_body",
                  "tag_words": "a_tag_words", "links": "a_links", "pairs": "a_pairs",
                  "a_title": "title", "a_body": "body", "a_tag_words": "tag_words",
                  "a_links": "links", "a_pairs": "pairs"}


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
    return {prefix + name: field for name, field in text.items()}


def build_schema() -> fields.Schema:
    return fields.Schema(
        doc_id=fields.ID(unique=True, stored=True),  # "thread:12", "answer:34"
        kind=fields.ID(stored=True),
        post_id=fields.NUMERIC(int, bits=64, stored=True, sortable=True),
        thread_id=fields.NUMERIC(int, bits=64, stored=True),
        thread=fields.ID(),  # the thread id as text: deleting a thread's documents by term
        access=fields.ID(),
        **_text_fields(NAMESPACES["thread"], with_answers=True),
        **_text_fields(NAMESPACES["answer"], with_answers=False),
        tags=fields.KEYWORD(lowercase=True),  # exact names for tag:NAME
        spell=fields.TEXT(analyzer=WORDS, phrase=False),
        author=fields.ID(),  # lower-cased username of the post's author
        people=fields.KEYWORD(lowercase=True),  # the author, and for threads every answerer
        solved=fields.BOOLEAN(),
        votes=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        created=fields.NUMERIC(int, bits=64, sortable=True),  # milliseconds since the epoch, UTC
    )


SCHEMA = build_schema()
