"""The "tracks" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("tracks", __name__)
