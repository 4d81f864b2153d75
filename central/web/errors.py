"""Errors leave the central store as {"error": {"code", "message"}} with a 4xx; nothing leaks a 500 page."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from pos.domain.errors import DomainError
from pos.web.errors import error_body

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):  # type: ignore[no-untyped-def]
        return jsonify(error_body(err.code, err.message, **err.detail)), err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):  # type: ignore[no-untyped-def]
        if err.response is not None:
            return err.response
        if not request.path.startswith("/api/"):
            return err
        if err.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            return jsonify(error_body("batch_too_large", f"the request body is larger than {limit // 2**20} MB: "
                                                         "send fewer events per batch")), 413
        code = (err.name or "error").lower().replace(" ", "_")
        return jsonify(error_body(code, err.description or err.name)), err.code

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):  # type: ignore[no-untyped-def]
        log.exception("unexpected error on %s %s", request.method, request.path)
        return jsonify(error_body("internal_error", "something went wrong at the central store; send again")), 500
