"""Page throughput: the main pages against a bare Flask "hello" app, both served the production way.

Each database (SQLite always; PostgreSQL when COMMUNITY_BENCH_DATABASE_URL or
COMMUNITY_TEST_DATABASE_URL names a server) is seeded with the demo community, 40 more questions
and one thread of 20 answers, its search index is built, and then the product
(``gunicorn -k gevent -w 1 wsgi:app``) and bench/hello_app.py (``gunicorn -k gevent -w 1``) are
measured in the same run with the same wrk settings, hello before the first page and again after
each page. The ratio to hello is the figure that matters on a shared machine. Only 127.0.0.1;
every wrk run is bounded by ``--duration``.

    python -m bench.pages [--duration 10] [--connections 32] [--threads 2] [--only sqlite]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from .common import GUNICORN, ROOT, free_port, machine, print_table, server_env, write_result

PASSWORD = "bench-password"
VIEWER = "benchviewer"
SEARCH_WORDS = "simulation solver"
TOPICS = ["mesh refinement", "boundary conditions", "time step", "solver tolerance", "licence server",
          "post-processing", "parameter sweep", "material model", "contact pairs", "restart files"]
TAGS = ["cfd", "fea", "meshing", "solver", "licensing", "python", "scripting", "hpc"]


@dataclass(frozen=True)
class Seeded:
    thread_id: int
    threads: int
    answers: int


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    logged_in: bool = False


def targets(thread_id: int) -> list[Target]:
    return [
        Target("thread page, logged in", f"/questions/{thread_id}", logged_in=True),
        Target("thread page, anonymous", f"/questions/{thread_id}"),
        Target("thread JSON", f"/api/v1/threads/{thread_id}"),
        Target("home / list", "/"),
        Target("search page", f"/search?q={SEARCH_WORDS.replace(' ', '+')}"),
    ]


# --- seeding ---------------------------------------------------------------------------------------
def _markdown(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    return (f"For the **{topic}** case I would check the settings first:\n\n"
            f"1. Open the *solver* panel and look at `max_iterations`.\n"
            f"2. Compare with the [reference notes](https://example.com/notes/{n}).\n\n"
            f"```python\nsolver.run(steps={n * 10}, tolerance=1e-6)\n```\n\n"
            f"That usually fixes the simulation when the {topic} diverges. Answer {n}.")


def seed(database_url: str, workdir: Path) -> Seeded:
    """The demo community, 40 more questions, one thread of 20 answers; then the search index."""
    from sqlalchemy import func, select

    from community import search
    from community.actions import answers as answer_actions
    from community.actions import threads as thread_actions
    from community.actions import users as user_actions
    from community.actions import votes as vote_actions
    from community.demo import seed_demo
    from community.extensions import db
    from community.models import Post, Role

    from .searchsetup import scratch_app

    app = scratch_app(workdir, DATABASE_URL=database_url, RATELIMIT_ENABLED=False)
    with app.app_context():
        seed_demo()
        people = [user_actions.do_create_user(user_actions.Registration(
            username=name, email=f"{name}@example.com", password=PASSWORD, display_name=name.title()),
            Role.MEMBER) for name in [VIEWER, *(f"bench{i}" for i in range(8))]]
        for n in range(40):
            draft = thread_actions.QuestionDraft(
                title=f"Why does the {TOPICS[n % 10]} step of simulation {n} stop early?",
                body=_markdown(n), tags=[TAGS[n % 8], TAGS[(n + 3) % 8]])
            other = thread_actions.ask_question(people[1 + n % 8], draft)
            for k in range(n % 4):
                answer_actions.post_answer(people[1 + (n + k + 1) % 8], other.id, _markdown(n + k))
        thread = thread_actions.ask_question(people[1], thread_actions.QuestionDraft(
            title="How do I make the flow simulation solver converge?", body=_markdown(99),
            tags=["cfd", "solver", "meshing"]))
        answers = [answer_actions.post_answer(people[2 + i % 7], thread.id, _markdown(i))
                   for i in range(20)]
        for i, answer in enumerate(answers[:10]):
            for voter in people[1:1 + i % 5]:
                if voter.id != answer.author_id:
                    vote_actions.cast_vote(voter, answer.id, 1)
        answer_actions.accept_answer(people[1], thread.id, answers[3].id)
        search.rebuild()
        total = db.session.scalar(select(func.count()).select_from(Post).where(Post.parent_id.is_(None)))
        return Seeded(thread.id, total, len(answers))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on that PostgreSQL server for this run, dropped at the end."""
    import psycopg

    name = f"community_bench_{uuid.uuid4().hex[:10]}"
    base, _, _ = server_url.rpartition("/")
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- serving and measuring ---------------------------------------------------------------------------
@contextmanager
def gunicorn(app_spec: str, log: Path, env: dict[str, str] | None = None,
             ready_path: str = "/") -> Iterator[str]:
    """``gunicorn -k gevent -w 1`` on a free 127.0.0.1 port until the block ends; yields the base URL."""
    port = free_port()
    command = [str(GUNICORN), "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", app_spec]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_worker(f"{base}{ready_path}", process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_for_worker(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """gunicorn binds before its worker has imported the app: wait for a real answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start:\n{log.read_text()[-3000:]}")


def login_cookie(base: str) -> str:
    """The session cookie of the bench viewer, logged in through the HTML form like a browser."""
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert token, "no csrf_token on the login page"
    reply = session.post(f"{base}/login", data={"login": VIEWER, "password": PASSWORD,
                                                "csrf_token": token.group(1)}, allow_redirects=False)
    assert reply.status_code in (302, 303), reply.status_code
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * _UNITS[unit], 2)


def run_wrk(url: str, args: argparse.Namespace, cookie: str | None = None) -> dict[str, Any]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True,
                            timeout=args.duration + 30).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
              "p50_ms": _ms(re.search(r"\n\s+50%\s+(\S+)", output).group(1)),
              "p99_ms": _ms(re.search(r"\n\s+99%\s+(\S+)", output).group(1)),
              "requests": int(re.search(r"(\d+) requests in", output).group(1))}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    result["non_2xx"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    result["command"] = " ".join(command[:5]) + (" -H 'Cookie: session=…'" if cookie else "") + f" {url}"
    return result


def measure_database(label: str, database_url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Hello and the product run side by side; hello is measured before the first page and after
    each page, and each page's ratio is to the mean of the hello runs just before and after it,
    so a change in the machine's load during the run moves both sides of the ratio."""
    workdir = Path(tempfile.mkdtemp(prefix=f"community-pages-{label}-"))
    seeded = seed(database_url, workdir)
    rows, env = [], server_env(DATABASE_URL=database_url, SEARCH_DIR=str(workdir / "search_index"),
                                 INDEXER="off", ASYNC_MODE="gevent")
    with (gunicorn("bench.hello_app:app", workdir / "hello.log") as hello_base,
          gunicorn("wsgi:app", workdir / "server.log", env, ready_path="/livez") as base):
        cookie = login_cookie(base)
        hellos = [run_wrk(f"{hello_base}/", args)]
        for target in targets(seeded.thread_id):
            url = f"{base}{target.path}"
            requests.get(url, headers={"Cookie": cookie} if target.logged_in else {}, timeout=10)
            result = run_wrk(url, args, cookie if target.logged_in else None)
            hellos.append(run_wrk(f"{hello_base}/", args))
            floor = (hellos[-2]["rps"] + hellos[-1]["rps"]) / 2
            rows.append({"database": label, "page": target.name, **result, "hello_rps": round(floor, 1),
                         "ratio": round(result["rps"] / floor, 3)})
    mean = {key: round(sum(h[key] for h in hellos) / len(hellos), 2) for key in ("rps", "p50_ms", "p99_ms")}
    rows.insert(0, {"database": label, "page": f"hello (mean of {len(hellos)} runs)", **hellos[0], **mean,
                    "hello_rps": mean["rps"], "ratio": 1.0, "hello_runs": [h["rps"] for h in hellos]})
    shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (at most 15)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 15))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install -y wrk)")
    rows: list[dict[str, Any]] = []
    if args.only != "postgresql":
        rows += measure_database("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='pages-db-')}/bench.db", args)
    server = os.environ.get("COMMUNITY_BENCH_DATABASE_URL") or os.environ.get("COMMUNITY_TEST_DATABASE_URL")
    if server and args.only != "sqlite":
        with postgres_database(server) as url:
            rows += measure_database("postgresql", url, args)
    print_table(["database", "page", "req/s", "p50 ms", "p99 ms", "hello req/s", "ratio to hello", "non-2xx",
                  "errors"],
                [[r["database"], r["page"], r["rps"], r["p50_ms"], r["p99_ms"], r["hello_rps"], r["ratio"],
                  r["non_2xx"], r["socket_errors"] or "-"] for r in rows])
    path = write_result("pages", {"settings": vars(args), "machine_detail": machine(), "rows": rows})
    print(f"\nresult: {path}")


if __name__ == "__main__":
    main()
