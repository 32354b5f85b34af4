"""Domain exceptions raised by actions and queries; the edges translate them to HTTP or acks."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    status = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, existing: dict | None = None,
                 fields: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code)
        self.existing = existing
        self.fields = fields or {}

    def to_dict(self) -> dict:
        body = super().to_dict()
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        self.fields = fields
        if message is None:
            message = " ".join(f"{name.replace('_', ' ').capitalize()} {reason}."
                               for name, reason in fields.items())
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "retry_after": self.retry_after}
