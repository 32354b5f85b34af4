"""What /api/v1/openapi.json says about responses, beyond what flask-smorest derives from the views.

flask-smorest documents a view's input and, as ``default``, an error response; our views return
plain dicts, so without this the document would claim that every success is an error. Here each
operation gets its success (``204`` without a body for DELETE, ``2XX`` JSON otherwise: the shapes
are in shared/API.md) and the error envelope for ``4XX`` and ``5XX``.
"""

from __future__ import annotations

from apispec import BasePlugin

ERROR = "DEFAULT_ERROR"  # the component response flask-smorest registers with Api.ERROR_SCHEMA
SUCCESS = {"description": "Success: the object or list described in shared/API.md",
           "content": {"application/json": {"schema": {"type": "object"}}}}
NO_CONTENT = {"description": "Done; no body"}


class ResponsesPlugin(BasePlugin):
    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **kwargs: object) -> None:
        for method, operation in (operations or {}).items():
            if method == "parameters":
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            if not any(str(code).startswith("2") for code in responses):
                responses.update({"204": NO_CONTENT} if method == "delete" else {"2XX": SUCCESS})
            responses.setdefault("4XX", ERROR)
            responses.setdefault("5XX", ERROR)
