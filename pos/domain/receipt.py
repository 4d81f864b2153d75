"""What a receipt says (not how it is printed), and its plain-text layout at 32, 42 or 48 columns."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any, Literal

from common.i18n import LOCALES, messages
from common.measure import format_qty, items_of
from common.money import Currency, format_money, group_thousands
from common.tenders import TENDERS

WIDTHS = (32, 42, 48)
ReceiptKind = Literal["sale", "refund"]

# The receipt's words are in the `receipt` catalog (static/i18n/receipt.json); each tender's name comes from the
# tender registry.
LABELS: dict[str, dict[str, str]] = {loc: dict(messages("receipt", loc)) for loc in LOCALES}
for _kind in TENDERS.values():  # each tender's name on the receipt comes from the tender registry
    LABELS["id"][_kind.name], LABELS["en"][_kind.name] = _kind.label_id, _kind.label_en
COPY_MARK = "SALINAN / COPY"
REFUND_MARK = "RETUR / REFUND"


@dataclass(frozen=True)
class ReceiptLine:
    """One item: `gross` is qty x unit price, `discount` every discount on it, `net` what was paid."""

    name: str
    qty: int
    unit_price: int
    gross: int
    discount: int
    net: int
    measure: str = "unit"  # common.measure: weight = qty in grams, unit price per kg


@dataclass(frozen=True)
class ReceiptTax:
    """One tax group: DPP (base) and the tax included in the prices."""

    group: str
    rate_bp: int
    base: int
    tax: int


@dataclass(frozen=True)
class ReceiptTender:
    type: str
    amount: int
    reference: str | None = None  # already masked


@dataclass(frozen=True)
class Receipt:
    kind: ReceiptKind
    number: str
    issued_at: datetime  # store-local time
    till_id: str
    cashier: str
    store_name: str
    store_address: str = ""
    npwp: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    subtotal: int = 0
    discount: int = 0
    taxes: tuple[ReceiptTax, ...] = ()
    rounding: int = 0
    total: int = 0  # what was due (after rounding); for a refund, what was given back
    tenders: tuple[ReceiptTender, ...] = ()
    change: int = 0
    footer: str = ""
    qr_url: str | None = None
    original_number: str | None = None  # a refund: the sale it refunds
    reason: str | None = None
    copy: bool = False
    # A member sale (issue 5): the member, points earned / used (a refund: taken back / given back), the new
    # balance when known, and the member QR central signed, printed below the receipt's own QR.
    member_number: str | None = None
    member_name: str = ""
    points_earned: int = 0
    points_redeemed: int = 0
    points_balance: int | None = None
    member_qr: str | None = None
    currency: Currency = field(default_factory=Currency)

    @property
    def has_cash(self) -> bool:
        return any(t.type == "cash" for t in self.tenders)

    def as_copy(self) -> Receipt:
        return replace(self, copy=True)


@dataclass(frozen=True)
class Line:
    """One printed line; `bold` lines are emphasised on paper and on screen."""

    text: str
    bold: bool = False


def to_dict(r: Receipt) -> dict[str, Any]:
    data: dict[str, Any] = _plain(r)
    data["issued_at"] = r.issued_at.isoformat()
    return data


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_LEAVES = frozenset({str, int, bool, float, type(None), datetime})


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copy of every leaf (a receipt's leaves are immutable); queued on every
    sale's completion, so the leaves (most of the values) are let through first."""
    if type(value) in _LEAVES:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        out = {name: getattr(value, name) for name in _field_names(type(value))}
        for name, v in out.items():
            if type(v) not in _LEAVES:
                out[name] = _plain(v)
        return out
    if isinstance(value, (list, tuple)):
        return type(value)([_plain(v) for v in value])
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def from_dict(data: dict[str, Any]) -> Receipt:
    d = dict(data)
    d["issued_at"] = datetime.fromisoformat(d["issued_at"])
    d["lines"] = tuple(ReceiptLine(**x) for x in d.get("lines", ()))
    d["taxes"] = tuple(ReceiptTax(**x) for x in d.get("taxes", ()))
    d["tenders"] = tuple(ReceiptTender(**x) for x in d.get("tenders", ()))
    d["currency"] = Currency(**d["currency"]) if d.get("currency") else Currency()
    return Receipt(**d)


# --- layout -------------------------------------------------------------------------------------------


def number(amount: int, currency: Currency) -> str:
    """Indonesian digits without the symbol (7.000, -500) for item lines, where width is short."""
    text = format_money(abs(amount), replace(currency, symbol="")).strip()
    return f"-{text}" if amount < 0 else text


def money(amount: int, currency: Currency) -> str:
    return format_money(amount, currency)


def percent(rate_bp: int, currency: Currency) -> str:
    whole, part = divmod(rate_bp, 100)
    return f"{whole}%" if not part else f"{whole}{currency.decimal}{part:02d}".rstrip("0") + "%"


def wrap(text: str, width: int) -> list[str]:
    """textwrap.wrap, skipped for the common short line (it is most of the layout time)."""
    if len(text) <= width and "\n" not in text:
        return [text.rstrip()] if text.strip() else []
    return textwrap.wrap(text, width)


def pair(left: str, right: str, width: int, bold: bool = False) -> list[Line]:
    """`left ... right` on one line; when both do not fit, the left wraps and the right goes below."""
    if len(left) + 1 + len(right) <= width:
        return [Line(left + " " * (width - len(left) - len(right)) + right, bold)]
    out = [Line(t, bold) for t in wrap(left, width) or [""]]
    last = out[-1].text
    if len(last) + 1 + len(right) <= width:
        out[-1] = Line(last + " " * (width - len(last) - len(right)) + right, bold)
    else:
        out.append(Line(right.rjust(width)[-width:], bold))
    return out


def centered(text: str, width: int, bold: bool = False) -> list[Line]:
    return [Line(t.center(width).rstrip(), bold) for t in wrap(text, width)]


def layout(r: Receipt, columns: int, locale: str = "id", qr_line: bool = True) -> list[Line]:
    """The receipt as lines of at most `columns` characters (the QR code, if any, follows the last line). A page
    that says it under its own QR (or is the digital receipt itself) leaves out the `qr_line`."""
    if columns not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}, not {columns}")
    t = LABELS.get(locale, LABELS["id"])
    w, cur = columns, r.currency
    rule = Line("-" * w)
    out: list[Line] = []
    out += centered(r.store_name.upper(), w, bold=True)
    out += centered(r.store_address, w)
    if r.npwp:
        out += centered(f"{t['npwp']} {r.npwp}", w)
    if r.kind == "refund":
        out += [Line("")] + centered(REFUND_MARK, w, bold=True)
    if r.copy:
        out += [Line("")] + centered(f"*** {COPY_MARK} ***", w, bold=True)
    out.append(rule)
    out += pair(f"{t['number']}", r.number, w)
    out += pair(t["date"], r.issued_at.strftime("%d/%m/%Y %H:%M"), w)
    out += pair(t["cashier"], f"{r.cashier} ({r.till_id})", w)
    if r.original_number:
        out += pair(t["original"], r.original_number, w)
    if r.reason:
        out += [Line(x) for x in wrap(f"{t['reason']}: {r.reason}", w)]
    out.append(rule)
    for item in r.lines:
        out += [Line(x) for x in wrap(item.name, w) or ["?"]]
        qty = format_qty(item.qty, item.measure, cur.decimal)  # "1,250 kg", as the prices beside it
        out += pair(f"  {qty} x {number(item.unit_price, cur)}", number(item.gross, cur), w)
        if item.discount:
            out += pair(f"  {t['discount']}", number(-item.discount, cur), w)
    out.append(rule)
    count = sum(items_of(i.measure, i.qty) for i in r.lines)
    word = t.get("items_one", t["items"]) if count == 1 else t["items"]  # "(1 item)", "(3 items)"
    out += pair(f"{t['subtotal']} ({count} {word})", money(r.subtotal, cur), w)
    if r.discount:
        out += pair(t["discount"], money(-r.discount, cur), w)
    for tax in r.taxes:
        out += pair(f"{t['base']} {tax.group} {percent(tax.rate_bp, cur)}", money(tax.base, cur), w)
        out += pair(f"{tax.group} {percent(tax.rate_bp, cur)}", money(tax.tax, cur), w)
    if r.rounding:
        out += pair(t["rounding"], money(r.rounding, cur), w)
    out += pair(t["refund_total"] if r.kind == "refund" else t["total"], money(r.total, cur), w, bold=True)
    out.append(rule)
    for tender in r.tenders:
        label = t.get(tender.type, tender.type)
        if r.kind == "refund":
            label = f"{t['refunded_by']} {label.lower()}"
        if tender.reference:
            label = f"{label} {tender.reference}"
        out += pair(label, money(tender.amount, cur), w)
    if r.kind == "sale":
        out += pair(t["change"], money(r.change, cur), w, bold=True)
    out.append(rule)
    if r.member_number:
        out += member_lines(r, t, w)
    for para in (r.footer or "").splitlines():
        out += centered(para, w)
    if r.copy:
        out += centered(COPY_MARK, w, bold=True)
    if r.qr_url and qr_line:
        out += [Line("")] + centered(t["qr"], w)
    return out


def member_lines(r: Receipt, t: dict[str, str], w: int) -> list[Line]:
    # Points grouped as the till and the kiosk show them (1.000, never 1000), in the store's number format.
    def points(n: int) -> str:
        return group_thousands(n, r.currency.thousands)

    out = pair(t["member"], r.member_number or "", w) + [Line(x) for x in wrap(r.member_name, w)]
    if r.kind == "refund":
        out += pair(t["points_reversed"], points(r.points_earned), w) if r.points_earned else []
    else:
        out += pair(t["points_redeemed"], points(r.points_redeemed), w) if r.points_redeemed else []
        out += pair(t["points_earned"], points(r.points_earned), w)
    if r.points_balance is not None:
        out += pair(t["points_balance"], points(r.points_balance), w, bold=True)
    return out + [Line("-" * w)]


def plain_text(r: Receipt, columns: int, locale: str = "id") -> str:
    return "\n".join(line.text for line in layout(r, columns, locale))
