"""The Whoosh schema: one index, one document per searchable thing, told apart by ``kind``.

Kinds today: ``thread`` (a question with its tags and the text of its answers, so a thread found
through its answers is one result) and ``answer`` (each answer alone, for ``type=answer``).
Resources and public room transcripts become kinds ``resource`` and ``room`` with the same text
fields; ``access`` carries who may see a document (``public`` today; a private room would index
``room:<slug>`` and be filtered by the caller's rooms).
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
__all__ = ["KINDS", "PAIRS", "PUBLIC", "SCHEMA", "STEMMED", "STOP_WORDS", "WORDS", "build_schema"]
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

# Text fields a query's words are matched against.
TEXT_FIELDS = ("title", "body", "answers", "tag_words", "links")
PHRASE_FIELDS = ("title", "body", "answers")


def build_schema() -> fields.Schema:
    return fields.Schema(
        doc_id=fields.ID(unique=True, stored=True),  # "thread:12", "answer:34"
        kind=fields.ID(stored=True),
        post_id=fields.NUMERIC(int, bits=64, stored=True, sortable=True),
        thread_id=fields.NUMERIC(int, bits=64, stored=True),
        thread=fields.ID(),  # the thread id as text: deleting a thread's documents by term
        access=fields.ID(),
        title=fields.TEXT(analyzer=STEMMED),
        body=fields.TEXT(analyzer=STEMMED),
        answers=fields.TEXT(analyzer=STEMMED),
        tags=fields.KEYWORD(lowercase=True),  # exact names for tag:NAME
        tag_words=fields.TEXT(analyzer=STEMMED, phrase=False),  # "grovers algorithm"
        links=fields.TEXT(analyzer=STEMMED, phrase=False),  # the visible text of links
        pairs=fields.TEXT(analyzer=PAIRS, phrase=False),
        spell=fields.TEXT(analyzer=WORDS, phrase=False),
        author=fields.ID(),  # lower-cased username of the post's author
        people=fields.KEYWORD(lowercase=True),  # the author, and for threads every answerer
        solved=fields.BOOLEAN(),
        votes=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        created=fields.NUMERIC(int, bits=64, sortable=True),  # milliseconds since the epoch, UTC
    )


SCHEMA = build_schema()
