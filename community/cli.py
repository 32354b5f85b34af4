"""The `community` command group (a Flask CLI group bound to create_app)."""

from __future__ import annotations

import os
import sys

import click
from flask import Blueprint, Flask, current_app
from flask.cli import FlaskGroup

from . import freeze_startup_objects
from .actions import users as user_actions
from .cli_jobs import jobs_command
from .cli_previews import previews_group
from .cli_search import import_group, indexer_command, reindex_command
from .errors import DomainError
from .models import Role

bp = Blueprint("cli", __name__, cli_group=None)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Community server: serve, migrate, seed and administer."""


main.add_command(reindex_command)
main.add_command(indexer_command)
main.add_command(import_group)
main.add_command(previews_group)
main.add_command(jobs_command)


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
def run_command(host: str, port: int, debug: bool) -> None:
    """Serve HTTP and Socket.IO in the configured async mode."""
    from .realtime.transport import socketio_of

    app = current_app._get_current_object()
    socketio = socketio_of(app)
    # Flask's CLI sets this to stop app.run() inside commands; serving is this command's job.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    from .previews.worker import start_fetcher
    from .scheduler import start_scheduler
    from .search import start_indexer

    start_indexer(app)  # COMMUNITY_INDEXER=thread: the single index writer runs in this process
    start_fetcher(app)  # COMMUNITY_FETCH_PREVIEWS=1: link previews are fetched in the background
    start_scheduler(app)  # COMMUNITY_SCHEDULER=thread: reminders and closing times in this process
    click.echo(f" * Community on http://{host}:{port}/ (async mode: {socketio.async_mode})")
    freeze_startup_objects()
    socketio.run(app, host=host, port=port, debug=debug, use_reloader=False,
                 allow_unsafe_werkzeug=True, log_output=debug)


@main.command("create-user")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default="member",
              show_default=True)
@click.option("--display-name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username: str, email: str, role: str, display_name: str,
                        password_stdin: bool) -> None:
    """Create an account (prompts for the password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    reg = user_actions.Registration(username=username, email=email, password=password,
                                    display_name=display_name)
    try:
        user = user_actions.do_create_user(reg, Role(role))
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@main.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role_command(username: str, role: str) -> None:
    """Make an account a member, moderator or admin (audited; the last admin stays one)."""
    try:
        user = user_actions.set_role(username, Role(role))
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc
    click.echo(f"{user.username} is now {user.role}.")


@main.command("seed-demo")
def seed_demo_command() -> None:
    """Load a small demo community (idempotent) and print the demo logins."""
    from .demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

    created = seed_demo(progress=lambda msg: click.echo(f"  {msg}"))
    click.echo("Demo data is loaded." if created else "Demo data was already loaded.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for person in DEMO_USERS:
        click.echo(f"  {person['username']:<10} {person['role']:<10} {person['display_name']}")


@main.group("badges")
def badges_group() -> None:
    """Badges: backfill awards after the rules change."""


@badges_group.command("recompute")
def badges_recompute_command() -> None:
    """Re-evaluate every badge rule for every user (idempotent): award what is missing and take
    back revocable badges that no longer qualify."""
    from sqlalchemy import select

    from .actions.badges import recompute_badges
    from .extensions import db
    from .models import User

    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    awarded = revoked = 0
    with click.progressbar(user_ids, label="Recomputing badges", show_pos=True) as bar:
        for user_id in bar:
            outcome = recompute_badges(user_id)
            awarded, revoked = awarded + len(outcome.awarded), revoked + len(outcome.revoked)
    click.echo(f"Checked {len(user_ids):,} users: awarded {awarded:,} badges, revoked {revoked:,}.")


def _describe(exc: DomainError) -> str:
    fields = getattr(exc, "fields", None)
    if fields:
        return "; ".join(f"{name}: {reason}" for name, reason in fields.items())
    return exc.message


