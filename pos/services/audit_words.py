"""An audit entry's detail as a sentence a manager reads: names, receipt numbers, Rupiah and local times, never
`value=5000` or an id. One sentence per action (`audit.say.<action>` in the manager catalog); an action with no
sentence of its own reads as labelled pairs (`audit.key.<key>`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common import i18n
from common.measure import WEIGHT, format_qty
from common.money import format_money, group_thousands
from common.promotions import shown_value
from common.tenders import TENDERS
from common.timestamps import parse_time

# Details that say nothing to a person (ids, flags the approver column already shows) or that a sentence names
# another way.
HIDDEN = {"line_id", "job", "approved", "kind", "central_events_after", "tills", "store_seq"}
MONEY = {"unit_price", "base", "counted", "variance", "net_value"}
SIGNED = {"net_variance"}
QUANTITIES = {"before", "after", "qty"}  # a stock adjustment's figures


@dataclass(frozen=True)
class Lookups:
    """What the log's entries name, read once per page: product names by SKU, store names, the receipt number of
    each sale or refund id, and the local clock."""

    products: dict[str, str]
    stores: dict[str, str]
    numbers: dict[str, str]
    local: Callable[[datetime], str]
    currency: Any
    weighed: frozenset[str] = frozenset()  # SKUs sold by weight: their quantities are grams, said in kg


def words(locale: str, action: str, raw: str, ref_id: str | None, look: Lookups) -> str:
    """The detail of one entry in `locale`."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return raw
    if not isinstance(data, dict):
        return str(data)
    values = {k: _value(locale, k, v, data, look) for k, v in data.items() if v not in (None, "")}
    if action == "stock_count_post":  # items by the item and weighed goods' kilograms apart: "-2 unit · -0,500 kg"
        values["variance"] = _count_variance(locale, data)
    values.setdefault("receipt", look.numbers.get(ref_id or "") or i18n.text("manager", locale, "audit.open_sale"))
    key = f"audit.say.{action}"
    if i18n.has("manager", locale, key):
        try:
            sentence = i18n.text("manager", locale, key, **values)
            note = values.get("reason") or values.get("note")
            tail = i18n.text("manager", locale, "audit.because", reason=note) if note else ""
            return f"{sentence}{tail}"
        except (KeyError, IndexError, ValueError):
            pass
    return " · ".join(
        f"{_label(locale, k)}: {values[k]}" for k in data if k not in HIDDEN and data[k] not in (None, "", [], {})
    )


def _label(locale: str, key: str) -> str:
    said = i18n.text("manager", locale, f"audit.key.{key}")
    return key.replace("_", " ") if said == f"audit.key.{key}" else said


def _value(locale: str, key: str, value: Any, data: dict[str, Any], look: Lookups) -> Any:
    if key == "value" and isinstance(value, int):  # a discount: percent in basis points, or Rupiah
        return shown_value(str(data.get("kind")), value) if data.get("kind") == "percent" else _money(value, look)
    if key in MONEY and isinstance(value, int):
        return _money(value, look)
    if key in SIGNED and isinstance(value, int):
        return group_thousands(value, signed=True)
    if key in QUANTITIES and isinstance(value, int):  # a stock change: items, or a weighed product's grams in kg
        sign = "+" if key == "qty" and value > 0 else ("-" if value < 0 else "")
        if data.get("sku") in look.weighed:
            return sign + format_qty(abs(value), WEIGHT, ",")
        return sign + group_thousands(abs(value))
    if key == "sku":
        return look.products.get(str(value), str(value))
    if key in ("from", "to"):
        return look.stores.get(str(value), str(value))
    if key == "tender":  # kept as the receipt's Indonesian label ("Tunai"): the tender's name in `locale`
        name = next((n for n, kind in TENDERS.items() if value in (n, kind.label_id)), None)
        return i18n.text("manager", locale, f"tender.{name}") if name else value
    if key == "type" and i18n.has("manager", locale, f"event.{value}"):
        return i18n.text("manager", locale, f"event.{value}")
    if key == "purpose" and i18n.has("manager", locale, f"cash.reason.{value}"):  # cash in or out of a drawer
        return i18n.text("manager", locale, f"cash.reason.{value}")
    if key == "reason" and i18n.has("manager", locale, f"reason.{value}"):  # a stock adjustment's
        return i18n.text("manager", locale, f"reason.{value}")
    if key == "reason" and i18n.has("manager", locale, f"refund_reason.{value}"):  # why the shopper brought it back
        return i18n.text("manager", locale, f"refund_reason.{value}")
    if key.endswith("_at") and (at := parse_time(value)) is not None:
        return look.local(at)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _count_variance(locale: str, data: dict[str, Any]) -> str:
    units = i18n.text(
        "manager", locale, "count.units", n=group_thousands(int(data.get("net_variance") or 0), signed=True)
    )
    grams = data.get("net_weight_variance")
    if not isinstance(grams, int) or not grams:
        return units
    return f"{units} · {'+' if grams > 0 else '-'}{format_qty(abs(grams), WEIGHT, ',')}"


def _money(value: int, look: Lookups) -> str:
    return format_money(value, look.currency)
