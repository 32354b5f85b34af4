"""The "moderation" blueprint object (/moderation), shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
