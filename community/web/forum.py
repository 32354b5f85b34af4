"""HTML pages (being built)."""

from flask import Blueprint, Flask

bp = Blueprint("forum", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
