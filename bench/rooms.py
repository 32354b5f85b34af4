"""Live help rooms: N clients in one room, S of them chatting for D seconds.

Every sender sends chat messages over Socket.IO (`message`, acknowledged: the real write path,
stored with its event) at a steady rate; every client, senders included, records when each
`room_message` arrives. Reported: messages and deliveries per second, p50/p99 latency from send
to arrival, and loss (deliveries that never came: must be zero), duplicates and out-of-order
events. The same fleet runs against the floor (bench/floor_server.py: a bare Flask-SocketIO
server that only broadcasts) in the same run, so the ratio is what means something on a shared
machine. The numbers go to bench/results/rooms.json and the "Rooms" section of bench/RESULTS.md.

    python -m bench.rooms [--clients 200] [--senders 20] [--duration 30] [--rate 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import socketio

from .common import (
    RESULTS_DIR,
    community_server,
    machine,
    percentile,
    print_table,
    python_server,
    register_accounts,
    write_result,
)

FLOOR = Path(__file__).with_name("floor_server.py")
RESULTS_MD = RESULTS_DIR.parent / "RESULTS.md"
USERS = 50  # distinct people behind the clients; the senders are distinct people
DRAIN_SECONDS = 15.0


@dataclass
class Fleet:
    """The clients of one run and what they saw."""

    clients: list[socketio.AsyncClient] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)  # marker -> send time
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    acks: list[float] = field(default_factory=list)
    failed: int = 0
    duplicates: int = 0
    out_of_order: int = 0

    def recorder(self):
        seen: set[str] = set()
        last_id = [0]

        async def record(envelope: dict[str, Any]) -> None:
            now = time.perf_counter()
            marker = envelope["data"]["body"]
            if marker in seen:
                self.duplicates += 1
                return
            seen.add(marker)
            if envelope["id"] <= last_id[0]:
                self.out_of_order += 1
            last_id[0] = envelope["id"]
            self.arrivals.setdefault(marker, []).append(now)

        return record

    async def connect(self, base: str, channel: str, tokens: list[str], n: int) -> None:
        async def one(i: int) -> socketio.AsyncClient:
            client = socketio.AsyncClient(reconnection=False)
            client.on("room_message", self.recorder())
            auth = {"token": tokens[i % len(tokens)]} if tokens else None
            await client.connect(base, auth=auth, transports=["websocket"], wait_timeout=30)
            ack = await client.call("join", {"channel": channel}, timeout=30)
            assert ack["ok"], ack
            return client

        for start in range(0, n, 50):  # in waves, so the accept backlog keeps up
            self.clients += await asyncio.gather(*(one(i) for i in range(start, min(n, start + 50))))

    async def close(self) -> None:
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)


async def _send(fleet: Fleet, client: socketio.AsyncClient, number: int, room: str, rate: float,
                until: float) -> None:
    await asyncio.sleep(random.random() / rate)  # spread the senders over the first interval
    sequence = 0
    while time.perf_counter() < until:
        marker = f"bench {number}-{sequence}"
        started = time.perf_counter()
        fleet.sent[marker] = started
        ack = await client.call("message", {"room": room, "body": marker}, timeout=30)
        fleet.acks.append((time.perf_counter() - started) * 1000)
        if not ack.get("ok"):
            fleet.failed += 1
            del fleet.sent[marker]
        sequence += 1
        await asyncio.sleep(max(0.0, started + 1 / rate - time.perf_counter()))


async def _drain(fleet: Fleet, n: int) -> None:
    deadline = time.perf_counter() + DRAIN_SECONDS
    while time.perf_counter() < deadline:
        if all(len(fleet.arrivals.get(marker, [])) >= n for marker in fleet.sent):
            return
        await asyncio.sleep(0.05)


def _summary(fleet: Fleet, n: int, duration: float) -> dict[str, Any]:
    latencies = [(t - fleet.sent[marker]) * 1000 for marker, times in fleet.arrivals.items()
                 if marker in fleet.sent for t in times]
    expected = len(fleet.sent) * n
    return {
        "messages": len(fleet.sent), "failed_acks": fleet.failed,
        "messages_per_s": round(len(fleet.sent) / duration, 1),
        "deliveries": len(latencies), "deliveries_per_s": round(len(latencies) / duration, 1),
        "lost": expected - len(latencies), "duplicates": fleet.duplicates,
        "out_of_order": fleet.out_of_order,
        "p50_ms": round(percentile(latencies, 50), 1), "p99_ms": round(percentile(latencies, 99), 1),
        "ack_p50_ms": round(percentile(fleet.acks, 50), 1),
    }


async def _run(base: str, channel: str, room: str, tokens: list[str], args: argparse.Namespace
               ) -> dict[str, Any]:
    fleet = Fleet()
    await fleet.connect(base, channel, tokens, args.clients)
    await asyncio.sleep(1.5)  # let the presence broadcasts of the joins settle
    try:
        started = time.perf_counter()
        until = started + args.duration
        await asyncio.gather(*(_send(fleet, fleet.clients[i], i, room, args.rate, until)
                               for i in range(args.senders)))
        duration = time.perf_counter() - started
        await _drain(fleet, args.clients)
    finally:
        await fleet.close()
    return _summary(fleet, args.clients, duration)


def _accounts(base: str) -> list[str]:
    return register_accounts(base, "roombench", USERS)


def run(args: argparse.Namespace) -> dict[str, Any]:
    with community_server() as (base, _process), python_server(FLOOR) as (floor, _floor_process):
        tokens = _accounts(base)
        room = requests.post(f"{base}/api/v1/rooms", headers={"Authorization": f"Bearer {tokens[0]}"},
                             json={"title": "Benchmark room", "topic": "Measuring delivery"},
                             timeout=10).json()
        product = asyncio.run(_run(base, f"room:{room['slug']}", room["slug"], tokens, args))
        bare = asyncio.run(_run(floor, "room:bench", "bench", [], args))
    return {"community": product, "floor": bare,
            "p50_ratio": round(product["p50_ms"] / bare["p50_ms"], 2),
            "p99_ratio": round(product["p99_ms"] / bare["p99_ms"], 2)}


HEADERS = ["server", "messages/s", "deliveries/s", "p50 ms", "p99 ms", "ack p50 ms", "lost",
           "duplicates", "out of order"]


def _rows(result: dict[str, Any]) -> list[list[Any]]:
    return [[name, r["messages_per_s"], r["deliveries_per_s"], r["p50_ms"], r["p99_ms"],
             r["ack_p50_ms"], r["lost"], r["duplicates"], r["out_of_order"]]
            for name, r in (("community", result["community"]), ("floor", result["floor"]))]


def write_results_section(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Replace (or add) the "## Rooms" section of bench/RESULTS.md, keeping the others."""
    info = machine()
    table = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    table += ["| " + " | ".join(str(c) for c in row) + " |" for row in _rows(result)]
    section = "\n".join([
        "## Rooms", "",
        f"`python -m bench.rooms`: {args.clients} Socket.IO clients (websocket) in one live help "
        f"room, {args.senders} of them sending {args.rate:g} message/s each for {args.duration:g} s "
        "through the `message` event (stored with its event, then broadcast). Latency is from "
        "send to arrival at each client, the sender included; `lost` counts deliveries that never "
        "came (it must be 0). The floor is a bare Flask-SocketIO server that only broadcasts, "
        f"run side by side with the same clients. {info['date']}, {info['cpu']}, "
        f"{info['cores']} cores, Python {info['python']}, threading mode, SQLite; the clients run "
        "on the same machine.", "",
        *table, "",
        f"p50 ratio {result['p50_ratio']}, p99 ratio {result['p99_ratio']} (community / floor).", ""])
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Rooms\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else \
        text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=1.0, help="messages per second per sender")
    parser.add_argument("--no-markdown", action="store_true", help="don't update bench/RESULTS.md")
    args = parser.parse_args()
    if args.senders > min(args.clients, USERS):
        parser.error(f"--senders must be at most {min(args.clients, USERS)}")
    result = run(args)
    path = write_result("rooms", {"clients": args.clients, "senders": args.senders,
                                  "duration_s": args.duration, "rate_per_sender": args.rate,
                                  **result})
    print_table(HEADERS, _rows(result))
    print(f"\np50 ratio {result['p50_ratio']}, p99 ratio {result['p99_ratio']}; written to {path}")
    if not args.no_markdown:
        write_results_section(result, args)
    lost = result["community"]["lost"] + result["floor"]["lost"]
    if lost:
        raise SystemExit(f"{lost} deliveries were lost")


if __name__ == "__main__":
    main()
