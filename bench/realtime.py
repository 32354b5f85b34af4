"""Real-time delivery: an answer posted over HTTP → received by N connected Socket.IO clients.

Measured in the same run against the floor (bench/floor_server.py: a bare Flask-SocketIO server
in the same async mode that emits to a room), with the same kind of asyncio clients joined to both
at once and the messages alternating between the two, so the ratio is what means something on a
shared 2-core machine. Also: memory per connected socket on each server.

    python -m bench.realtime [--sizes 100,1000] [--messages 30] [--async-mode threading|gevent]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import socketio

from .common import (
    community_server,
    percentile,
    print_table,
    python_server,
    register_accounts,
    rss_mb,
    write_result,
)

FLOOR = Path(__file__).with_name("floor_server.py")
USERS = 50  # distinct people behind the N sockets (presence lists stay realistic)


class Fleet:
    """N asyncio Socket.IO clients joined to one channel, recording arrival times by marker."""

    def __init__(self) -> None:
        self.clients: list[socketio.AsyncClient] = []
        self.arrivals: dict[str, list[float]] = {}

    async def connect(self, base: str, channel: str, tokens: list[str], n: int) -> None:
        async def one(i: int) -> None:
            client = socketio.AsyncClient(reconnection=False)
            client.on("answer_created", self._record)
            await client.connect(base, auth={"token": tokens[i % len(tokens)]} if tokens else None,
                                 transports=["websocket"], wait_timeout=30)
            ack = await client.call("join", {"channel": channel}, timeout=30)
            assert ack["ok"], ack
            self.clients.append(client)

        for start in range(0, n, 50):  # connect in waves so the accept backlog keeps up
            await asyncio.gather(*(one(i) for i in range(start, min(n, start + 50))))

    async def _record(self, envelope: dict[str, Any]) -> None:
        marker = envelope["data"]["body"]
        self.arrivals.setdefault(marker, []).append(time.perf_counter())

    async def close(self) -> None:
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)


class Measured:
    """One server's side of the run: its fleet, how to post a message to it, what was seen."""

    def __init__(self, fleet: Fleet, n: int, send: Callable[[str], None], per_socket_kb: float) -> None:
        self.fleet, self.n, self.send, self.per_socket_kb = fleet, n, send, per_socket_kb
        self.latencies: list[float] = []
        self.missed = 0

    async def deliver_one(self, k: int) -> None:
        """Post one message; wait until every socket has it (or 10 s); record each arrival."""
        marker = f"bench message {k} {time.time_ns()}"
        started = time.perf_counter()
        await asyncio.to_thread(self.send, marker)
        deadline = time.perf_counter() + 10
        while len(self.fleet.arrivals.get(marker, [])) < self.n and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        arrived = self.fleet.arrivals.get(marker, [])
        self.missed += self.n - len(arrived)
        self.latencies += [(t - started) * 1000 for t in arrived]
        await asyncio.sleep(0.1)

    def result(self) -> dict[str, Any]:
        return {"p50_ms": round(percentile(self.latencies, 50), 2),
                "p99_ms": round(percentile(self.latencies, 99), 2),
                "deliveries": len(self.latencies), "missed": self.missed,
                "rss_per_socket_kb": round(self.per_socket_kb, 1)}


def _community_setup(base: str) -> tuple[list[str], int, Any, dict[str, Any]]:
    session = requests.Session()
    tokens = register_accounts(base, "bench", USERS)
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    thread = session.post(f"{base}/api/v1/threads", headers=headers, json={
        "title": "Benchmark thread for live answers", "body": "Measuring delivery."}).json()
    poster = {"Authorization": f"Bearer {tokens[1]}"}

    def send(marker: str) -> None:
        reply = session.post(f"{base}/api/v1/threads/{thread['id']}/answers", headers=poster,
                             json={"body": marker})
        assert reply.status_code == 201, reply.text

    # One real answer event, so the floor can emit messages of exactly the same size.
    send("sample")
    sample = session.get(f"{base}/api/v1/threads/{thread['id']}/events?after=0").json()["events"][-1]
    return tokens, thread["id"], send, sample["data"]


@dataclass
class Server:
    """Where one side's fleet connects and how a message is posted to it."""

    base: str
    pid: int
    channel: str
    tokens: list[str]
    send: Callable[[str], None]


async def _joined(server: Server, n: int) -> Measured:
    fleet = Fleet()
    before = rss_mb(server.pid)
    await fleet.connect(server.base, server.channel, server.tokens, n)
    await asyncio.sleep(1.0)
    return Measured(fleet, n, server.send, (rss_mb(server.pid) - before) * 1024 / n)


async def _run_size(product_server: Server, floor_server: Server, n: int,
                    messages: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both fleets joined at once; messages alternate between the product and the floor (which
    goes first alternates too), so a machine that slows down mid-run weighs on both alike."""
    product = await _joined(product_server, n)
    bare = await _joined(floor_server, n)
    try:
        for k in range(messages):
            for side in (product, bare) if k % 2 == 0 else (bare, product):
                await side.deliver_one(k)
    finally:
        await asyncio.gather(product.fleet.close(), bare.fleet.close())
    return product.result(), bare.result()


def run(sizes: list[int], messages: int, async_mode: str) -> dict[str, Any]:
    rows = {}
    with community_server(async_mode=async_mode) as (base, process), \
            python_server(FLOOR, async_mode) as (floor, floor_proc):
        tokens, thread_id, send, sample = _community_setup(base)
        floor_session = requests.Session()

        def floor_send(marker: str) -> None:
            # The same payload as the product's answer_created event, only the marker differs.
            data = {**sample, "body": marker}
            floor_session.post(f"{floor}/emit", json={"channel": "thread:1", "data": data})

        for n in sizes:
            product, bare = asyncio.run(_run_size(
                Server(base, process.pid, f"thread:{thread_id}", tokens, send),
                Server(floor, floor_proc.pid, "thread:1", [], floor_send), n, messages))
            rows[n] = {"community": product, "floor": bare,
                       "p50_ratio": round(product["p50_ms"] / bare["p50_ms"], 2),
                       "p99_ratio": round(product["p99_ms"] / bare["p99_ms"], 2)}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--async-mode", choices=["threading", "gevent"], default="threading",
                        help="threading: `community run` and the floor on threads; gevent: both "
                             "under `gunicorn -k gevent -w 1`, as in production")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.messages, args.async_mode)
    path = write_result(f"realtime-{args.async_mode}", {"async_mode": args.async_mode,
                                                        "messages": args.messages, "sizes": rows})
    print_table(
        ["clients", "community p50", "p99", "floor p50", "p99", "p50 ratio", "p99 ratio", "missed",
         "KB/socket (community, floor)"],
        [[n, r["community"]["p50_ms"], r["community"]["p99_ms"], r["floor"]["p50_ms"],
          r["floor"]["p99_ms"], r["p50_ratio"], r["p99_ratio"],
          r["community"]["missed"] + r["floor"]["missed"],
          f'{r["community"]["rss_per_socket_kb"]}, {r["floor"]["rss_per_socket_kb"]}']
         for n, r in rows.items()])
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
