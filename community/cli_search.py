"""Commands for search and imports: ``reindex``, ``indexer`` and ``import stackexchange DIR``."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import search
from .actions.stackexchange import import_stackexchange
from .errors import DomainError


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database, then swap it in (search keeps working)."""
    total = search.count_indexable()
    with click.progressbar(length=total, label="Indexing posts, room messages and resources",
                           show_pos=True) as bar:
        stats = search.rebuild(progress=bar.update)
    click.echo(f"Indexed {stats.threads:,} threads, {stats.messages:,} room messages and "
               f"{stats.resources:,} resources ({stats.documents:,} documents); "
               f"{stats.generation} is live.")


@click.command("indexer")
@with_appcontext
@click.option("--once", is_flag=True, help="Apply what is pending, then exit.")
def indexer_command(once: bool) -> None:
    """Run the single search-index writer as its own process (COMMUNITY_INDEXER=external)."""
    app = current_app._get_current_object()
    if app.config["INDEXER"] == "thread":
        raise click.ClickException(
            "COMMUNITY_INDEXER is 'thread': the server indexes in-process. Set "
            "COMMUNITY_INDEXER=external for the server and this process, so only one writes.")
    if once:
        click.echo(f"Applied {search.index_pending(app):,} events.")
        return
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    click.echo("Search indexer running; Ctrl+C stops it.")
    search.run_forever(app, stopping)
    click.echo("Search indexer stopped.")


@click.group("import", cls=AppGroup)
def import_group() -> None:
    """Import content from other systems."""


@import_group.command("stackexchange")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--site", help="A name for this dump (default: the directory's name); re-runs "
                             "with the same name skip what was imported.")
def import_stackexchange_command(directory: str, site: str | None) -> None:
    """Import a Stack Exchange data dump (Posts.xml, Users.xml, Tags.xml, optional Votes.xml and
    PostLinks.xml). Idempotent: running it again imports only what is missing."""
    try:
        report = import_stackexchange(directory, site=site, progress=lambda label, total:
                                      click.progressbar(length=total, label=f"{label:<9}"))
    except DomainError as exc:
        reasons = getattr(exc, "fields", None) or {}
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in reasons.items())
                                   or exc.message) from exc
    click.echo(f"Imported from {report.source}: {report.users:,} users, {report.tags:,} new tags, "
               f"{report.questions:,} questions, {report.answers:,} answers, "
               f"{report.accepted:,} accepted answers.")
    if report.skipped:
        click.echo(f"Skipped {report.skipped:,} rows imported by an earlier run.")
    if report.orphans:
        click.echo(f"Skipped {report.orphans:,} answers whose question is not in the dump.")
    if report.links:
        click.echo(f"Read {report.links:,} post links (linked questions are not shown yet).")
    click.echo("Search picks the new threads up from the event log; `community reindex` "
               "rebuilds the whole index.")
