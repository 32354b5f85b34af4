"""The "contracts" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("contracts", __name__)
