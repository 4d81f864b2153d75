"""EAN-13 variable-measure barcodes printed by a scale (prefixes 20-29): item code + weight or price.

Layout (configurable, `[labels]` in config.toml): prefix, item code digits, an optional price check digit, value
digits (grams on a weight label, Rupiah on a price label), the EAN-13 check digit: 2 + 5 + 5 + 1 by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .barcodes import ean13_check_digit
from .errors import DomainError, NotFound

LabelKind = Literal["weight", "price"]


@dataclass(frozen=True)
class LabelLayout:
    weight_prefixes: tuple[str, ...] = ("20", "21", "22", "23", "24")
    price_prefixes: tuple[str, ...] = ("25", "26", "27", "28", "29")
    item_digits: int = 5
    value_digits: int = 5
    price_check: bool = False  # a 4- or 5-digit value preceded by its own check digit (some scales print one)

    def __post_init__(self) -> None:
        prefixes = (*self.weight_prefixes, *self.price_prefixes)
        if not prefixes or len({len(p) for p in prefixes}) != 1 or not all(p.isdigit() for p in prefixes):
            raise ValueError("label prefixes are digits, all of one length (such as 20 to 29)")
        if set(self.weight_prefixes) & set(self.price_prefixes):
            raise ValueError("a label prefix is either a weight prefix or a price prefix, not both")
        if self.price_check and self.value_digits not in (4, 5):
            raise ValueError("a price check digit covers a value of 4 or 5 digits")
        used = len(prefixes[0]) + self.item_digits + int(self.price_check) + self.value_digits + 1
        if used != 13 or self.item_digits < 1 or self.value_digits < 1:
            raise ValueError(
                f"prefix + item code + value digits (+ price check digit) + check digit must be 13, not {used}"
            )

    @property
    def prefix_digits(self) -> int:
        return len((*self.weight_prefixes, *self.price_prefixes)[0])

    def kind_of(self, code: str) -> LabelKind | None:
        head = code[: self.prefix_digits]
        if head in self.weight_prefixes:
            return "weight"
        if head in self.price_prefixes:
            return "price"
        return None

    def make(self, prefix: str, item: int, value: int) -> str:
        """The label a scale would print (tests, the demo's sample labels)."""
        digits = f"{value:0{self.value_digits}d}"
        if len(digits) != self.value_digits or len(f"{item:0{self.item_digits}d}") != self.item_digits:
            raise ValueError("item code or value too long for this layout")
        check = str(price_check_digit(digits)) if self.price_check else ""
        first12 = f"{prefix}{item:0{self.item_digits}d}{check}{digits}"
        return first12 + str(ean13_check_digit(first12))


@dataclass(frozen=True)
class ScaleLabel:
    code: str
    kind: LabelKind
    item: str  # the item code (PLU) without leading zeros, as a product's `plu` holds it
    value: int  # grams (weight label) or Rupiah (price label)


def unknown_item(label: ScaleLabel) -> NotFound:
    return NotFound(
        "unknown_label_item",
        f"label {label.code}: item code {label.item} is no product: weigh it again or call the manager",
        label=label.code,
        item=label.item,
    )


def check_fits(label: ScaleLabel, measure: str, name: str) -> None:
    """A weight label names a product sold by weight, a price label one priced by its label."""
    if measure != ("weight" if label.kind == "weight" else "label"):
        raise DomainError(
            "label_kind_mismatch",
            f"label {label.code} carries a {label.kind}, but {name} is not sold by {label.kind}: "
            "print the label again on the right scale key",
            label=label.code,
            name=name,
        )


def _bad(code: str, why: str, reason: str) -> DomainError:
    return DomainError(why, f"label {code}: {reason}", label=code)


# GS1 weighting factors for the price check digit, digit -> product digit.
_W2M = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)  # 2-
_W2 = (0, 2, 4, 6, 8, 0, 2, 4, 6, 8)  # 2
_W3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)  # 3
_W5P = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)  # 5+
_W5M = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)  # 5-


def price_check_digit(value: str) -> int:
    """GS1's check digit of a 4- or 5-digit price field."""
    d = [int(c) for c in value]
    if len(d) == 4:
        return (3 * (_W2M[d[0]] + _W2[d[1]] + _W3[d[2]] + _W5M[d[3]])) % 10
    if len(d) == 5:
        total = _W5P[d[0]] + _W2M[d[1]] + _W5M[d[2]] + _W5P[d[3]] + _W2M[d[4]]
        return _W5M.index((10 - total % 10) % 10)
    raise ValueError("a price check digit covers 4 or 5 digits")


def read_label(code: str, layout: LabelLayout) -> ScaleLabel | None:
    """The label in `code`, None when it is no variable-measure code; a label that fails its checks is refused."""
    code = code.strip()
    if len(code) != 13 or not (code.isascii() and code.isdigit()):  # "²" is a digit to str.isdigit, not to int()
        return None
    kind = layout.kind_of(code)
    if kind is None:
        return None
    if ean13_check_digit(code[:12]) != int(code[12]):
        raise _bad(code, "bad_check_digit", "the check digit is wrong: scan again or type the weight")
    start = layout.prefix_digits
    item = code[start : start + layout.item_digits]
    pos = start + layout.item_digits
    if layout.price_check:
        value_text = code[pos + 1 : pos + 1 + layout.value_digits]
        if price_check_digit(value_text) != int(code[pos]):
            raise _bad(code, "bad_check_digit", "the price check digit is wrong: scan again")
    else:
        value_text = code[pos : pos + layout.value_digits]
    value = int(value_text)
    if value <= 0:
        raise _bad(code, "bad_label_value", "the label carries no weight or price (zero)")
    return ScaleLabel(code=code, kind=kind, item=str(int(item)), value=value)
