"""Dynamic QRIS for the stores' tills (issue 17): a store, by its own token, asks for a QRIS charge of its sale's
amount due (its id made by the store: a retry is the same charge), polls it, cancels it, refunds it. The gateway's
keys never leave central; a store sees and changes only its own charges."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from central.services import till_qris, till_qris_refunds
from common.limits import MAX_AMOUNT

from .sync_api import ctx, store_of_token

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint(
    "till_qris_api", __name__, url_prefix="/api/v1/till-qris", abp_tags=[Tag(name="till QRIS")], abp_security=BEARER
)
Uuid = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChargeIn(_Body):
    charge_id: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$", description="made by the store")
    sale_id: str = Uuid
    till_id: str = Field(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z_\-]+$")
    amount: int = Field(strict=True, ge=1, le=MAX_AMOUNT, description="the sale's amount due, in Rupiah")


class ChargePath(BaseModel):
    charge_id: str = Uuid


class RefundIn(_Body):
    refund_id: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$", description="made by the store")
    amount: int = Field(strict=True, ge=1, le=MAX_AMOUNT)
    reason: str = Field("", max_length=200)


@api.post("/charges", summary="A QRIS charge of a sale's amount due (idempotent by charge_id)")
def create(body: ChargeIn):
    return till_qris.create(ctx(), store_of_token(), body.charge_id, body.sale_id, body.till_id, body.amount), 201


@api.get("/charges/<charge_id>", summary="A charge as central knows it (paid only once the gateway confirmed it)")
def get(path: ChargePath):
    return till_qris.get(ctx(), store_of_token(), path.charge_id)


@api.post("/charges/<charge_id>/cancel", summary="Withdraw an unpaid charge; a paid one stays paid")
def cancel(path: ChargePath):
    return till_qris.cancel(ctx(), store_of_token(), path.charge_id)


@api.post("/charges/<charge_id>/refunds", summary="Refund part of a paid charge through the gateway (idempotent)")
def refund(path: ChargePath, body: RefundIn):
    store = store_of_token()
    return till_qris_refunds.refund(ctx(), store, path.charge_id, body.refund_id, body.amount, body.reason), 201
