"""Relevance of "similar questions" on the real set in /work/shared/data/relevance.

The Stack Exchange dump there is imported with `community import stackexchange` (the real
importer), indexed with the real indexer, and every judged question's title is sent to the real
search.similar(). The baseline is plain Whoosh BM25F (StemmingAnalyzer, title boost 2 + body
text, an OR of the title's words), as in the data set's README. Queries are split by id: even ids
tune, odd ids are held out; --tune searches the ranking parameters on the tuning half only.

    python -m bench.relevance [--tune]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from community import search
from community.actions.stackexchange import import_stackexchange
from community.extensions import db
from community.models import ImportedObject

from .common import print_table, write_result
from .searchsetup import machine_line, scratch_app, write_section

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "relevance"  # beside the checkout
Ranker = Callable[[str], list[int]]  # title -> ranked Stack Exchange question ids


def load_set() -> tuple[dict[int, dict], dict[int, set[int]]]:
    questions = {q["id"]: q for q in map(json.loads, (DATA / "questions.jsonl").open())}
    relevant: dict[int, set[int]] = {}
    for judgment in map(json.loads, (DATA / "judgments.jsonl").open()):
        relevant.setdefault(judgment["query_id"], set()).add(judgment["relevant_id"])
    return questions, relevant


def evaluate(rank: Ranker, queries: Iterable[int], questions: dict[int, dict],
             relevant: dict[int, set[int]]) -> tuple[float, float]:
    """Mean recall@10 and nDCG@10 (binary gains), the query question itself removed."""
    recall = ndcg = 0.0
    queries = list(queries)
    for qid in queries:
        ranked = [doc for doc in rank(questions[qid]["title"]) if doc != qid][:10]
        wanted = relevant[qid]
        hits = [1 if doc in wanted else 0 for doc in ranked]
        recall += sum(hits) / len(wanted)
        dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
        ndcg += dcg / sum(1 / math.log2(i + 2) for i in range(min(10, len(wanted))))
    return recall / len(queries), ndcg / len(queries)


def baseline_ranker(questions: dict[int, dict]) -> Ranker:
    """Plain Whoosh BM25F on title (boost 2) + body text, an OR query of the title."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.qparser import MultifieldParser, OrGroup

    analyzer = StemmingAnalyzer()
    schema = fields.Schema(id=fields.NUMERIC(stored=True),
                           title=fields.TEXT(analyzer=analyzer, field_boost=2.0),
                           body=fields.TEXT(analyzer=analyzer))
    ix = index.create_in(tempfile.mkdtemp(prefix="bench-baseline-"), schema)
    with ix.writer() as writer:
        for q in questions.values():
            writer.add_document(id=q["id"], title=q["title"], body=q["body_text"])
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
    return lambda title: [hit["id"] for hit in searcher.search(parser.parse(title), limit=11)]


def project_ranker(app, params: search.RankingParams) -> Ranker:
    with app.app_context():
        to_se = {local: external for external, local in db.session.execute(
            select(ImportedObject.external_id, ImportedObject.local_id)
            .where(ImportedObject.kind == "post"))}

    def rank(title: str) -> list[int]:
        with app.app_context():
            return [to_se[hit.post_id] for hit in search.similar(title, 11, params=params).hits]

    return rank


def build_app():
    app = scratch_app()
    with app.app_context():
        import_stackexchange(str(DATA / "se-dump"), site="quantumcomputing")
        search.rebuild()
    return app


GRID: dict[str, list[float]] = {
    "title": [1.0, 1.5, 2.0, 3.0], "body": [0.5, 0.75, 1.0], "answers": [0.5, 1.0, 1.5],
    "tag_words": [0.5, 1.0, 2.0], "links": [0.5, 1.0, 2.0], "pair_boost": [0.5, 1.0, 2.0, 3.0],
    "vote_prior": [0.0, 0.1, 0.2, 0.3], "k1": [0.9, 1.2, 1.6], "b": [0.6, 0.75, 0.9],
}


def _with(params: search.RankingParams, name: str, value: float) -> search.RankingParams:
    if name in params.field_boosts:
        return replace(params, field_boosts={**params.field_boosts, name: value})
    return replace(params, **{name: value})


def tune(app, questions, relevant, queries: list[int], rounds: int = 2) -> search.RankingParams:
    """Coordinate ascent on recall@10 (then nDCG@10) over the tuning queries only."""
    best = search.DEFAULT_RANKING
    best_score = evaluate(project_ranker(app, best), queries, questions, relevant)
    for _ in range(rounds):
        for name, values in GRID.items():
            for value in values:
                candidate = _with(best, name, value)
                score = evaluate(project_ranker(app, candidate), queries, questions, relevant)
                if score > best_score:
                    best, best_score = candidate, score
                    print(f"  {name}={value}: recall@10 {score[0]:.3f} nDCG@10 {score[1]:.3f}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="search the parameters (tuning half)")
    args = parser.parse_args()
    questions, relevant = load_set()
    queries = sorted(relevant)
    halves = {"tune (even ids)": [q for q in queries if q % 2 == 0],
              "held out (odd ids)": [q for q in queries if q % 2 == 1], "all": queries}
    app = build_app()
    params = tune(app, questions, relevant, halves["tune (even ids)"]) if args.tune \
        else search.DEFAULT_RANKING
    rankers = {"plain BM25F (title^2 + body)": baseline_ranker(questions),
               "community search.similar()": project_ranker(app, params)}
    rows, result = [], {"params": repr(params), "queries": {k: len(v) for k, v in halves.items()}}
    for name, rank in rankers.items():
        for half, ids in halves.items():
            recall, ndcg = evaluate(rank, ids, questions, relevant)
            rows.append([name, half, len(ids), f"{recall:.3f}", f"{ndcg:.3f}"])
            result[f"{name} / {half}"] = {"recall@10": round(recall, 4), "ndcg@10": round(ndcg, 4)}
    print_table(["ranker", "queries", "n", "recall@10", "nDCG@10"], rows)
    print(f"parameters: {params}")
    write_result("relevance", result)
    if not args.tune:
        write_section("Relevance", _markdown(rows, params))


def _markdown(rows: list[list], params: search.RankingParams) -> str:
    table = ["| ranker | queries | n | recall@10 | nDCG@10 |", "|---|---|---|---|---|"]
    table += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join([
        "`python -m bench.relevance` (`--tune` searches the parameters on the even half).",
        machine_line(), "",
        "Similar questions on the real relevance set (/work/shared/data/relevance: 612 Quantum "
        "Computing Stack Exchange questions, 546 judgments, 296 queries; the query is the title "
        "only, the question itself removed). The dump is imported with the real importer and "
        "searched through `search.similar()`. Parameters were tuned on the even query ids; the "
        "odd ids are held out.", "", *table, "",
        f"Ranking parameters: `{params}`.", "",
        "What the ranking adds to plain BM25F: each thread is indexed with its tags and the text "
        "of its answers; the visible text of links gets its own field (a post linking another "
        "question usually shows that question's title); shared adjacent word pairs of titles and "
        "link texts add a bonus; a word's rarity is judged over all posts (questions and "
        "answers); and a prior multiplies the score by 1 + vote_prior * log(1 + votes).",
    ])


if __name__ == "__main__":
    main()
