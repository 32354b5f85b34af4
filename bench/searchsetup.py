"""Shared set-up of the search benchmarks: a scratch app and database, and RESULTS.md sections."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import Flask

from community import create_app
from community.config import TestConfig

from .common import ROOT, machine

RESULTS_MD = ROOT / "bench" / "RESULTS.md"


def scratch_app(workdir: Path | None = None, **overrides: object) -> Flask:
    """An app on a fresh, migrated SQLite database with its own index directory."""
    from flask_migrate import upgrade

    workdir = workdir or Path(tempfile.mkdtemp(prefix="community-search-bench-"))

    class BenchConfig(TestConfig):
        DATABASE_URL = f"sqlite:///{workdir / 'bench.db'}"
        SEARCH_DIR = str(workdir / "search_index")
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    for key, value in overrides.items():
        setattr(BenchConfig, key, value)
    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
    return app


def machine_line() -> str:
    info = machine()
    return (f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
            f"run {info['date']}.")


def write_section(title: str, body: str) -> Path:
    """Replace (or add) the ``## title`` section of bench/RESULTS.md, keeping the others."""
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS_MD.write_text(text)
    return RESULTS_MD
