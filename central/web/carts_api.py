"""The online-cart API stores call with their own bearer token: claim, release, check out. A store acts only for
itself: its id comes from the token, never from the request."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from central.services import cart_checkout, cart_claims
from common.contract.online_events import CartCheckedOut
from common.limits import MAX_AMOUNT

from .sync_api import ctx, store_of_token

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint(
    "carts_api", __name__, url_prefix="/api/v1/carts", abp_tags=[Tag(name="online carts")], abp_security=BEARER
)

Device = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_\-]+$", description="the kiosk or till")
Token = Field(strict=True, ge=0, le=2**53, description="the fencing token the claim returned")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimIn(_Body):
    code: str = Field(min_length=1, max_length=80, description="the short code (K7Q-42P) or the cart QR's text")
    device_id: str = Device
    fence: int | None = Field(
        None, strict=True, ge=0, le=2**53, description="renew this claim; refused if another claim took over since"
    )


class CartPath(BaseModel):
    cart_id: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")


class ReleaseIn(_Body):
    device_id: str = Device
    fence: int = Token


class CheckoutIn(_Body):
    device_id: str = Device
    fence: int = Token
    checkout_id: str = Field(min_length=1, max_length=64, description="the store's sale id: a retry is the same order")
    sale_id: str = Field(min_length=1, max_length=36)
    number: str = Field(min_length=1, max_length=48, description="the receipt number")
    till_id: str = Field("", max_length=32)
    total: int = Field(strict=True, ge=0, le=MAX_AMOUNT)
    completed_at: str | None = Field(None, max_length=40, description="the store's clock; display only")


@api.post("/claim", summary="Open a cart at this store: a lease with an expiry and a fencing token (once at a time)")
def claim(body: ClaimIn):
    return cart_claims.claim(ctx(), store_of_token(), body.device_id, body.code, body.fence)


@api.post("/<cart_id>/release", summary="Give this store's claim back: the cart is open again online")
def release(path: CartPath, body: ReleaseIn):
    return cart_claims.release(ctx(), store_of_token(), path.cart_id, body.fence)


@api.post("/<cart_id>/checkout", summary="Check the cart out with this store's sale (idempotent by checkout_id)")
def checkout(path: CartPath, body: CheckoutIn):
    store_id = store_of_token()
    info = CartCheckedOut(
        cart_id=path.cart_id,
        checkout_id=body.checkout_id,
        sale_id=body.sale_id,
        number=body.number,
        till_id=body.till_id,
        fence=body.fence,
        total=body.total,
        completed_at=body.completed_at,
    )
    return cart_checkout.checkout_store(ctx(), store_id, body.device_id, info)
