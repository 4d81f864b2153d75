"""Receipts of completed sales and refunds, and the signed URL of the digital receipt (the QR code)."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from common.errors import NotFound
from common.measure import line_gross
from common.pricing import taxes_by_group
from pos.adapters.addresses import reachable_host
from pos.adapters.tables import Refund, RefundLine, Sale, SaleLine, Staff
from pos.domain import receipt as receipt_model
from pos.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender

from .context import StoreContext
from .loyalty_facts import receipt_info, restored_points
from .sale_views import lines_of, sale_json, tenders_of
from .store_time import to_local

SIG_BYTES = 16  # 128 bits of HMAC-SHA256: cannot be guessed, short enough for a small QR code


def signature(ctx: StoreContext, number: str, purpose: str = "receipt") -> str:
    """HMAC of purpose, store id and receipt number under server.secret_key, so one shop's key never opens
    another's and the shopper's link never opens the till's page (or the other way round)."""
    msg = f"{purpose}:{ctx.store_id}:{number}".encode()
    mac = hmac.digest(ctx.config.server.secret_key.encode(), msg, "sha256")[:SIG_BYTES]  # one shot, every sale
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def signature_ok(ctx: StoreContext, number: str, sig: str, purpose: str = "receipt") -> bool:
    return hmac.compare_digest(signature(ctx, number, purpose).encode(), sig.encode())


def digital_path(ctx: StoreContext, number: str) -> str:
    return f"/r/{number}/{signature(ctx, number)}"


def till_path(ctx: StoreContext, number: str) -> str:
    """The receipt as printed (with its QR), for the till that just made it: a link only that till's view gets,
    so nobody on the store network reads receipts by counting up their numbers."""
    return f"/receipts/{number}/{signature(ctx, number, 'till')}"


def base_url(ctx: StoreContext) -> str:
    """The store's public URL when configured, else the address and port this server actually serves on (`serve`
    writes what it listens on into the config it runs with; a wildcard host becomes the store-network address)."""
    srv = ctx.config.server
    return srv.public_url.rstrip("/") if srv.public_url else f"http://{reachable_host(srv.host)}:{srv.port}"


def digital_url(ctx: StoreContext, number: str) -> str:
    """Where the QR code points: the store server until the central store hosts receipts."""
    return base_url(ctx) + digital_path(ctx, number)


def local_time(ctx: StoreContext, value: datetime | str | None) -> datetime:
    """Stored times are naive UTC; receipts show the store's local time."""
    if value is None:
        value = ctx.clock()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_local(ctx, value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value)


def _common(ctx: StoreContext) -> dict[str, Any]:
    st, pr = ctx.config.store, ctx.config.printer
    return {
        "store_name": st.name,
        "store_address": st.address,
        "npwp": st.npwp,
        "footer": pr.footer,
        "currency": ctx.currency,
    }


def _qr(ctx: StoreContext, number: str, url: str | None = None) -> str | None:
    """The QR's link when receipts print one; `url`: the receipt's digital_url when the caller has it already."""
    return (url or digital_url(ctx, number)) if ctx.config.printer.qr else None


def sale_receipt(ctx: StoreContext, view: dict[str, Any], cashier: str) -> Receipt:
    """A completed sale's receipt from its view (services.sale_views.sale_json plus number)."""
    return Receipt(
        kind="sale",
        number=view["number"],
        issued_at=local_time(ctx, view.get("completed_at")),
        till_id=view["till_id"],
        cashier=cashier,
        lines=tuple(
            ReceiptLine(l["name"], l["qty"], l["unit_price"], l["gross"], l["discount"], l["net"], l["measure"])
            for l in view["lines"]
        ),
        subtotal=view["subtotal"],
        discount=view["discount"],
        taxes=tuple(ReceiptTax(t["group"], t["rate_bp"], t["base"], t["tax"]) for t in view["taxes"]),
        rounding=view["rounding"],
        total=view["due"],
        tenders=tuple(ReceiptTender(t["type"], t["amount"], t.get("reference")) for t in view["tenders"]),
        change=view["change"],
        qr_url=_qr(ctx, view["number"], view.get("receipt_url")),
        **_common(ctx),
        **_member(view.get("loyalty")),
    )


def _member(loyalty: Mapping[str, Any] | None) -> dict[str, Any]:
    """A member sale's points for the receipt (issue 5); the member's QR is printed on it."""
    if not loyalty:
        return {}
    return {
        "member_number": loyalty.get("number") or None,
        "member_name": loyalty.get("masked_name", ""),
        "points_earned": int(loyalty.get("earned") or loyalty.get("reversed") or 0),
        "points_redeemed": int(loyalty.get("redeemed") or 0),
        "points_balance": loyalty.get("balance"),
        "member_qr": loyalty.get("card") or None,
    }


def refund_receipt(ctx: StoreContext, view: dict[str, Any], cashier: str) -> Receipt:
    """A refund's receipt from its view (services.refunds.refund's result)."""
    lines = tuple(
        ReceiptLine(
            l["name"],
            l["qty"],
            l["unit_price"],
            line_gross(l["unit_price"], l["qty"], l.get("measure", "unit")),
            line_gross(l["unit_price"], l["qty"], l.get("measure", "unit")) - l["amount"],
            l["amount"],
            l.get("measure", "unit"),
        )
        for l in view["lines"]
    )
    return Receipt(
        kind="refund",
        number=view["number"],
        issued_at=local_time(ctx, view.get("created_at")),
        till_id=view["till_id"],
        cashier=cashier,
        lines=lines,
        subtotal=sum(l.gross for l in lines),
        discount=sum(l.discount for l in lines),
        taxes=tuple(ReceiptTax(t["group"], t["rate_bp"], t["base"], t["tax"]) for t in view["taxes"]),
        rounding=int(view.get("rounding") or 0),
        total=view["amount"] + _points_back(view),
        tenders=(ReceiptTender(view["tender_type"], view["amount"]),)
        + ((ReceiptTender("points", _points_back(view)),) if _points_back(view) else ()),
        original_number=view["sale_number"],
        reason=view.get("reason"),
        qr_url=_qr(ctx, view["number"], view.get("receipt_url")),
        **_common(ctx),
        **_member(view.get("loyalty")),
    )


def _points_back(view: dict[str, Any]) -> int:
    return int((view.get("points_back") or {}).get("value", 0))


_STAFF_NAME = select(Staff.__table__.c.name).where(Staff.__table__.c.id == bindparam("staff_id"))


def staff_name(session: Session, staff_id: str | None) -> str:
    """The cashier's name for a receipt (read when it is printed or shown)."""
    if not staff_id:
        return "-"
    row = session.execute(_STAFF_NAME, {"staff_id": staff_id}).fetchone()
    return str(row[0]) if row is not None and row[0] is not None else staff_id


def _refund_view(session: Session, row: Refund) -> dict[str, Any]:
    """A stored refund in the shape services.refunds.refund returns (taxes recomputed per group, as then)."""
    pairs = session.execute(
        select(RefundLine, SaleLine)
        .join(SaleLine, (SaleLine.sale_id == RefundLine.sale_id) & (SaleLine.id == RefundLine.sale_line_id))
        .where(RefundLine.refund_id == row.id)
        .order_by(SaleLine.position)
    ).all()
    sale = session.get(Sale, row.sale_id)
    taxes = taxes_by_group([(sl.tax_group, sl.tax_rate_bp, rl.amount) for rl, sl in pairs])
    # What was not given back in money was given back as points (amount = lines - points' value + rounding).
    points_value = sum(rl.amount for rl, _ in pairs) - (row.amount - row.rounding)
    points = restored_points(session, row.id)
    return {
        "points_back": {"points": points, "value": points_value} if points_value else None,
        "number": row.number,
        "till_id": row.till_id,
        "created_at": row.created_at.isoformat(),
        "sale_number": sale.number if sale else None,
        "tender_type": row.tender_type,
        "amount": row.amount,
        "rounding": row.rounding,
        "reason": row.reason,
        "lines": [
            {"name": sl.name, "qty": rl.qty, "unit_price": sl.unit_price, "amount": rl.amount, "measure": sl.measure}
            for rl, sl in pairs
        ],
        "taxes": [{"group": t.group, "rate_bp": t.rate_bp, "base": t.base, "tax": t.tax} for t in taxes],
    }


def receipt_in(session: Session, ctx: StoreContext, number: str) -> Receipt:
    """The receipt with this number (a completed sale or a refund); NotFound otherwise."""
    sale = session.scalar(select(Sale).where(Sale.number == number, Sale.state == "completed"))
    if sale is not None:
        view = sale_json(ctx, sale, lines_of(session, sale.id), tenders_of(session, sale.id))
        view["loyalty"] = receipt_info(session, sale.id)
        return sale_receipt(ctx, view, staff_name(session, sale.staff_id))
    row = session.scalar(select(Refund).where(Refund.number == number))
    if row is not None:
        return refund_receipt(ctx, _refund_view(session, row), staff_name(session, row.staff_id))
    raise NotFound("unknown_receipt", f"receipt {number} not found")


# A print job's payload that says "print this sale's (refund's) receipt as stored": the receipt step writes it inside
# the sale's transaction and the print worker builds the receipt when it prints (after the commit), from the stored
# record (receipt_in) and the member's points as they stood at the sale (`member`: the balance is not stored).
STORED = "stored"


def stored_job(view: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of a completed sale's or refund's receipt job (`view`: the completion's view, with what the
    earlier after-sale steps added)."""
    return {"render": STORED, "member": _member(view.get("loyalty"))}


def job_receipt(session: Session, ctx: StoreContext, number: str | None, payload: Mapping[str, Any]) -> Receipt:
    """The receipt a print job prints: built from the stored sale or refund for a `stored_job` payload, else the
    receipt the payload holds (a reprint's copy, or a job queued before receipts were built at print time)."""
    if payload.get("render") != STORED:
        return receipt_model.from_dict(dict(payload))
    if not number:
        raise NotFound("unknown_receipt", "the print job names no receipt")
    return replace(receipt_in(session, ctx, number), **payload.get("member", {}))


def get_receipt(ctx: StoreContext, number: str) -> Receipt:
    with ctx.db.sessions() as s:
        return receipt_in(s, ctx, number)


def get_signed_receipt(ctx: StoreContext, number: str, sig: str, purpose: str = "receipt") -> Receipt:
    """The receipt behind a signed link; a wrong signature is NotFound, exactly like an unknown number."""
    if not signature_ok(ctx, number, sig, purpose):
        raise NotFound("unknown_receipt", "receipt not found")
    return get_receipt(ctx, number)
