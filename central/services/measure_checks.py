"""Central's checks of weighed and label-priced sale lines (issue 16): the measure a line claims is the one central
sells the product by, and a weighed line's grams are within bounds. The gross of every line is checked with
common.measure.line_gross in sale_checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import Product
from common.contract.sale_events import SaleCompleted
from common.contract.sale_events import SaleLine as WireSaleLine
from common.measure import LABEL, MAX_GRAMS, UNIT, WEIGHT

from .payloads import Refused


def measure_of_line(line: WireSaleLine) -> str:
    return getattr(line, "measure", UNIT)  # version 3 lines and later say it; earlier ones are all units


def check_measures(s: Session, p: SaleCompleted) -> None:
    """A weighed or label-priced line is of a product central sells that way (a unit product claimed as weighed
    would sell at a thousandth of its price), and within a weighed line's bounds."""
    measured = {l.sku: measure_of_line(l) for l in p.lines if measure_of_line(l) != UNIT}
    if not measured:
        return
    known = dict(s.execute(select(Product.sku, Product.measure).where(Product.sku.in_(list(measured)))).all())
    for i, l in enumerate(p.lines, start=1):
        m = measure_of_line(l)
        if m == UNIT:
            continue
        if l.sku in known and known[l.sku] != m:
            raise Refused(
                "wrong_measure",
                f"line {i} ({l.sku}) is sold by {m}, but central sells {l.sku} by {known[l.sku]}",
            )
        if m == WEIGHT and not 0 < l.qty <= MAX_GRAMS:
            raise Refused("bad_quantity", f"line {i} ({l.sku}) weighs {l.qty} g: a weighed line is 1 g to 100 kg")
        if m == LABEL and l.qty != 1:
            raise Refused(
                "bad_quantity", f"line {i} ({l.sku}) is a label-priced line of {l.qty}: one label is one line"
            )
