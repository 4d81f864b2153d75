"""The till's Transaksi screen: find receipts, read one with what can be refunded, price a refund before the
manager approves it, and a manager unlocking a cashier at the till."""

from __future__ import annotations

from typing import Literal

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from pos.services import manager_access, refunds, transactions

from .common import actor, approval_dict, ctx
from .schemas import Approval, Body, DirectTender, RefundLineIn

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("transactions_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="transactions")])


class FindQuery(BaseModel):
    mode: Literal["number", "date", "amount", "member"] = "number"
    q: str = Field(
        "", max_length=200, description="a receipt number or the scanned receipt QR, a date, an amount, a member"
    )


class NumberPath(BaseModel):
    number: str = Field(max_length=200)


class QuoteIn(Body):
    sale_number: str = Field(min_length=1, max_length=48)
    lines: list[RefundLineIn] = Field(min_length=1, max_length=200)
    tender_type: DirectTender | None = None


class UnlockIn(Body):
    staff_code: str = Field(min_length=1, max_length=16)
    approval: Approval | None = None
    till_id: str | None = Field(None, max_length=16)


@api.get("/transactions", summary="Receipts newest first: this shift's, or the store's that match", security=BEARER)
def find(query: FindQuery):
    return transactions.find(ctx(), actor(), query.mode, query.q)


@api.get("/transactions/<number>", summary="One receipt with what can still be refunded", security=BEARER)
def detail(path: NumberPath):
    return transactions.detail(ctx(), actor(), path.number)


@api.post("/refunds/quote", summary="What a refund would give back and where (nothing is written)", security=BEARER)
def quote(body: QuoteIn):
    return refunds.quote(ctx(), actor(), body.sale_number, [(l.line_id, l.qty) for l in body.lines], body.tender_type)


@api.post("/locks/unlock", summary="A manager unlocks a staff code locked after wrong PINs (code and PIN; audited)")
def unlock(body: UnlockIn):
    c = ctx()
    till = body.till_id or c.config.store.default_till
    manager_access.unlock_at_till(c, body.staff_code, approval_dict(body.approval), till)
    return {"unlocked": body.staff_code}
