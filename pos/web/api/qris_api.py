"""Dynamic QRIS at the till (issue 17): ask for a charge of the amount due, poll it, cancel it."""

from __future__ import annotations

from typing import Annotated

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from common.limits import MAX_AMOUNT
from pos.services import till_qris

from .common import actor, ctx
from .idempotent import idempotent
from .schemas import Body, SalePath

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("qris_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="QRIS")], abp_security=BEARER)


class ChargeIn(Body):
    amount: Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT, description="the sale's amount still due")]


class ChargePath(BaseModel):
    charge_id: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")


@api.post("/sales/<sale_id>/qris", summary="A dynamic QRIS of the amount due, from the central store's gateway")
@idempotent
def start(path: SalePath, body: ChargeIn):
    return till_qris.start(ctx(), actor(), path.sale_id, body.amount), 201


@api.get("/qris/<charge_id>", summary="Has the shopper paid? Paid: the sale has its QRIS tender")
def poll(path: ChargePath):
    return till_qris.poll(ctx(), actor(), path.charge_id)


@api.post("/qris/<charge_id>/cancel", summary="Withdraw the QR (a payment made a moment before is taken)")
def cancel(path: ChargePath):
    return till_qris.cancel(ctx(), actor(), path.charge_id)
