"""Where the index lives: generations under SEARCH_DIR and the pointer that names the live one.

    SEARCH_DIR/
      CURRENT             "gen-20261129T120000-3fa9c1": the generation readers and the writer use
      gen-.../            a complete Whoosh index
      .build.lock         held while a generation is built or swapped in

A rebuild writes a new generation beside the live one and then replaces CURRENT with a rename, so
readers see the old index or the new one, never a half-built one.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index
from whoosh.index import FileIndex

from .schema import SCHEMA

POINTER = "CURRENT"
_GENERATION = re.compile(r"^gen-\d{8}T\d{6}-[0-9a-f]{6}$")


def current_generation(root: Path) -> str | None:
    """The live generation's name, or None before the first build."""
    try:
        name = (root / POINTER).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    if not _GENERATION.match(name) or not (root / name).is_dir():
        return None
    return name


def open_generation(root: Path, name: str) -> FileIndex:
    return index.open_dir(str(root / name), schema=SCHEMA)


def has_current_schema(root: Path, name: str) -> bool:
    """Whether the generation was built with today's fields. One built before a field (a kind of
    document) was added lacks those documents and must be rebuilt."""
    stored = index.open_dir(str(root / name)).schema  # as written in the generation's table
    return sorted(stored.names()) == sorted(SCHEMA.names())


def create_generation(root: Path) -> tuple[str, FileIndex]:
    """A new, empty generation (not live until swapped in)."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    path = root / name
    path.mkdir()
    return name, index.create_in(str(path), SCHEMA)


def swap_in(root: Path, name: str) -> None:
    """Make ``name`` the live generation, atomically (write a temporary file, then rename it)."""
    temporary = root / f".{POINTER}.{secrets.token_hex(4)}"
    with temporary.open("w", encoding="ascii") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / POINTER)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def generations(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _GENERATION.match(p.name))


def remove_generations(root: Path, keep: set[str]) -> list[str]:
    """Delete every generation not in ``keep``; returns the names removed."""
    removed = [name for name in generations(root) if name not in keep]
    for name in removed:
        shutil.rmtree(root / name, ignore_errors=True)
    return removed


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Held while a generation is built or swapped in (one builder at a time, across processes)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
