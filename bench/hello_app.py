"""The floor of the page benchmark: a bare Flask "hello" app, served exactly like the product.

    gunicorn -k gevent -w 1 -b 127.0.0.1:PORT bench.hello_app:app
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
