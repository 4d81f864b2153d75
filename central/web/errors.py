"""Errors leave the central store as {"error": {"code", "message"}} with a 4xx; nothing leaks a 500 page."""

from __future__ import annotations

import logging

from flask import Flask, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from central.services.retry import Busy, Unavailable, is_transient, sqlstate, timed_out
from common.errors import DomainError
from common.web.errors import register_error_handlers as _register

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    _register(app, internal_message="something went wrong at the central store; send again")
    handlers = app.error_handler_spec[None][None]
    domain, unexpected = handlers[DomainError], handlers[Exception]

    @app.errorhandler(DBAPIError)
    def _database(err: DBAPIError):
        if is_transient(err):  # a lock conflict that escaped every retry: busy (503), not broken
            return domain(Busy("lock conflicts at the database"))
        if what := timed_out(err):  # a session time limit (lock or statement): rolled back; busy, come back
            log.warning("%s on %s %s (SQLSTATE %s)", what, request.method, request.path, sqlstate(err))
            return domain(Busy(what))
        if isinstance(err, (OperationalError, InterfaceError)):  # the database is down or unreachable: come back
            log.warning("database unavailable on %s %s: %s", request.method, request.path, type(err.orig).__name__)
            return domain(Unavailable())
        return unexpected(err)
