"""Helpers every API view uses: the store context and the signed-in actor."""

from __future__ import annotations

from flask import current_app, g, request

from pos.services import auth
from pos.services.auth import Actor
from pos.services.context import StoreContext

from .schemas import Approval


def ctx() -> StoreContext:
    return current_app.extensions["omnitoko"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor() -> Actor:
    """The signed-in staff member (401 otherwise), cached for the request."""
    if "actor" not in g:
        g.actor = auth.authenticate(ctx(), bearer_token())
    return g.actor


def approval_dict(approval: Approval | None) -> dict[str, str] | None:
    return approval.model_dump() if approval is not None else None
