"""The admin's online payments: recent gateway payments (refund one, in part or whole) and payment alerts."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from central.services import payment_notifications, payments, report_days, settlement_report
from common import i18n
from common.csv_export import csv_text
from common.days import parse_day
from common.errors import DomainError
from common.limits import MAX_AMOUNT
from common.money import format_money
from common.web.csv_download import csv_download

from .admin import _page, _word, admin_lang, ctx, said, signed_in, tr

admin_payments = Blueprint("admin_payments", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


class RefundForm(FlaskForm):
    amount = IntegerField("Amount (Rp)", validators=[NumberRange(min=1, max=MAX_AMOUNT)])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)])
    # What the money is for: goods (their points are taken back) or the delivery fee alone (it earned none).
    part = SelectField("For", choices=[SelectChoice("goods", "goods"), SelectChoice("fee", "fee")], default="goods")


@admin_payments.get("/payments")
@signed_in
def listing():
    if request.args.get("format") == "csv":
        rows = [_csv_row(p) for p in payments.recent(ctx())]
        body = csv_text(PAYMENT_COLUMNS, rows, header=lambda key: tr(f"payments.{key}"))
        return csv_download(body, "payments.csv")
    return _listing()


# The payments table as CSV: its columns in the admin's words, amounts in whole Rupiah.
PAYMENT_COLUMNS = [("order", "text"), ("status", "text"), ("amount", "money"), ("refunded", "money")]
PAYMENT_COLUMNS += [("fulfilment", "text"), ("method", "text"), ("reference", "text")]


def _csv_row(p: dict[str, Any]) -> dict[str, Any]:
    order = p["order"]
    where = tr(f"payments.mode_{order['mode']}", store=order["store"]) if order else ""
    return {
        "order": p["order_id"],
        "status": _status(p["status"]),
        "amount": p["amount"],
        "refunded": p["refunded"],
        "fulfilment": f"{_word('orderstatus', order['status'])} · {where}" if order else "",
        "method": _word("paytype", p["payment_type"]) if p["payment_type"] else "",
        "reference": p["transaction_id"] or "",
    }


def _listing(refused: dict[str, Any] | None = None) -> str:
    """The page; after a refused refund, that payment's form keeps what was typed (amount, reason, part)."""
    return _page(
        "payments.html",
        items=payments.recent(ctx()),
        alerts=payment_notifications.alerts(ctx()),
        refund_form=RefundForm(),
        pay_status=_status,
        refused=refused or {},
    )


def _status(status: str) -> str:
    """A gateway status in the admin's words (the code itself when the catalog has no word for it)."""
    key = f"paystatus.{status}"
    return tr(key) if i18n.has("admin", admin_lang(), key) else status


@admin_payments.post("/payments/<payment_id>/refund")
@signed_in
def refund(payment_id: str):
    form = RefundForm()
    typed = {"id": payment_id, **{k: (request.form.get(k) or "")[:200] for k in ("amount", "reason", "part")}}
    if not form.validate_on_submit():
        flash(tr("payments.refund_invalid"), "error")
        return _listing(typed), 400
    try:
        done = payments.refund(
            ctx(),
            payment_id[:36],
            int(form.amount.data or 0),
            f"{form.reason.data} (admin {g.admin})",
            fee=form.part.data == "fee",
        )
    except DomainError as e:
        flash(said(e), "error")
        return _listing(typed), e.status
    log.warning("admin %s refunded %s of online order %s", g.admin, form.amount.data, done["order_id"])
    amount = format_money(int(form.amount.data or 0))
    flash(tr("payments.refund_done", amount=amount, order=done["order_id"], status=_status(done["status"])), "ok")
    return redirect(url_for("admin_payments.listing"))


def day_arg(raw: str | None) -> date | None:
    """A `?from=` or `?to=` day (common.days: 23/11/2026, 23/11 this year, or ISO from a link); none given is None."""
    return parse_day(raw, report_days.today(ctx()))


# The days table as CSV (BOM: a spreadsheet reads the UTF-8 headers), amounts in whole Rupiah.
SETTLE_COLUMNS = [("date", "text")] + [
    (k, "money") for k in ("gateway_sales", "recorded_sales", "gateway_refunds", "recorded_refunds", "difference")
]


@admin_payments.get("/settlements")
@signed_in
def settlements():
    """Per day: what the gateway settled and refunded against the sales and refunds recorded, and what differs."""
    try:
        data = settlement_report.report(ctx(), day_arg(request.args.get("from")), day_arg(request.args.get("to")))
    except DomainError as e:
        # the days typed stay in the form to correct; no figures shown for days that were not asked for
        typed = {k: (request.args.get(k) or "")[:10] for k in ("from", "to")}
        return _page("settlements.html", data=None, typed=typed, error=said(e)), 400
    if request.args.get("format") == "csv":
        body = csv_text(SETTLE_COLUMNS, data["days"], header=lambda key: tr(f"settle.{key}"))
        name = f"settlements-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
        return csv_download(body, name)
    return _page("settlements.html", data=data, error=None)
