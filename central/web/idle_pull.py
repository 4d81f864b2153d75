"""The idle pull, answered before Flask's full dispatch.

Every store pulls every 5 s and almost every pull finds nothing new: it is most of the central store's requests.
Flask's request context, routing, the common hooks and the response object were two thirds of such a pull's CPU
(cProfile). So a pull that plainly is one (GET, no body, a bearer token, a query of only `cursor` and `limit` in
digits) is tried here first, with the same token check and probe (`pull.idle_with_token`), the same report and
clock (`pull.with_report`), the same metrics series and request id, and the same bytes as the view would answer.
Anything else (no token, a refused one, a bad query, a pull that finds changes, a database error) goes on to the
app unchanged, which answers or refuses it the full way: nothing here answers anything but a 200 idle pull. A
database error past a session time limit is handed to the app's view with the request, which answers it (503)
without waiting on the database again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from pydantic import ValidationError

from central.services import pull as pull_service
from central.services.retry import timed_out
from common.contract.report import HEADER
from common.web.metrics import metrics_of, request_id_of

from .schemas import PullQuery

PULL_PATH = "/api/v1/sync/pull"
_FIELD = re.compile(r"(cursor|limit)=([0-9]{1,16})")
_REPORT = "HTTP_" + HEADER.upper().replace("-", "_")
# The environ key under which the short path leaves a database error past a session time limit (central/db.py
# SessionLimits) for the app's pull view to answer (503) instead of waiting on the database a second time.
TIMED_OUT = "omnitoko.idle_pull_timed_out"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class IdlePulls:
    """WSGI middleware around the central app (outside its proxy fix: an idle pull reads neither address nor
    scheme)."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app, self.inner = app, inner

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PULL_PATH and environ.get("REQUEST_METHOD") == "GET":
            answered = self.answer(environ)
            if answered is not None:
                body, headers = answered
                start_response("200 OK", headers)
                return [body]
        return self.inner(environ, start_response)

    def answer(self, environ: dict[str, Any]) -> tuple[bytes, list[tuple[str, str]]] | None:
        """The idle pull's body and headers, or None: the app answers it."""
        started = time.perf_counter()
        if environ.get("CONTENT_LENGTH") not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in environ:
            return None  # a GET with a body: the app's body checks decide
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        query = _query(environ.get("QUERY_STRING", ""))
        if scheme.lower() != "bearer" or not token.strip() or query is None:
            return None
        ctx = self.app.extensions["omnitoko_central"]
        try:
            found = pull_service.idle_with_token(ctx, token.strip(), query.cursor)
            if found is None:
                return None
            out = pull_service.with_report(ctx, found[0], found[1], query.cursor, environ.get(_REPORT))
        except Exception as e:  # noqa: BLE001 - the app runs it again and answers the error its own way (503, retries)
            if timed_out(e):  # it waited its full time limit already: the app answers that, without a second wait
                environ[TIMED_OUT] = e
            return None
        # As Flask's JSON provider answers outside debug: compact, then a newline.
        body = (self.app.json.dumps(out, separators=(",", ":")) + "\n").encode()
        metrics = metrics_of(self.app)
        if metrics is not None:
            metrics.record(PULL_PATH, "GET", 200, time.perf_counter() - started)
        return body, [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Request-ID", request_id_of(environ.get("HTTP_X_REQUEST_ID", ""))),
        ]


def _query(text: str) -> PullQuery | None:
    """`cursor` and `limit`, each at most once and in digits, within PullQuery's bounds; else None."""
    values: dict[str, str] = {}
    for part in text.split("&") if text else ():
        field = _FIELD.fullmatch(part)
        if field is None or field[1] in values:
            return None
        values[field[1]] = field[2]
    try:
        return PullQuery.model_validate(values)
    except ValidationError:
        return None


def install(app: Flask) -> None:
    app.wsgi_app = IdlePulls(app, app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way to wrap
