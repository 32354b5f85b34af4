"""`community jobs`: the scheduled jobs outside the server (cron, or a process of their own)."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from .scheduler import run_due_jobs


def _summary(done: dict[str, int]) -> str:
    return ", ".join(f"{name}: {count:,}" for name, count in done.items()) or "nothing to do"


@click.command("jobs")
@with_appcontext
@click.option("--once", is_flag=True, help="Run every job once, then exit (for cron).")
def jobs_command(once: bool) -> None:
    """Run the scheduled jobs: poll closing, live-session reminders and feedback polls.

    Safe beside servers that run them too (COMMUNITY_SCHEDULER=thread): each reminder and each
    closing happens once.
    """
    app = current_app._get_current_object()
    if once:
        click.echo(f"Ran the scheduled jobs ({_summary(run_due_jobs(app))}).")
        return
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    interval = float(app.config["JOBS_INTERVAL_SECONDS"])
    click.echo(f"Scheduled jobs running every {interval:g} s; Ctrl+C stops them.")
    while not stopping.is_set():
        done = {name: count for name, count in run_due_jobs(app).items() if count}
        if done:
            click.echo(_summary(done))
        stopping.wait(interval)
    click.echo("Scheduled jobs stopped.")
