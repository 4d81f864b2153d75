"""Every error leaves as {"error": {"code", "message"}} with a 4xx; nothing leaks a 500 page to the till."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, make_response, request, session
from pydantic import ValidationError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from common import i18n
from common.db import driver_message
from common.errors import DomainError

from .input_guard import install_input_guard
from .limits import too_large_message

log = logging.getLogger(__name__)


def error_body(code: str, message: str, **detail: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **detail}}


def caller_locale() -> str | None:
    """The language the caller asked for: ?lang=, the `lang` cookie the screens set, the shop's session language,
    then Accept-Language; None when it said nothing (a script or another server: the services' own English)."""
    chosen = (request.args.get("lang"), request.cookies.get("lang"), session.get("shop_lang"))
    return i18n.request_locale(chosen, request.headers.get("Accept-Language"))


def localized(code: str, message: str, detail: Mapping[str, Any]) -> str:
    """An error's message in the caller's language (the errors catalog), or as the service wrote it."""
    loc = caller_locale()
    return message if loc is None else i18n.error_message(loc, code, message, detail)


def validation_error_response(err: ValidationError) -> Response:
    if request.mimetype == "application/json" and request.get_json(silent=True) is None and request.get_data():
        return make_response(jsonify(error_body("malformed_json", "the request body is not valid JSON")), 400)
    fields = []
    for e in err.errors(include_url=False, include_context=False, include_input=False):
        where = ".".join(str(p) for p in e["loc"]) or "body"
        fields.append({"field": where, "problem": e["msg"]})
    message = "; ".join(f"{f['field']}: {f['problem']}" for f in fields) or "the request is not valid"
    if caller_locale() == "id":  # pydantic's words are English: name the fields in the caller's language
        message = i18n.text("errors", "id", "invalid_request", fields=", ".join(f["field"] for f in fields) or "-")
    return make_response(jsonify(error_body("invalid_request", message, fields=fields)), 400)


def register_error_handlers(
    app: Flask, *, internal_message: str = "something went wrong on the store server; nothing was saved"
) -> None:
    """The JSON error shape for one app (the store server and the central store share it), and its input guard."""
    install_input_guard(app)

    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Any:
        resp = jsonify(error_body(err.code, localized(err.code, err.message, err.detail), **err.detail))
        retry_after = getattr(err, "retry_after", None)  # a 503 that says when to come back
        if retry_after is not None:
            resp.headers["Retry-After"] = str(retry_after)
        return resp, err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        if err.response is not None:  # already a full response (validation errors from flask-openapi3)
            return err.response
        if not request.path.startswith("/api/"):
            return err
        if err.code == 413:
            message = too_large_message(request.max_content_length)
            if request.path.startswith("/api/v1/sync/"):  # the agent halves its batch on this code
                return jsonify(error_body("batch_too_large", f"{message}: send fewer events per batch")), 413
            return jsonify(error_body("body_too_large", message)), 413
        code = (err.name or "error").lower().replace(" ", "_")
        return jsonify(error_body(code, err.description or err.name)), err.code

    @app.errorhandler(RecursionError)
    def _too_deep(err: RecursionError) -> Any:
        # json.loads on a body of thousands of nested brackets; within the size limit, so answered here.
        return jsonify(error_body("malformed_json", "the request body is nested too deeply to be read")), 400

    @app.errorhandler(DataError)
    def _data(err: DataError) -> Any:
        # Last resort: a value the guard and the schemas let through that the database cannot store. The unit of
        # work rolled back, so nothing was saved; the request, not the server, is at fault.
        reason = driver_message(err)
        log.warning("refused a value the database cannot store on %s %s: %s", request.method, request.path, reason)
        return jsonify(error_body("value_does_not_fit", f"a value in the request cannot be stored: {reason}")), 422

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return jsonify(error_body("internal_error", internal_message)), 500
