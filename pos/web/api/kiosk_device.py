"""Paired kiosks: the pairing call a kiosk makes with a manager's code, and the `paired` guard on every kiosk
endpoint that prints, holds stock, sends carts or touches points (X-Kiosk-Device header; 401/403 otherwise)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from pos.services import kiosk_devices

from .common import ctx
from .headers import document_header, drop_header
from .schemas import Body

api = APIBlueprint("kiosk_device_api", __name__, url_prefix="/api/v1/kiosk", abp_tags=[Tag(name="kiosk")])


class DeviceHeader(BaseModel):
    model_config = ConfigDict(populate_by_name=False)
    device: str | None = Field(
        None,
        alias=kiosk_devices.HEADER,
        description="the device token this kiosk got when a manager's pairing code paired it; without it: 401",
    )


class PairIn(Body):
    code: str = Field(min_length=1, max_length=20, description="the pairing code on the manager page (Kiosks)")
    name: str = Field("kiosk", min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_\-]+$")


def device_token() -> str | None:
    return request.headers.get(kiosk_devices.HEADER) or None


def paired(*actions: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only a paired, unrevoked kiosk passes; `actions` ("print", "cart") count against its per-minute limits."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.kiosk = kiosk_devices.admit(ctx(), device_token(), actions)
            return view(*args, **drop_header(kwargs))

        return document_header(wrapper, DeviceHeader)

    return wrap


def device_name() -> str:
    """The paired kiosk's own name (what its tickets say), not whatever the request body claims."""
    return str(g.kiosk["name"])


@api.post("/pair", summary="Pair this kiosk with a manager's one-time code: answers its device token, once")
def pair(body: PairIn):
    return kiosk_devices.pair(ctx(), body.code, body.name, request.remote_addr or ""), 201


@api.get("/device", summary="Which paired kiosk this device token names (401 unpaired, 403 revoked)")
@paired()
def device():
    return g.kiosk
