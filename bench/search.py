"""Search: indexing speed against raw Whoosh, query latency, and time from write to searchable.

A synthetic corpus of questions and answers (100,000 posts by default) is loaded into a scratch
SQLite database. Then, in one run on the same machine:

- raw Whoosh: the same documents (built beforehand, in memory) written with a plain writer;
- the project's indexer: `search.rebuild()`, reading the database, building the documents and
  writing them (what `community reindex` does);
- queries: a fixed mix through `search.find()` and through the HTTP API (`GET /api/v1/search`,
  which adds the database check, snippets and "did you mean"), and `GET /api/v1/threads/similar`;
- write -> searchable: questions asked through the action while the indexer thread runs; the
  time until `search.find()` returns each one.

    python -m bench.search [--posts 100000] [--queries 300] [--writes 30]
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from community import search
from community.actions import threads as thread_actions
from community.actions import users as user_actions
from community.extensions import db
from community.models import Post, Tag, User, post_tags
from community.search.schema import STOP_WORDS

from .common import percentile, print_table, write_result
from .searchsetup import machine_line, scratch_app, write_section

SEED = 20261129
TAGS = 300
USERS = 500


class Corpus:
    """Deterministic pseudo-text with a Zipf-like word distribution."""

    def __init__(self, seed: int = SEED, vocabulary: int = 30_000) -> None:
        self.rng = random.Random(seed)
        consonants, vowels = "bcdfghklmnprstvz", "aeiou"
        words: dict[str, None] = {}
        while len(words) < vocabulary:
            syllables = self.rng.randint(2, 4)
            words["".join(self.rng.choice(consonants) + self.rng.choice(vowels)
                          for _ in range(syllables))] = None
        # The most frequent words of real text are stop words (the index drops them); without
        # them every pseudo-word query would match nearly every post.
        self.words = sorted(STOP_WORDS) + list(words)[: vocabulary - len(STOP_WORDS)]
        self.weights = list(itertools.accumulate(1 / (rank + 1) ** 1.07
                                                 for rank in range(len(self.words))))

    def text(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.weights,
                                         k=self.rng.randint(low, high)))


def _post_rows(corpus: Corpus, posts: int) -> tuple[list[dict], list[dict], list[dict]]:
    rng, rows, tags, accepted = corpus.rng, [], [], []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    post_id = 0
    while post_id < posts:
        post_id += 1
        thread_id, when = post_id, start + timedelta(minutes=post_id)
        answers = min(rng.choice([0, 1, 1, 2, 2, 3]), posts - post_id)
        base = {"author_id": rng.randint(1, USERS), "score": rng.randint(-1, 40),
                "view_count": 0, "answer_count": 0, "created_at": when, "updated_at": when,
                "last_activity_at": when}
        rows.append({**base, "id": thread_id, "post_type": "question", "parent_id": None,
                     "title": corpus.text(5, 12).capitalize() + "?", "answer_count": answers,
                     "body": (body := corpus.text(20, 80)), "body_html": f"<p>{body}</p>",
                     "accepted_answer_id": None})
        if answers and rng.random() < 0.5:
            accepted.append({"thread": thread_id, "answer": thread_id + 1})
        picked = rng.sample(range(1, TAGS + 1), rng.randint(1, 3))
        tags += [{"post_id": thread_id, "tag_id": tag} for tag in picked]
        for _ in range(answers):
            post_id += 1
            body = corpus.text(15, 60)
            rows.append({**base, "id": post_id, "post_type": "answer", "parent_id": thread_id,
                         "title": None, "body": body, "body_html": f"<p>{body}</p>",
                         "accepted_answer_id": None, "author_id": rng.randint(1, USERS),
                         "created_at": when + timedelta(seconds=post_id % 50)})
    return rows, tags, accepted


def load_corpus(app, corpus: Corpus, posts: int) -> None:
    rows, tags, accepted = _post_rows(corpus, posts)
    users = [{"id": n, "username": f"user{n}", "username_key": f"user{n}",
              "email": f"user{n}@bench.invalid", "password_hash": "!", "display_name": "",
              "department": "", "job_role": "", "bio": "", "role": "member", "reputation": 1,
              "created_at": datetime.now(UTC)} for n in range(1, USERS + 1)]
    tag_rows = [{"id": n, "name": f"tag-{n}", "description": "", "question_count": 0,
                 "created_at": datetime.now(UTC)} for n in range(1, TAGS + 1)]
    with app.app_context():
        for table, data in ((User.__table__, users), (Tag.__table__, tag_rows),
                            (Post.__table__, rows), (post_tags, tags)):
            for chunk in range(0, len(data), 5000):
                db.session.execute(insert(table), data[chunk:chunk + 5000])
        for pair in accepted:
            db.session.execute(update(Post).where(Post.id == pair["thread"])
                               .values(accepted_answer_id=pair["answer"]))
        db.session.commit()


def build_documents(app) -> list[dict]:
    from community.search.documents import iter_thread_batches, thread_documents

    with app.app_context():
        return [doc for batch in iter_thread_batches() for thread in batch
                for doc in thread_documents(thread)]


def time_raw_whoosh(documents: list[dict]) -> float:
    """Seconds for plain Whoosh to index these documents (same schema, one writer, one commit)."""
    from whoosh import index

    from community.search.rebuild import WRITER_MEMORY_MB
    from community.search.schema import SCHEMA

    ix = index.create_in(tempfile.mkdtemp(prefix="bench-raw-whoosh-"), SCHEMA)
    started = time.perf_counter()
    writer = ix.writer(limitmb=WRITER_MEMORY_MB)
    for doc in documents:
        writer.add_document(**doc)
    writer.commit()
    return time.perf_counter() - started


def query_mix(corpus: Corpus, count: int) -> list[dict]:
    """A fixed mix: common and rare words, several words, phrases, operators, sorts, typos."""
    rng = random.Random(SEED + 1)
    common, rare = corpus.words[60:600], corpus.words[2000:20000]
    makers: list[Callable[[], dict]] = [
        lambda: {"q": rng.choice(common)},
        lambda: {"q": rng.choice(rare)},
        lambda: {"q": f"{rng.choice(common)} {rng.choice(rare)}"},
        lambda: {"q": " ".join(rng.sample(common, 3))},
        lambda: {"q": f'"{rng.choice(common)} {rng.choice(common)}"'},
        lambda: {"q": f"{rng.choice(common)} tag:tag-{rng.randint(1, TAGS)}"},
        lambda: {"q": f"{rng.choice(common)} is:solved score:5"},
        lambda: {"q": rng.choice(common), "sort": "newest"},
        lambda: {"q": rng.choice(rare), "type": "answer"},
        lambda: {"q": rng.choice(rare)[:-1] + "x"},  # a typo: "did you mean"
        lambda: {"q": rng.choice(common)[:4] + "*"},
        lambda: {"q": f"{rng.choice(common)} -{rng.choice(common)}"},
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def time_queries(app, mix: list[dict]) -> dict[str, list[float]]:
    from community.queries.search import search_scope

    client = app.test_client()
    backend, api = [], []
    with app.app_context():
        for params in mix:
            query = search.parse_query(params["q"])
            kinds, question_only = search_scope(params.get("type", "all"), query)
            started = time.perf_counter()
            search.find(query, kinds, question_only=question_only, sort=params.get("sort", "relevance"))
            backend.append(time.perf_counter() - started)
    for params in mix:
        started = time.perf_counter()
        response = client.get("/api/v1/search", query_string=params)
        api.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
    return {"backend": backend, "api": api}


def time_similar(app, corpus: Corpus, count: int) -> list[float]:
    client, timings = app.test_client(), []
    for _ in range(count):
        title = corpus.text(5, 10)
        started = time.perf_counter()
        response = client.get("/api/v1/threads/similar", query_string={"title": title})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return timings


def time_write_to_searchable(app, writes: int) -> list[float]:
    """Ask questions through the action while the indexer thread runs; time until found."""
    indexer = search.indexer_thread(app)
    indexer.start()
    delays = []
    try:
        with app.app_context():
            author = user_actions.do_create_user(user_actions.Registration(
                "benchwriter", "benchwriter@example.com", "bench-password"))
            for n in range(writes):
                token = f"zqmarker{n:04d}x"
                thread_actions.ask_question(author, thread_actions.QuestionDraft(
                    title=f"Fresh question {token} just asked", body="Body.", tags=[]))
                written = time.perf_counter()
                query = search.parse_query(token)
                while not search.find(query, frozenset({"thread"})).hits:
                    time.sleep(0.002)
                    assert time.perf_counter() - written < 30, "never became searchable"
                delays.append(time.perf_counter() - written)
                db.session.remove()
                time.sleep(0.05)
    finally:
        indexer.stop()
    return delays


def _ms(values: list[float], pct: float) -> str:
    return f"{percentile(values, pct) * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--writes", type=int, default=30)
    args = parser.parse_args()
    app = scratch_app(Path(tempfile.mkdtemp(prefix="community-search-bench-")))
    corpus = Corpus()
    started = time.perf_counter()
    load_corpus(app, corpus, args.posts)
    print(f"loaded {args.posts:,} posts into SQLite in {time.perf_counter() - started:.1f} s")
    documents = build_documents(app)
    raw_seconds = time_raw_whoosh(documents)
    print(f"raw Whoosh: {len(documents):,} documents in {raw_seconds:.1f} s")
    started = time.perf_counter()
    with app.app_context():
        stats = search.rebuild()
    ours_seconds = time.perf_counter() - started
    print(f"search.rebuild(): {stats.documents:,} documents in {ours_seconds:.1f} s")
    mix = query_mix(corpus, args.queries)
    time_queries(app, mix[: len(mix) // 4])  # warm-up
    queries = time_queries(app, mix)
    similar = time_similar(app, corpus, args.queries // 3)
    delays = time_write_to_searchable(app, args.writes)
    report(args, len(documents), raw_seconds, ours_seconds, queries, similar, delays)


def report(args, documents: int, raw: float, ours: float, queries: dict, similar: list[float],
           delays: list[float]) -> None:
    raw_rate, ours_rate = documents / raw, documents / ours
    rows = [
        ["index: raw Whoosh (same documents, in memory)", f"{raw_rate:,.0f} docs/s", f"{raw:.1f} s"],
        ["index: community search.rebuild() (from the database)", f"{ours_rate:,.0f} docs/s",
         f"{ours:.1f} s ({ours_rate / raw_rate:.0%} of raw)"],
        ["query: search.find() p50 / p95", f"{_ms(queries['backend'], 50)} ms",
         f"{_ms(queries['backend'], 95)} ms"],
        ["query: GET /api/v1/search p50 / p95", f"{_ms(queries['api'], 50)} ms",
         f"{_ms(queries['api'], 95)} ms"],
        ["query: GET /api/v1/threads/similar p50 / p95", f"{_ms(similar, 50)} ms",
         f"{_ms(similar, 95)} ms"],
        ["write -> searchable p50 / p95 (max)", f"{_ms(delays, 50)} ms",
         f"{_ms(delays, 95)} ms ({max(delays) * 1000:.0f} ms)"],
    ]
    print_table(["measure", "value", "detail"], rows)
    write_result("search", {
        "posts": args.posts, "documents": documents, "raw_docs_per_s": round(raw_rate),
        "ours_docs_per_s": round(ours_rate), "ratio": round(ours_rate / raw_rate, 3),
        "find_ms": {"p50": percentile(queries["backend"], 50) * 1000,
                    "p95": percentile(queries["backend"], 95) * 1000},
        "api_ms": {"p50": percentile(queries["api"], 50) * 1000,
                   "p95": percentile(queries["api"], 95) * 1000},
        "similar_ms": {"p50": percentile(similar, 50) * 1000, "p95": percentile(similar, 95) * 1000},
        "write_to_searchable_ms": {"p50": percentile(delays, 50) * 1000,
                                   "p95": percentile(delays, 95) * 1000, "max": max(delays) * 1000},
    })
    table = ["| measure | value | detail |", "|---|---|---|"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    write_section("Search", "\n".join([
        f"`python -m bench.search --posts {args.posts}` ({args.queries} queries in a fixed mix of "
        "words, phrases, operators, sorts, typos and prefixes; "
        f"{args.writes} writes). {machine_line()}", "",
        f"Synthetic corpus: {args.posts:,} posts (questions with 0-3 answers, 300 tags) = "
        f"{documents:,} index documents (a thread document carries its answers' text, and each "
        "answer has its own). Targets: indexing >= 80% of raw Whoosh, query p95 < 50 ms, "
        "searchable within 2 s.", "", *table, "",
        "Notes: the indexer's rate includes reading the rows from the database and building the "
        "documents; raw Whoosh gets them ready-made. `GET /api/v1/search` adds the database check "
        "of every hit (deleted posts never show), snippets and \"did you mean\" to `find()`. "
        "Write -> searchable is mostly Whoosh's commit of a new segment (and merging small ones) "
        "on the large index; the indexer thread is woken by the commit, so polling adds nothing. "
        "Similar questions score any of the title's words (an OR of up to 12 of the rarest), "
        "which costs more than the all-words search box on a large index."]))


if __name__ == "__main__":
    main()
