"""Template filters: Rupiah, quantities with thousands dots, local dates, signed variances, durations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from common.measure import WEIGHT, format_qty
from common.money import format_money
from pos.services.store_time import store_zone

from ..api.common import ctx


def money(amount: int | None) -> str:
    return "" if amount is None else format_money(int(amount), ctx().currency)


def qty(value: int | None, signed: bool = False, measure: str | None = None) -> str:
    """`1.234` items, or a weighed product's grams as `1,250 kg`: the store's number format in either language."""
    if value is None:
        return ""
    if measure == WEIGHT:
        if not value:  # none on the shelf is "0 kg", as a manager says it, not the scale's "0,000 kg"
            return "0 kg"
        text = format_qty(abs(int(value)), WEIGHT, ctx().config.currency.decimal)
        return ("-" if value < 0 else ("+" if signed and value > 0 else "")) + text
    text = f"{abs(int(value)):,}".replace(",", ctx().config.currency.thousands)
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    return sign + text


def net_variance(count: dict[str, Any]) -> str:
    """A count's net variance: `-2 · -0,500 kg`, items counted by the item and weighed goods' kilograms apart."""
    units = qty(count["net_variance"], signed=True)
    if not count.get("weighed_lines"):
        return units
    return f"{units} · {qty(count['net_weight_variance'], signed=True, measure=WEIGHT)}"


def pct(value: float | None) -> str:
    """`12,5%`: the store's decimal sign in either language, as its weights and money."""
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ctx().config.currency.decimal) + "%"


def when(value: datetime | date | None, with_time: bool = True) -> str:
    """23/11/2026 14:05 WIB (values are already the store's local time; the zone is the store's, from config)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M ") + zone_label() if with_time else value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def zone_label() -> str:
    """The store's zone as people say it (WIB, WITA, WIT; the zone's own name where it has no abbreviation)."""
    zone = store_zone(ctx())
    said = datetime.now(zone).tzname() or ""
    return said if said.isalpha() else ctx().config.store.timezone


def duration(seconds: int | None) -> str:
    if not seconds:
        return "0 m"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    show_minutes = minutes or not (days or hours)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} m" if show_minutes else ""]
    return " ".join(p for p in parts if p)


def span(seconds: float | None) -> str:
    """A clock's error: seconds while it is under a minute or two matter, `duration` once it is hours or days."""
    whole = round(abs(seconds or 0))
    if whole >= 3600:
        return duration(whole)
    minutes, rest = divmod(whole, 60)
    return " ".join(p for p in (f"{minutes} m" if minutes else "", f"{rest} s" if rest or not minutes else "") if p)


def cell(value: Any, kind: str, measure: str | None = None) -> str:
    """One table cell as text, by the column's kind (and a weighed product's row: its quantities in kg)."""
    if kind == "money":
        return money(value)
    if kind == "signed_money":  # a difference: +Rp 500 over, -Rp 950 short
        return ("+" if value and value > 0 else "") + money(value)
    if kind in ("int", "signed"):
        return qty(value, signed=kind == "signed", measure=measure)
    if kind == "rank":  # a place in a list, never a quantity (even in a weighed product's row)
        return str(value)
    if kind == "pct":
        return pct(value)
    if kind in ("datetime", "date"):
        return when(value, with_time=kind == "datetime")
    if kind == "hour":
        return f"{int(value):02d}:00"
    return "" if value is None else str(value)


# Column kinds whose values are codes (a movement kind, a tender, an audit action...): shown and exported in words
CODED = frozenset({"kind", "state", "tender", "action", "reason", "event", "refund_reason", "recon"})
# Columns of codes (SKU, barcode, receipt or order number): never broken over two lines at a hyphen
CODES = frozenset({"sku", "barcode", "number", "sale_number", "ref", "ref_id", "staff_code", "code"})
# "figures": quantities already written out as text ("5 · 2,500 kg"), right-aligned with the other numbers
NUMERIC = {"money", "signed_money", "int", "signed", "pct", "hour", "rank", "figures"}
