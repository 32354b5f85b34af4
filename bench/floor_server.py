"""The floor: a bare Flask + Flask-SocketIO server in the same async mode as the product.

Usage: python bench/floor_server.py PORT [ASYNC_MODE], or under gevent the production way:
BENCH_ASYNC_MODE=gevent gunicorn -k gevent -w 1 bench.floor_server:app. GET / says hello; POST /emit
{channel, data} emits one `answer_created` envelope to that room; clients `join` rooms; the
`message` event {room, body} broadcasts a `room_message` to `room:<room>` (bench/rooms.py).
"""

from __future__ import annotations

import os
import sys

ASYNC_MODE = os.environ.get("BENCH_ASYNC_MODE") or (sys.argv[2] if len(sys.argv) > 2 else "threading")
if ASYNC_MODE == "gevent":  # as wsgi.py does for the product
    from gevent import monkey

    monkey.patch_all()

import time  # noqa: E402  (after monkey-patching)

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode=ASYNC_MODE)
sequence = 0


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.post("/emit")
def emit() -> tuple[dict, int]:
    global sequence
    sequence += 1
    body = request.get_json()
    envelope = {"id": sequence, "channel": body["channel"], "type": "answer_created",
                "data": body["data"], "created_at": time.time()}
    socketio.emit("answer_created", envelope, to=body["channel"])
    return {"ok": True}, 201


@socketio.on("message")
def on_message(data: dict) -> dict:
    """A chat message, as the product's `message` event: broadcast to the room, then ack."""
    global sequence
    sequence += 1
    message = {"id": sequence, "room": data["room"], "body": data["body"]}
    envelope = {"id": sequence, "channel": f"room:{data['room']}", "type": "room_message",
                "data": message, "created_at": time.time()}
    socketio.emit("room_message", envelope, to=envelope["channel"])
    return {"ok": True, "message": message}


@socketio.on("join")
def on_join(data: dict) -> dict:
    join_room(data["channel"])
    return {"ok": True, "channel": data["channel"], "presence": [], "missed": [], "resync": False}


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(sys.argv[1]), allow_unsafe_werkzeug=True)
