"""Errors the domain raises; the web layer maps each code to an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; `code` is stable, `message` is for people."""

    status = 422
    retry_after: int | None = None  # seconds to wait, sent as Retry-After (a 429 or 503 that says when to come back)

    def __init__(self, code: str, message: str, **detail: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class Locked(DomainError):
    status = 423


class TooManyRequests(DomainError):
    status = 429
