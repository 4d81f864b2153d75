"""Online carts at the store: the kiosk sends an opened cart to the till (or lets it go); the till takes a cart's
code or QR straight into its sale. Opening at the kiosk is kiosk_api's /kiosk/online-carts/open."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from pos.services import online_carts

from .common import actor, ctx
from .idempotent import idempotent
from .kiosk_device import device_name, paired
from .schemas import Body

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
kiosk_online_api = APIBlueprint(
    "kiosk_online_api", __name__, url_prefix="/api/v1/kiosk/online-carts", abp_tags=[Tag(name="kiosk")]
)
till_online_api = APIBlueprint(
    "till_online_api", __name__, url_prefix="/api/v1/online-carts", abp_tags=[Tag(name="till")], abp_security=BEARER
)


class OpenPath(BaseModel):
    open_id: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")


class SendIn(Body):
    device_id: str = Field("kiosk", min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_\-]+$")


class TakeIn(Body):
    code: str = Field(min_length=1, max_length=80, description="the cart's code (K7Q-42P) or its QR text")


@kiosk_online_api.post("/<open_id>/send", summary="Send the opened online cart to the till as a kiosk ticket")
@paired("cart", "print")
def send(path: OpenPath, body: SendIn):
    return online_carts.send_to_till(ctx(), path.open_id, device_name()), 201


@kiosk_online_api.post("/<open_id>/release", summary="Let the opened online cart go (open again online at once)")
@paired()
def release(path: OpenPath):
    return online_carts.release(ctx(), path.open_id)


@till_online_api.post("/take", summary="Open an online cart (code or QR) into this till's sale: claimed once")
@idempotent
def take(body: TakeIn):
    return online_carts.take_into_sale(ctx(), actor(), body.code)
