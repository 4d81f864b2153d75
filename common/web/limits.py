"""Request body limits for both servers (issue 15, point 4): one default, larger only where an upload needs it.

Flask refuses a declared Content-Length above the limit before reading it. A chunked body (no Content-Length)
is another matter: werkzeug silently stops reading it at the limit and hands the view a truncated body, so it
is read here first, at most limit + 1 bytes, and refused with 413 when there is more."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask, abort, request


def limit_bodies(app: Flask, default: int, larger: dict[str, int] | None = None) -> None:
    """`larger` maps a path prefix (the central push, say) to its own limit above the default."""
    larger = larger or {}
    # The app-wide figure is the largest, so the one upload that needs it reads it from app.config.
    app.config["MAX_CONTENT_LENGTH"] = max([default, *larger.values()])
    prefixes = tuple(larger)

    @app.before_request
    def _limit_body() -> None:
        if prefixes and not request.path.startswith(prefixes):
            request.max_content_length = default
        declared, limit = request.content_length, request.max_content_length
        environ = request.environ
        # Without Content-Length only a chunked request has a body (RFC 9112 6.3): gunicorn and granian mark every
        # request's input terminated, a GET's too, which has nothing to read.
        if declared is None and "wsgi.input_terminated" in environ and "HTTP_TRANSFER_ENCODING" in environ:
            _buffer_streamed(environ, limit)
        elif declared is not None and limit is not None and declared > limit:
            abort(413)  # also where the view would never read the body


def _buffer_streamed(environ: dict[str, Any], limit: int | None) -> None:
    if limit is None:
        return
    stream, parts, size = environ["wsgi.input"], [], 0
    while size <= limit:
        part = stream.read(min(64 * 1024, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        abort(413)
    environ["wsgi.input"] = io.BytesIO(b"".join(parts))
    environ["CONTENT_LENGTH"] = str(size)
    del environ["wsgi.input_terminated"]
    # No longer chunked: with the header left, werkzeug ignored the length and read the body as empty.
    del environ["HTTP_TRANSFER_ENCODING"]


def too_large_message(limit: int | None) -> str:
    size = f"{limit / 2**20:g} MB" if limit and limit >= 2**20 else f"{limit or 0} bytes"
    return f"the request body is larger than {size}, the most this server accepts"
