"""Session, products, shifts and reports."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from pos.services import auth, cash_moves, catalog, shifts, stock_elsewhere

from .common import actor, approval_dict, bearer_token, ctx
from .idempotent import idempotent
from .schemas import CashMoveIn, CloseShiftIn, ProductQuery, SessionIn, ShiftIn, SkuPath

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("till_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="till")])


@api.get("/health", summary="Is the store server up")
def health():
    c = ctx()
    return {"status": "ok", "store_id": c.store_id}


@api.post("/session", summary="Sign in with staff code and PIN")
def sign_in(body: SessionIn):
    token, who = auth.sign_in(ctx(), body.staff_code, body.pin, body.till_id)
    return {"token": token, "staff": who.as_json()}, 201


@api.delete("/session", summary="Sign out", security=BEARER)
def sign_out():
    actor()
    auth.sign_out(ctx(), bearer_token() or "")
    return {"signed_out": True}


@api.get("/session", summary="Who is signed in", security=BEARER)
def whoami():
    return {"staff": actor().as_json()}


@api.get("/products", summary="Find products by barcode, SKU or name", security=BEARER)
def products(query: ProductQuery):
    actor()
    return {"items": catalog.lookup(ctx(), barcode=query.barcode, sku=query.sku, q=query.q, limit=query.limit)}


@api.get("/stock/<sku>", summary="Stock on hand and movements of one product", security=BEARER)
def stock(path: SkuPath):
    actor()
    return catalog.stock_card(ctx(), path.sku)


@api.get(
    "/stock/<sku>/elsewhere",
    summary="Who else has this product (asked of the central store now); offline: this store only",
    security=BEARER,
)
def stock_elsewhere_(path: SkuPath):
    actor()
    return stock_elsewhere.elsewhere(ctx(), path.sku)


@api.post("/shifts", summary="Open a shift on this till with a cash float", security=BEARER)
def open_shift(body: ShiftIn):
    return shifts.open_shift(ctx(), actor(), body.opening_float), 201


@api.get("/shifts/current", summary="The open shift of this till", security=BEARER)
def current_shift():
    return shifts.x_report(ctx(), actor())


@api.post("/shifts/current/close", summary="Close the shift with counted cash (Z report)", security=BEARER)
def close_shift(body: CloseShiftIn):
    return shifts.close_shift(ctx(), actor(), body.counted_cash)


@api.get("/reports/x", summary="X report: running totals of the open shift", security=BEARER)
def x_report():
    return shifts.x_report(ctx(), actor())


@api.post(
    "/cash-moves",
    summary="Cash out of the drawer (drop to the safe, store expense; manager approves) or into it, between sales",
    security=BEARER,
)
@idempotent
def cash_move(body: CashMoveIn):
    view = cash_moves.record(
        ctx(),
        actor(),
        reason=body.reason,
        amount=body.amount,
        note=body.note,
        approval=approval_dict(body.approval),
        move_id=str(body.id) if body.id else None,
    )
    return view, 200 if view["replayed"] else 201
