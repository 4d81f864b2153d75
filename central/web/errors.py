"""Errors leave the central store as {"error": {"code", "message"}} with a 4xx; nothing leaks a 500 page."""
from __future__ import annotations

from flask import Flask

from pos.web.errors import register_error_handlers as _register


def register_error_handlers(app: Flask) -> None:
    _register(app, internal_message="something went wrong at the central store; send again")
