"""The "admin" blueprint object (pages under /admin), shared by the modules that attach routes."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
