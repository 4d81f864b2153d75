"""Online orders at the till: the orders ready for the shopper to collect, and the hand-over by the shopper's order
QR or code (offline too: the store checks the code against the copy the feed brought)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from pos.services import online_order_views, online_orders

from .common import actor, ctx
from .idempotent import idempotent
from .schemas import Body

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
till_orders_api = APIBlueprint(
    "till_orders_api", __name__, url_prefix="/api/v1/online-orders", abp_tags=[Tag(name="till")], abp_security=BEARER
)


class HandOverIn(Body):
    code: str = Field(min_length=1, max_length=80, description="the order's code (K7Q-42P) or its QR text (OO1.K7Q42P)")


@till_orders_api.get("", summary="The online orders this store fulfils that are not finished yet")
def open_orders():
    actor()
    return {"items": online_order_views.orders(ctx())}


@till_orders_api.post("/handover", summary="Hand a packed pickup order to the shopper against its code: once")
@idempotent
def hand_over(body: HandOverIn):
    return online_orders.hand_over(ctx(), actor(), body.code)
