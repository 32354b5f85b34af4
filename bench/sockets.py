"""Idle sockets: memory per connected Socket.IO client in one gevent worker, and how many it holds.

One `gunicorn -k gevent -w 1 --worker-connections C` process (the production worker) on a scratch
SQLite database. Asyncio clients connect with API tokens over websocket in waves up to --max,
and the worker's RSS is read after each step; the slope between steps is the memory per idle
socket. At the top, every client joins the `threads` channel and one new question is posted: the
count of clients that receive `thread_created` shows the worker really serves them all (not just
holds the TCP connections). gunicorn's default of 1,000 worker connections is a cap on sockets
per worker, so the bench sets --worker-connections above --max, as the README advises.

    python -m bench.sockets [--steps 500,1000,2000,3000] [--worker-connections 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
import socketio

from .common import (
    COMMUNITY,
    GUNICORN,
    RESULTS_DIR,
    ROOT,
    free_port,
    gunicorn_worker_pid,
    machine,
    print_table,
    register_accounts,
    rss_mb,
    server_env,
    wait_until_serving,
    write_result,
)

RESULTS_MD = RESULTS_DIR.parent / "RESULTS.md"
USERS = 100  # distinct people behind the sockets
WAVE = 100  # connections opened at once


def start_worker(workdir: Path, worker_connections: int) -> tuple[str, subprocess.Popen]:
    env = {**server_env(DATABASE_URL=f"sqlite:///{workdir}/sockets.db", ASYNC_MODE="gevent", INDEXER="off"),
           "PYTHONWARNINGS": "ignore"}
    subprocess.run([str(COMMUNITY), "db", "upgrade"], env=env, check=True, capture_output=True)
    port, log = free_port(), workdir / "worker.log"
    with log.open("wb") as out:
        master = subprocess.Popen(
            [str(GUNICORN), "-k", "gevent", "-w", "1", "--worker-connections", str(worker_connections),
             "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{base}/livez", master, log, timeout=60)
    return base, master


async def connect_wave(base: str, tokens: list[str], first: int, count: int,
                       clients: list[socketio.AsyncClient]) -> int:
    async def one(number: int) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(base, auth={"token": tokens[number % len(tokens)]},
                                 transports=["websocket"], wait_timeout=30)
        except (socketio.exceptions.ConnectionError, OSError, TimeoutError):
            return False
        clients.append(client)
        return True

    results = await asyncio.gather(*(one(n) for n in range(first, first + count)))
    return results.count(False)


async def served_by_all(base: str, token: str, clients: list[socketio.AsyncClient]) -> int:
    """Every client joins `threads`; one question is posted; how many clients receive it."""
    received: set[int] = set()
    for number, client in enumerate(clients):
        client.on("thread_created", lambda envelope, number=number: received.add(number))
    for start in range(0, len(clients), WAVE):
        await asyncio.gather(*(c.call("join", {"channel": "threads"}, timeout=60)
                               for c in clients[start:start + WAVE]), return_exceptions=True)
    await asyncio.to_thread(requests.post, f"{base}/api/v1/threads",
                            headers={"Authorization": f"Bearer {token}"},
                            json={"title": "Is everyone receiving this question?", "body": "Checking."})
    deadline = time.monotonic() + 30
    while len(received) < len(clients) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return len(received)


async def measure(base: str, pid: int, tokens: list[str], steps: list[int]) -> dict[str, Any]:
    clients: list[socketio.AsyncClient] = []
    await asyncio.sleep(2)
    rows = [{"sockets": 0, "rss_mb": round(rss_mb(pid), 1), "failed": 0}]
    failed = 0
    for target in steps:
        while len(clients) + failed < target:
            failed += await connect_wave(base, tokens, len(clients) + failed,
                                         min(WAVE, target - len(clients) - failed), clients)
        await asyncio.sleep(3)  # let the worker settle (gevent frees per-connection buffers lazily)
        rows.append({"sockets": len(clients), "rss_mb": round(rss_mb(pid), 1), "failed": failed})
    received = await served_by_all(base, tokens[0], clients)
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
    first, last = rows[0], rows[-1]
    per_socket_kb = (last["rss_mb"] - first["rss_mb"]) * 1024 / max(1, last["sockets"])
    return {"steps": rows, "per_socket_kb": round(per_socket_kb, 1), "connected": len(clients),
            "failed": failed, "received_broadcast": received}


def write_results_section(result: dict[str, Any], args: argparse.Namespace) -> None:
    info = machine()
    lines = [
        "## Idle sockets per gevent worker", "",
        f"{info['date']}; {info['cores']} cores ({info['cpu']}), Python {info['python']}. "
        f"`python -m bench.sockets --steps {args.steps} --worker-connections {args.worker_connections}`: "
        "one `gunicorn -k gevent -w 1` worker, asyncio websocket clients on the same machine "
        f"({USERS} accounts behind them).", "",
        "| sockets | worker RSS MB | failed connects |", "|---:|---:|---:|",
        *(f"| {row['sockets']:,} | {row['rss_mb']} | {row['failed']} |" for row in result["steps"]),
        "",
        f"- Memory per idle connected socket: about {result['per_socket_kb']} KB (slope from 0 to "
        f"{result['connected']:,}).",
        f"- Held at once: {result['connected']:,} sockets, {result['failed']} refused; a question posted "
        f"at the top reached {result['received_broadcast']:,} of them. gunicorn's default "
        "`--worker-connections 1000` caps a gevent worker at 1,000 sockets: raise it for more.",
        "",
    ]
    text = RESULTS_MD.read_text()
    section = "\n".join(lines)
    heading = "\n## Idle sockets per gevent worker\n"
    if heading in text:
        text = re.sub(r"\n## Idle sockets per gevent worker\n.*?(?=\n## |\Z)", "\n" + section, text,
                      flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="500,1000,2000,3000")
    parser.add_argument("--worker-connections", type=int, default=10000)
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="community-sockets-"))
    base, master = start_worker(workdir, args.worker_connections)
    try:
        tokens = register_accounts(base, "idle", USERS)
        result = asyncio.run(measure(base, gunicorn_worker_pid(master), tokens, steps))
    finally:
        master.terminate()
        master.wait(timeout=15)
    path = write_result("sockets", result)
    print_table(["sockets", "worker RSS MB", "failed"],
                [[r["sockets"], r["rss_mb"], r["failed"]] for r in result["steps"]])
    print(f"per idle socket: {result['per_socket_kb']} KB; broadcast reached "
          f"{result['received_broadcast']} of {result['connected']}")
    if not args.no_write:
        write_results_section(result, args)
    print(f"details: {path}")


if __name__ == "__main__":
    main()
