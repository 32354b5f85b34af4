"""Shared benchmark plumbing: servers in subprocesses, percentiles, result files."""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
COMMUNITY = Path(sys.executable).with_name("community")
GUNICORN = COMMUNITY.with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def gevent_command(app_spec: str) -> Callable[[int], list[str]]:
    """The production server, as the README runs it: ``gunicorn -k gevent -w 1
    --worker-connections 5000`` serving app_spec on the port (the default of 1,000 connections
    would leave HTTP requests waiting behind 1,000 sockets)."""
    return lambda port: [str(GUNICORN), "-k", "gevent", "-w", "1", "--worker-connections", "5000",
                         "-b", f"127.0.0.1:{port}", app_spec]


def _with_port(command: list[str]) -> Callable[[int], list[str]]:
    return lambda port: [*command, str(port)]


@contextmanager
def _serving(command: Callable[[int], list[str]], ready_path: str, log: Path,
             env: dict[str, str] | None = None):
    """Run the server command for a free port until the block ends; yields (base URL, process)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(command(port), env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}{ready_path}", process, log)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=15)


def server_env(**settings: str) -> dict[str, str]:
    """The environment of a benchmarked server: production mode, a fresh secret key, rate limits
    off (benchmarks measure the system, not the abuse limits, which have their own tests), and
    each of ``settings`` as COMMUNITY_<NAME>."""
    return {**os.environ, "COMMUNITY_ENV": "production", "COMMUNITY_SECRET_KEY": uuid.uuid4().hex,
            "COMMUNITY_RATELIMIT_ENABLED": "0",
            **{f"COMMUNITY_{name}": value for name, value in settings.items()}}


class _Worker:
    """The pid of a gunicorn master's worker, where the app and its memory live."""

    def __init__(self, pid: int) -> None:
        self.pid = pid


def _worker(master: subprocess.Popen) -> _Worker:
    return _Worker(gunicorn_worker_pid(master))


def gunicorn_worker_pid(master: subprocess.Popen) -> int:
    """gunicorn's master forks the worker that holds the app (and the memory)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True,
                               text=True).stdout.split()
        if found:
            return int(found[0])
        time.sleep(0.2)
    return master.pid


@contextmanager
def community_server(extra_env: dict[str, str] | None = None, async_mode: str = "threading"):
    """A migrated scratch SQLite database and the product on a free port: `community run`
    (threading), or `gunicorn -k gevent -w 1 wsgi:app` (gevent); yields (base URL, the process
    holding the app)."""
    workdir = Path(tempfile.mkdtemp(prefix="community-bench-"))
    env = {**server_env(DATABASE_URL=f"sqlite:///{workdir}/bench.db", SEARCH_DIR=str(workdir / "search"),
                        INDEXER="off", ASYNC_MODE=async_mode), **(extra_env or {})}
    subprocess.run([str(COMMUNITY), "db", "upgrade"], env=env, check=True, capture_output=True)
    command = (gevent_command("wsgi:app") if async_mode == "gevent"
               else _with_port([str(COMMUNITY), "run", "--port"]))
    with _serving(command, "/api/v1/threads", workdir / "server.log", env) as (base, process):
        yield base, (_worker(process) if async_mode == "gevent" else process)


@contextmanager
def python_server(script: Path, async_mode: str = "threading"):
    """A helper server of the benchmarks, such as the floor: ``python script PORT`` (threading),
    or the script's ``app`` under ``gunicorn -k gevent -w 1`` (gevent, with BENCH_ASYNC_MODE)."""
    log = Path(tempfile.mkdtemp(prefix="bench-floor-")) / "server.log"
    if async_mode != "gevent":
        with _serving(_with_port([sys.executable, str(script)]), "/", log) as served:
            yield served
        return
    module = f"bench.{script.stem}:app"
    with _serving(gevent_command(module), "/", log, {**os.environ, "BENCH_ASYNC_MODE": "gevent"}) as (
            base, process):
        yield base, _worker(process)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2))
    return path


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def register_accounts(base: str, prefix: str, count: int) -> list[str]:
    """Register ``count`` users named <prefix><n> over the API; returns their bearer tokens."""
    session = requests.Session()
    tokens = []
    for i in range(count):
        name = f"{prefix}{i}"
        session.post(f"{base}/api/v1/auth/register", json={
            "username": name, "email": f"{name}@example.com", "password": "bench-password"})
        tokens.append(session.post(f"{base}/api/v1/auth/tokens", json={
            "login": name, "password": "bench-password"}).json()["token"])
    return tokens
