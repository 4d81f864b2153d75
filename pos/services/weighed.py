"""What a scan of a weighed or label-priced product rings: a scale label's weight or price, or a typed weight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.db import Tx
from common.errors import DomainError
from common.measure import LABEL, UNIT, WEIGHT, check_grams, parse_weight
from common.scale_labels import LabelLayout, ScaleLabel, check_fits, read_label, unknown_item
from pos.adapters import sale_rows as rows

from .catalog import not_found


@dataclass(frozen=True)
class Ringed:
    """The product row (sku, barcode, name, price, tax_group, rate_bp, measure) and what its line holds."""

    product: Any
    qty: int
    unit_price: int
    measure: str


def label_product(tx: Tx, label: ScaleLabel) -> Any:
    """The product a label's item code names, refused when the label's kind does not fit how it is sold."""
    product = tx.run(rows.PRODUCT_BY_PLU, {"code": label.item}).fetchone()
    if product is None:
        raise unknown_item(label)
    check_fits(label, product[6], product[2])
    return product


def _labelled(tx: Tx, label: ScaleLabel, qty: int, weight: str | None) -> Ringed:
    if weight is not None or qty != 1:
        raise DomainError("label_has_measure", f"label {label.code} carries its own weight or price", label=label.code)
    product = label_product(tx, label)
    if label.kind == "weight":
        return Ringed(product, check_grams(label.value), product[3], WEIGHT)
    return Ringed(product, 1, label.value, LABEL)


def ring(tx: Tx, layout: LabelLayout, *, barcode: str | None, sku: str | None, qty: int, weight: str | None) -> Ringed:
    """The product and the line's quantity and price for a scan (a label, a barcode or a SKU) and a typed weight.
    A product's own barcode wins over a label reading (a catalog may hold 20-29 codes the scales do not print)."""
    if barcode:
        product = tx.run(rows.PRODUCT_BY_BARCODE, {"code": barcode}).fetchone()
        label = read_label(barcode, layout) if product is None else None
        if label is not None:
            return _labelled(tx, label, qty, weight)
    else:
        product = tx.run(rows.PRODUCT_BY_SKU, {"code": sku}).fetchone() if sku else None
    if product is None:
        raise not_found(barcode, sku)
    measure = product[6] or UNIT
    if measure == WEIGHT:
        if weight is None:
            raise DomainError(
                "weight_needed",
                f"{product[2]} is sold by weight: type the weight in kg (such as 1,25) or grams",
                sku=product[0],
                name=product[2],
                price=product[3],
            )
        if qty != 1:
            raise DomainError("weight_not_qty", f"{product[2]} is sold by weight: type its weight, not a quantity")
        return Ringed(product, parse_weight(weight), product[3], WEIGHT)
    if weight is not None:
        raise DomainError("not_weighed", f"{product[2]} is not sold by weight", name=product[2])
    if measure == LABEL:
        raise DomainError("label_needed", f"{product[2]} is priced by its label: scan the scale label", name=product[2])
    return Ringed(product, qty, product[3], UNIT)
