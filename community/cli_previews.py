"""``community previews fetch``: fetch waiting link previews now, with a progress bar."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .actions.resource_previews import requeue_failed_previews
from .previews.worker import fetch_pending_previews
from .queries.resources import pending_preview_count

previews_group = AppGroup("previews", help="Link previews of shared resources.")


@previews_group.command("fetch")
@click.option("--retry-failed", is_flag=True,
              help="Queue the previews that failed before (after changing the allow-list, say).")
def fetch_command(retry_failed: bool) -> None:
    """Fetch every waiting preview in this process (the server does it in the background too)."""
    app = current_app._get_current_object()
    if not app.config["FETCH_PREVIEWS"]:
        raise click.ClickException("Link previews are off: set COMMUNITY_FETCH_PREVIEWS=1 first.")
    if retry_failed:
        click.echo(f"Queued {requeue_failed_previews():,} failed previews again.")
    total = pending_preview_count()
    with click.progressbar(length=total, label="Fetching previews", show_pos=True) as bar:
        done = fetch_pending_previews(app, progress=bar.update)
    click.echo(f"Fetched {done:,} previews.")
