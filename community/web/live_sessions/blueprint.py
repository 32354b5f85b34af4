"""The "live_sessions" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("live_sessions", __name__)
