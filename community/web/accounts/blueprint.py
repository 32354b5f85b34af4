"""The "accounts" blueprint object, shared by the modules that attach routes to it."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
