"""Soak: a steady mixed load on PostgreSQL + Redis + 2 gevent workers, then every write accounted for.

The production layout on one host: two `gunicorn -k gevent -w 1` processes, one `community indexer`
(COMMUNITY_INDEXER=external), a fresh PostgreSQL database and a private Redis key prefix. For
--duration seconds (600 by default), asyncio clients on 127.0.0.1 keep a bounded, steady load on
both workers:

- readers fetch the home page, thread pages, thread JSON and searches, with a short pause;
- askers post questions, answerers post answers, voters upvote answers (each at a fixed pace);
- socket clients sit joined to the threads channel and follow a third of the new threads each,
  counting the answers that reach them.

Reported: requests and errors by kind (5xx and connection errors are errors; nothing else is
expected), p50/p99 latency by kind, the workers' and the indexer's memory over time (first, last,
peak, and the slope over the second half, which a leak makes positive), and the accounting: rows in
the database equal the writes that were acknowledged, every acknowledged answer reached every socket
joined to its thread, and every question and answer is found by search on the other worker once
the indexer has caught up. Results go to bench/results/soak.json and bench/RESULTS.md ("Soak").

    python -m bench.soak [--duration 600] [--readers 12] [--sockets 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import socketio

from .common import (
    COMMUNITY,
    GUNICORN,
    RESULTS_DIR,
    ROOT,
    free_port,
    gunicorn_worker_pid,
    machine,
    percentile,
    print_table,
    register_accounts,
    rss_mb,
    server_env,
    wait_until_serving,
    write_result,
)

RESULTS_MD = RESULTS_DIR.parent / "RESULTS.md"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
WORDS = ["spreadsheet", "pivot", "macro", "formula", "simulation", "onboarding", "invoice", "report",
         "dashboard", "export", "import", "filter", "chart", "budget", "forecast", "training", "module",
         "quiz", "badge", "workflow", "approval"]


@dataclass
class Load:
    """What the clients did and saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unexpected: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # 4xx
    questions: dict[int, str] = field(default_factory=dict)  # id -> unique word in its title
    answers: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (thread id, word)
    votes: set[tuple[int, int]] = field(default_factory=set)  # (voter index, answer id)
    received: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # answer -> sockets
    # thread -> {socket: when its join was acknowledged}; an answer sent after that must arrive
    joined: dict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    answer_sent: dict[int, float] = field(default_factory=dict)  # answer id -> when it was sent
    memory: list[dict[str, float]] = field(default_factory=list)


@contextmanager
def fresh_database(server_url: str):
    """A new PostgreSQL database for this run, dropped afterwards."""
    admin = re.sub(r"^postgresql\+psycopg://", "postgresql://", server_url)
    name = f"community_soak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path):
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_cluster(stack: ExitStack, database_url: str, redis_url: str, workdir: Path
                  ) -> tuple[list[str], list[subprocess.Popen], subprocess.Popen]:
    env = {**server_env(DATABASE_URL=database_url, REDIS_URL=redis_url,
                        REDIS_PREFIX=f"soak-{uuid.uuid4().hex[:8]}:", ASYNC_MODE="gevent",
                        INDEXER="external", SEARCH_DIR=str(workdir / "search")),
           "PYTHONWARNINGS": "ignore"}
    subprocess.run([str(COMMUNITY), "db", "upgrade"], env=env, check=True, capture_output=True)
    indexer = stack.enter_context(process([str(COMMUNITY), "indexer"], env, workdir / "indexer.log"))
    bases, workers = [], []
    for n in range(2):
        port = free_port()
        log = workdir / f"worker{n}.log"
        worker = stack.enter_context(process(
            [str(GUNICORN), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"], env, log))
        wait_until_serving(f"http://127.0.0.1:{port}/livez", worker, log, timeout=60)
        bases.append(f"http://127.0.0.1:{port}")
        workers.append(worker)
    return bases, workers, indexer


class Client:
    """One HTTP session that records latency and errors by kind."""

    def __init__(self, load: Load, session: aiohttp.ClientSession) -> None:
        self.load, self.session = load, session

    async def request(self, kind: str, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
        started = time.perf_counter()
        try:
            async with self.session.request(method, url, **kwargs) as reply:
                body = await (reply.json() if "/api/" in url else reply.read())
                status = reply.status
        except (aiohttp.ClientError, TimeoutError, ValueError):
            self.load.errors[kind] += 1
            return 0, None
        self.load.latencies[kind].append((time.perf_counter() - started) * 1000)
        if status >= 500:
            self.load.errors[kind] += 1
        elif status >= 400:
            self.load.unexpected[f"{kind} {status}"] += 1
        return status, body


async def reader(client: Client, bases: list[str], load: Load, stop: float) -> None:
    while time.monotonic() < stop:
        base = random.choice(bases)
        threads = list(load.questions) or [None]
        thread = random.choice(threads)
        choice = random.random()
        if choice < 0.2 or thread is None:
            await client.request("home", "GET", f"{base}/")
        elif choice < 0.55:
            await client.request("thread page", "GET", f"{base}/questions/{thread}")
        elif choice < 0.8:
            await client.request("thread json", "GET", f"{base}/api/v1/threads/{thread}")
        else:
            await client.request("search", "GET", f"{base}/api/v1/search",
                                 params={"q": " ".join(random.sample(WORDS, 2))})
        await asyncio.sleep(0.2)


async def ask(client: Client, bases: list[str], token: str, load: Load) -> None:
    word = f"soakq{uuid.uuid4().hex[:10]}"
    status, body = await client.request(
        "ask", "POST", f"{random.choice(bases)}/api/v1/threads",
        headers={"Authorization": f"Bearer {token}"},
        json={"title": f"How do I {random.choice(WORDS)} with {word}?",
              "body": f"Steps tried: {' '.join(random.sample(WORDS, 6))}.", "tags": ["soak"]})
    if status == 201:
        load.questions[body["id"]] = word


async def asker(client: Client, bases: list[str], token: str, load: Load, stop: float, pace: float
                ) -> None:
    while time.monotonic() < stop:
        await ask(client, bases, token, load)
        await asyncio.sleep(pace)


async def answerer(client: Client, bases: list[str], token: str, load: Load, stop: float, pace: float
                   ) -> None:
    while time.monotonic() < stop:
        if load.questions:
            thread = random.choice(list(load.questions)[-20:])  # recent threads, as in real life
            word = f"soaka{uuid.uuid4().hex[:10]}"
            sent = time.monotonic()
            status, body = await client.request(
                "answer", "POST", f"{random.choice(bases)}/api/v1/threads/{thread}/answers",
                headers={"Authorization": f"Bearer {token}"},
                json={"body": f"Try {word}: {' '.join(random.sample(WORDS, 8))}."})
            if status == 201:
                load.answers[body["id"]] = (thread, word)
                load.answer_sent[body["id"]] = sent
        await asyncio.sleep(pace)


async def voter(client: Client, bases: list[str], index: int, token: str, load: Load, stop: float,
                pace: float) -> None:
    """Voters never answer, so every answer is someone else's."""
    while time.monotonic() < stop:
        candidates = [a for a in list(load.answers)[-50:] if (index, a) not in load.votes]
        if candidates:
            answer = random.choice(candidates)
            status, _ = await client.request(
                "vote", "POST", f"{random.choice(bases)}/api/v1/posts/{answer}/vote",
                headers={"Authorization": f"Bearer {token}"}, json={"value": 1})
            if status == 200:
                load.votes.add((index, answer))
        await asyncio.sleep(pace)


FOLLOW_EVERY = 3  # socket n follows the new threads whose id is n modulo this (~1/3 of sockets each)


async def sockets(bases: list[str], tokens: list[str], count: int, load: Load, threads: list[int]
                  ) -> list[socketio.AsyncClient]:
    """Socket clients on both workers: each joins `threads` and one existing thread, then follows
    a third of the questions asked during the run, as readers who open new questions do."""
    clients = []
    for number in range(count):
        client = socketio.AsyncClient(reconnection=True)

        async def join(channel: str, client: socketio.AsyncClient = client, number: int = number) -> None:
            ack = await client.call("join", {"channel": channel}, timeout=30)
            if not ack.get("ok"):
                raise RuntimeError(f"join {channel} failed: {ack}")
            if channel.startswith("thread:"):
                load.joined[int(channel.split(":")[1])][number] = time.monotonic()

        async def on_answer(envelope: dict[str, Any], number: int = number) -> None:
            load.received[envelope["data"]["id"]].add(number)

        def on_thread(envelope: dict[str, Any], number: int = number, join: Any = join) -> None:
            if envelope["data"]["id"] % FOLLOW_EVERY == number % FOLLOW_EVERY:
                # Not awaited here: the handler runs on the client's read loop, which the ack needs.
                asyncio.get_running_loop().create_task(join(f"thread:{envelope['data']['id']}"))

        client.on("answer_created", on_answer)
        client.on("thread_created", on_thread)
        await client.connect(bases[number % 2], auth={"token": tokens[number % len(tokens)]},
                             transports=["websocket"], wait_timeout=30)
        await join("threads")
        await join(f"thread:{threads[number % len(threads)]}")
        clients.append(client)
    return clients


async def sample_memory(load: Load, pids: dict[str, int], stop: float, every: float) -> None:
    started = time.monotonic()
    while True:
        load.memory.append({"t": round(time.monotonic() - started, 1),
                            **{name: round(rss_mb(pid), 1) for name, pid in pids.items()}})
        if time.monotonic() >= stop:
            return
        await asyncio.sleep(min(every, max(0.1, stop - time.monotonic())))


async def run_load(bases: list[str], pids: dict[str, int], args: argparse.Namespace) -> Load:
    load = Load()
    tokens = await asyncio.to_thread(register_accounts, bases[0], f"soak{uuid.uuid4().hex[:4]}",
                                     args.askers + args.answerers + args.voters)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=100)) as session:
        client = Client(load, session)
        for n in range(5):  # threads for the first readers and socket clients
            await ask(client, bases, tokens[n % args.askers], load)
        fleet = await sockets(bases, tokens, args.sockets, load, list(load.questions))
        stop = time.monotonic() + args.duration
        tasks = [reader(client, bases, load, stop) for _ in range(args.readers)]
        tasks += [asker(client, bases, tokens[i], load, stop, args.ask_every) for i in range(args.askers)]
        first = args.askers
        tasks += [answerer(client, bases, tokens[first + i], load, stop, args.answer_every)
                  for i in range(args.answerers)]
        first += args.answerers
        tasks += [voter(client, bases, first + i, tokens[first + i], load, stop, args.vote_every)
                  for i in range(args.voters)]
        tasks.append(sample_memory(load, pids, stop, args.sample_every))
        await asyncio.gather(*tasks)
        await asyncio.sleep(5)  # the last answers' events are still on their way to the sockets
        await asyncio.gather(*(c.disconnect() for c in fleet), return_exceptions=True)
    return load


def wait_for_indexer(base: str, limit: float = 120) -> float:
    import requests

    started = time.monotonic()
    while time.monotonic() - started < limit:
        checks = requests.get(f"{base}/readyz", timeout=5).json().get("checks", {})
        if checks.get("indexer_lag") == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError("the indexer did not catch up")


def account(database_url: str, base: str, load: Load) -> dict[str, Any]:
    import requests

    dsn = re.sub(r"^postgresql\+psycopg://", "postgresql://", database_url)
    with psycopg.connect(dsn) as conn:
        questions = conn.execute("SELECT count(*) FROM posts WHERE post_type = 'question' "
                                 "AND deleted_at IS NULL").fetchone()[0]
        answers = conn.execute("SELECT count(*) FROM posts WHERE post_type = 'answer' "
                               "AND deleted_at IS NULL").fetchone()[0]
        votes = conn.execute("SELECT count(*) FROM votes").fetchone()[0]
    # Every socket whose join of the thread was acknowledged before the answer was sent.
    expected = {answer: {socket for socket, at in load.joined[thread].items()
                         if at < load.answer_sent[answer]}
                for answer, (thread, _) in load.answers.items()}
    expected_deliveries = sum(len(sockets) for sockets in expected.values())
    delivered = sum(len(load.received[answer] & sockets) for answer, sockets in expected.items())
    session = requests.Session()
    unfound_questions = [qid for qid, word in load.questions.items()
                         if qid not in {r["id"] for r in session.get(
                             f"{base}/api/v1/search", params={"q": word, "type": "thread"},
                             timeout=10).json()["results"]}]
    unfound_answers = [aid for aid, (_, word) in load.answers.items()
                       if aid not in {r["id"] for r in session.get(
                           f"{base}/api/v1/search", params={"q": word, "type": "answer"},
                           timeout=10).json()["results"]}]
    return {"questions": {"acknowledged": len(load.questions), "in_database": questions},
            "answers": {"acknowledged": len(load.answers), "in_database": answers},
            "votes": {"acknowledged": len(load.votes), "in_database": votes},
            "socket_deliveries": {"expected": expected_deliveries, "delivered": delivered},
            "not_searchable": {"questions": unfound_questions, "answers": unfound_answers}}


def memory_summary(samples: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    summary = {}
    for name in (k for k in samples[0] if k != "t"):
        series = [(s["t"], s[name]) for s in samples]
        half = series[len(series) // 2:]
        (t0, m0), (t1, m1) = half[0], half[-1]
        slope = (m1 - m0) / ((t1 - t0) / 60) if t1 > t0 else 0.0
        summary[name] = {"first_mb": series[0][1], "last_mb": series[-1][1],
                         "peak_mb": max(m for _, m in series),
                         "second_half_slope_mb_per_min": round(slope, 2)}
    return summary


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="community-soak-"))
    with fresh_database(args.database_url) as database_url, ExitStack() as stack:
        bases, workers, indexer = start_cluster(stack, database_url, args.redis_url, workdir)
        pids = {"worker 1": gunicorn_worker_pid(workers[0]), "worker 2": gunicorn_worker_pid(workers[1]),
                "indexer": indexer.pid}
        started = time.monotonic()
        load = asyncio.run(run_load(bases, pids, args))
        elapsed = time.monotonic() - started
        catch_up = wait_for_indexer(bases[1])
        accounting = account(database_url, bases[1], load)
    kinds = sorted(load.latencies)
    requests_total = sum(len(v) for v in load.latencies.values())
    return {
        "duration_s": args.duration, "elapsed_s": round(elapsed, 1),
        "load": {"readers": args.readers, "askers": args.askers, "answerers": args.answerers,
                 "voters": args.voters, "sockets": args.sockets, "ask_every_s": args.ask_every,
                 "answer_every_s": args.answer_every, "vote_every_s": args.vote_every},
        "requests": requests_total, "requests_per_s": round(requests_total / elapsed, 1),
        "errors": dict(load.errors), "unexpected_4xx": dict(load.unexpected),
        "latency_ms": {kind: {"count": len(load.latencies[kind]),
                              "p50": round(percentile(load.latencies[kind], 50), 1),
                              "p99": round(percentile(load.latencies[kind], 99), 1)} for kind in kinds},
        "memory": memory_summary(load.memory), "memory_samples": load.memory,
        "indexer_catch_up_s": round(catch_up, 1), "accounting": accounting,
    }


def verdict(result: dict[str, Any]) -> list[str]:
    """What failed, in words (empty when the soak passed)."""
    problems = [f"{n} errors in {kind}" for kind, n in result["errors"].items() if n]
    problems += [f"unexpected {what}: {n}" for what, n in result["unexpected_4xx"].items()]
    acc = result["accounting"]
    for noun in ("questions", "answers", "votes"):
        if acc[noun]["acknowledged"] != acc[noun]["in_database"]:
            problems.append(f"{noun}: {acc[noun]['acknowledged']} acknowledged, "
                            f"{acc[noun]['in_database']} in the database")
    if acc["socket_deliveries"]["expected"] != acc["socket_deliveries"]["delivered"]:
        problems.append(f"socket deliveries: {acc['socket_deliveries']}")
    if acc["not_searchable"]["questions"] or acc["not_searchable"]["answers"]:
        problems.append(f"not searchable: {acc['not_searchable']}")
    return problems


def write_results_section(result: dict[str, Any], args: argparse.Namespace) -> None:
    info = machine()
    acc = result["accounting"]
    lines = [
        "## Soak", "",
        f"{info['date']}; {info['cores']} cores ({info['cpu']}), Python {info['python']}. "
        f"`python -m bench.soak --duration {args.duration}`: PostgreSQL + Redis, two `gunicorn -k gevent "
        "-w 1`, one `community indexer`; load from asyncio clients on the same machine: "
        f"{args.readers} readers (0.2 s pause), {args.askers} askers (a question every "
        f"{args.ask_every} s each), {args.answerers} answerers (every {args.answer_every} s), "
        f"{args.voters} voters (every {args.vote_every} s), {args.sockets} socket clients (each "
        "following a third of the new questions).", "",
        f"- {result['requests']:,} requests in {result['elapsed_s']} s ({result['requests_per_s']}/s); "
        f"errors: {sum(result['errors'].values())}; "
        f"unexpected 4xx: {sum(result['unexpected_4xx'].values())}.",
        f"- Accounting: questions {acc['questions']['acknowledged']} acknowledged = "
        f"{acc['questions']['in_database']} stored; answers {acc['answers']['acknowledged']} = "
        f"{acc['answers']['in_database']}; votes {acc['votes']['acknowledged']} = "
        f"{acc['votes']['in_database']}; socket deliveries {acc['socket_deliveries']['delivered']:,} of "
        f"{acc['socket_deliveries']['expected']:,}; not searchable afterwards: "
        f"{len(acc['not_searchable']['questions']) + len(acc['not_searchable']['answers'])} "
        f"(indexer caught up {result['indexer_catch_up_s']} s after the load stopped).", "",
        "| request | count | p50 ms | p99 ms |", "|---|---:|---:|---:|",
        *(f"| {kind} | {v['count']:,} | {v['p50']} | {v['p99']} |"
          for kind, v in result["latency_ms"].items()),
        "", "| process | RSS first MB | last MB | peak MB | 2nd-half slope MB/min |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {m['first_mb']} | {m['last_mb']} | {m['peak_mb']} | "
          f"{m['second_half_slope_mb_per_min']} |" for name, m in result["memory"].items()),
        "",
    ]
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    section = "\n".join(lines)
    if "\n## Soak\n" in text:
        text = re.sub(r"\n## Soak\n.*?(?=\n## |\Z)", "\n" + section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--readers", type=int, default=12)
    parser.add_argument("--askers", type=int, default=3)
    parser.add_argument("--answerers", type=int, default=5)
    parser.add_argument("--voters", type=int, default=6)
    parser.add_argument("--sockets", type=int, default=60)
    parser.add_argument("--ask-every", type=float, default=5.0)
    parser.add_argument("--answer-every", type=float, default=3.0)
    parser.add_argument("--vote-every", type=float, default=2.0)
    parser.add_argument("--sample-every", type=float, default=10.0)
    parser.add_argument("--database-url", default=os.environ.get("COMMUNITY_TEST_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("COMMUNITY_TEST_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args()
    result = run(args)
    path = write_result("soak", result)
    print_table(["request", "count", "p50 ms", "p99 ms"],
                [[k, v["count"], v["p50"], v["p99"]] for k, v in result["latency_ms"].items()])
    print_table(["process", "first MB", "last MB", "peak MB", "slope MB/min"],
                [[k, m["first_mb"], m["last_mb"], m["peak_mb"], m["second_half_slope_mb_per_min"]]
                 for k, m in result["memory"].items()])
    problems = verdict(result)
    print(f"accounting: {result['accounting']['questions']}, {result['accounting']['answers']}, "
          f"{result['accounting']['votes']}, {result['accounting']['socket_deliveries']}")
    print("PASS" if not problems else "FAIL: " + "; ".join(problems))
    if not args.no_write:
        write_results_section(result, args)
    print(f"details: {path}")
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
