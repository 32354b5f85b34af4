"""The "resources" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("resources", __name__)
