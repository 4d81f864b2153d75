"""Sales, lines, discounts, tenders, completion and refunds."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from pos.services import checkout, refunds, sale_views, sales, till_sale

from .common import actor, approval_dict, ctx
from .idempotent import idempotent
from .schemas import DiscountIn, LineIn, LinePath, QtyIn, RefundIn, SalePath, TenderIn, TenderPath, VoidIn

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("sales_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="sales")], abp_security=BEARER)


@api.post("/sales", summary="Start a sale (or get this till's open one)")
@idempotent
def create_sale():
    view, created = till_sale.create_sale(ctx(), actor())
    return view, 201 if created else 200


@api.get("/sales/parked", summary="Parked sales of this store")
def parked():
    actor()
    return {"items": sales.parked_sales(ctx())}


@api.get("/sales/<sale_id>", summary="A sale by id or receipt number")
def get_sale(path: SalePath):
    actor()
    return sale_views.get_sale(ctx(), path.sale_id)


@api.post("/sales/lines", summary="Add an item to this till's open sale, starting one if there is none")
def add_first_line(body: LineIn):
    """A customer's first item: the sale starts with it, in one request (and one transaction at the store)."""
    return till_sale.add_line(
        ctx(), actor(), None, barcode=body.barcode, sku=body.sku, qty=body.qty, weight=body.weight
    ), 201


@api.post("/sales/<sale_id>/lines", summary="Add an item by barcode or SKU")
def add_line(path: SalePath, body: LineIn):
    return (
        till_sale.add_line(
            ctx(), actor(), path.sale_id, barcode=body.barcode, sku=body.sku, qty=body.qty, weight=body.weight
        ),
        201,
    )


@api.patch("/sales/<sale_id>/lines/<line_id>", summary="Change a line's quantity")
def set_qty(path: LinePath, body: QtyIn):
    return sales.set_quantity(ctx(), actor(), path.sale_id, path.line_id, body.qty)


@api.delete("/sales/<sale_id>/lines/<line_id>", summary="Remove a line")
def remove_line(path: LinePath):
    return sales.remove_line(ctx(), actor(), path.sale_id, path.line_id)


@api.post("/sales/<sale_id>/discounts", summary="Line or whole-sale discount; over the limit needs approval")
def discount(path: SalePath, body: DiscountIn):
    return sales.apply_discount(
        ctx(), actor(), path.sale_id, body.kind, body.value, body.line_id, approval_dict(body.approval)
    )


@api.post("/sales/<sale_id>/park", summary="Park the sale")
def park(path: SalePath):
    return sales.park(ctx(), actor(), path.sale_id)


@api.post("/sales/<sale_id>/resume", summary="Resume a parked sale on this till")
def resume(path: SalePath):
    return sales.resume(ctx(), actor(), path.sale_id)


@api.post("/sales/<sale_id>/void", summary="Void the sale (manager approval)")
def void(path: SalePath, body: VoidIn):
    return sales.void(ctx(), actor(), path.sale_id, approval_dict(body.approval), body.reason)


@api.post("/sales/<sale_id>/tenders", summary="Take a payment")
@idempotent
def add_tender(path: SalePath, body: TenderIn):
    return till_sale.add_tender(ctx(), actor(), path.sale_id, body.type, body.amount, body.reference), 201


@api.post("/sales/<sale_id>/pay", summary="Take a payment; one that leaves nothing to pay completes the sale")
@idempotent
def pay(path: SalePath, body: TenderIn):
    """The till's payment key: the payment and the completion in one transaction; a sale that must ask central
    first (an online cart, a points hold) stays open with nothing left to pay, for POST /complete."""
    return checkout.pay(ctx(), actor(), path.sale_id, body.type, body.amount, body.reference), 201


@api.delete("/sales/<sale_id>/tenders/<tender_id>", summary="Remove a payment not yet completed")
def remove_tender(path: TenderPath):
    return sales.remove_tender(ctx(), actor(), path.sale_id, path.tender_id)


@api.post("/sales/<sale_id>/complete", summary="Finish the sale: number, stock, outbox in one transaction")
@idempotent
def complete(path: SalePath):
    return checkout.complete(ctx(), actor(), path.sale_id)


@api.post("/refunds", summary="Refund lines of a completed sale (manager approval)")
@idempotent
def refund(body: RefundIn):
    view = refunds.refund(
        ctx(),
        actor(),
        body.sale_number,
        [(l.line_id, l.qty) for l in body.lines],
        approval_dict(body.approval),
        body.tender_type,
        body.reason,
    )
    return view, 201
