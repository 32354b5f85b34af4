"""The blueprint class every /api/v1 module uses."""

from __future__ import annotations

from typing import Any

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser


class JsonBodyParser(FlaskParser):
    """Read a request body as JSON whatever its Content-Type header says.

    ``curl -d '{...}'`` sends form-encoded headers; such a body is still a JSON object (checked
    before parsing, see web/api/__init__.py), so treat it as one instead of reporting every field
    missing.
    """

    def _raw_load_json(self, req: flask.Request) -> Any:
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        return core.parse_json(data)


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()
