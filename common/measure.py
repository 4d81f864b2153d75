"""How a product is counted: by the unit, by weight (priced per kg, counted in grams) or by its label's price.

A weighed product's quantity is an integer number of grams everywhere (sale line, stock ledger, refunds, events):
an exact fixed-point kg with 3 decimals, never a float. `line_gross` is the one rule that turns a quantity and a
price into Rupiah; the till, the kiosk, central's checks and receipts all call it.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from .errors import DomainError
from .money import div_half_up

Measure = Literal["unit", "weight", "label"]
UNIT: Final = "unit"
WEIGHT: Final = "weight"
LABEL: Final = "label"
MEASURES: Final[tuple[str, ...]] = (UNIT, WEIGHT, LABEL)

GRAMS_PER_KG: Final = 1000
MAX_GRAMS: Final = 100_000  # one weighed line is at most 100 kg: more is a misread scale or label
MAX_STOCK_GRAMS: Final = 1_000_000  # a counted or moved figure of a weighed product: 1 tonne (the wire's Qty bound)
_WHOLE_KG_BELOW: Final = 100  # at the till a bare number under 100 is kg ("2" = 2 kg), else grams ("250")


def measure_of(value: str | None) -> Measure:
    """A measure read from a row or a request; anything else is refused."""
    if value in (None, "", UNIT):
        return "unit"
    if value == WEIGHT:
        return "weight"
    if value == LABEL:
        return "label"
    raise DomainError("bad_measure", f"unknown measure {value!r}: unit, weight or label")


def checked_plu(plu: str | None) -> str | None:
    """A scale label's item code as a product keeps it: digits without leading zeros; None when not given."""
    text = (plu or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 8 or int(text) == 0:
        raise DomainError("bad_plu", f"item code {plu!r}: 1 to 8 digits, not all zero", plu=text)
    return str(int(text))


def line_gross(unit_price: int, qty: int, measure: str = UNIT) -> int:
    """Rupiah before discounts: price per kg x grams / 1000 rounded half up for a weighed line, else price x qty."""
    if measure == WEIGHT:
        return div_half_up(unit_price * qty, GRAMS_PER_KG)
    return unit_price * qty


def format_qty(qty: int, measure: str = UNIT, decimal: str = ",") -> str:
    """`1,250 kg` for a weighed quantity in grams (`decimal`: the store's decimal sign, as on its price tags and
    receipts, in every language), `0 kg` for none; `3` for units."""
    if measure != WEIGHT:
        return str(qty)
    if not qty:  # none at all is "0 kg", as people say it, not the scale's "0,000 kg"
        return "0 kg"
    sign = "-" if qty < 0 else ""
    kg, grams = divmod(abs(qty), GRAMS_PER_KG)
    return f"{sign}{kg}{decimal}{grams:03d} kg"


def qty_texts(qty: int, measure: str = UNIT, decimal: str = ",") -> dict[str, str]:
    """A quantity for a screen that may switch language: {"id": "1,250 kg", "en": "1,250 kg"}. The store has one
    number format (its price tags' and receipts'); the language switch changes words, not digits."""
    text = format_qty(qty, measure, decimal)
    return {"id": text, "en": text}


def check_grams(grams: int) -> int:
    if grams <= 0:
        raise DomainError("bad_weight", "a weight must be more than 0 g")
    if grams > MAX_GRAMS:
        raise DomainError(
            "weight_too_large", f"a weighed line is at most {MAX_GRAMS // GRAMS_PER_KG} kg", max=MAX_GRAMS
        )
    return grams


_WHOLE = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)$", re.ASCII)  # "1500" or "1.500": thousands in 3-digit groups
_FRACTION = re.compile(r"^[+-]?\d*[.,]\d+$", re.ASCII)


def parse_whole(text: str, code: str = "bad_quantity") -> int:
    """A whole number of items as a person types it: "1.500" (thousands dots in groups of 3) is 1500; "1.5" or
    "1,5" is refused as a fraction of an item, never read as 15."""
    typed = text.strip().replace(" ", "")
    if _WHOLE.match(typed):
        return int(typed.replace(".", ""))  # a sign is kept: "-5" is refused by the caller's own range, saying so
    if _FRACTION.match(typed):
        raise DomainError(
            "whole_items_only", f"{text!r}: whole items only, this product is counted by the piece", value=text
        )
    raise DomainError(code, f"{text!r} is not a whole number", value=text)


_WEIGHT = re.compile(r"^(?P<whole>\d{1,6})(?:[.,](?P<frac>\d{1,3}))?\s*(?P<unit>kg|g)?$", re.ASCII)


def items_of(measure: str, qty: int) -> int:
    """How many items a line counts for: a weighed line is one item (its qty is grams); others their quantity."""
    return 1 if measure == WEIGHT else qty


def parse_weight(text: str, *, counted: bool = False) -> int:
    """A weight as typed, in grams: "1,25" or "1.25" or "1.25kg" = 1250 g (a single separator is the decimal sign);
    "250g" = 250 g. A bare whole number: at the till under 100 is kg ("2" = 2000 g), else grams ("250");
    `counted` (stock work: counts, receiving, adjustments, transfers, levels) always kg ("200" = 200 kg), grams
    only with "g", 0 g to 1 tonne. Refuses more than 3 decimals, zero at the till and absurd weights."""
    how = (
        "type kg such as 12,5 (a bare number is kg) or grams with g such as 125 g"
        if counted
        else "type kg such as 1,25 or grams such as 1250"
    )
    m = _WEIGHT.match(text.strip().lower().replace(" ", ""))
    if m is None:
        raise DomainError("bad_weight", f"{text!r} is not a weight: {how}", value=text)
    whole, frac, unit = m["whole"], m["frac"], m["unit"]
    if unit == "g":
        if frac is not None:
            raise DomainError("bad_weight", f"{text!r}: grams are whole; {how}", value=text)
        grams = int(whole)
    elif frac is not None or unit == "kg" or counted or int(whole) < _WHOLE_KG_BELOW:
        grams = int(whole) * GRAMS_PER_KG + int((frac or "").ljust(3, "0"))
    else:
        grams = int(whole)
    if counted:
        if grams > MAX_STOCK_GRAMS:
            raise DomainError("weight_too_large", "a counted weight is at most 1.000 kg", max=MAX_STOCK_GRAMS)
        return grams
    return check_grams(grams)
