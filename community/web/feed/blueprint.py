"""The "feed" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("feed", __name__)
