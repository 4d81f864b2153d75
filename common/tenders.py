"""Tender types, declared once: the till's validation and pay keys, the API schemas, refunds, receipts and the
central store's sale checks all read this registry (a new tender is one TenderKind here plus its words)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TenderKind:
    """One way to pay, declared once: validation, the API schemas, refunds, receipts and the till read it."""

    name: str
    label_id: str  # on the receipt (the till's own words for it are in static/i18n/pos.json, "tender.<name>")
    label_en: str
    key: str | None = None  # the letter that takes it on the till's pay screen (cash is Enter: it gives change)
    needs_reference: bool = False  # the cashier types the payment's reference (an e-wallet transaction id)
    direct: bool = True  # taken at the pay screen and paid back by refunds; points follow the member's hold


TENDERS: dict[str, TenderKind] = {
    k.name: k
    for k in (
        TenderKind("cash", "Tunai", "Cash"),
        TenderKind("card", "Kartu", "Card", key="c"),
        TenderKind("qris", "QRIS", "QRIS", key="q"),
        TenderKind("ewallet", "E-wallet", "E-wallet", key="e", needs_reference=True),
        # Member points redeemed (issue 5): non-cash, so never more than is due and never change.
        TenderKind("points", "Poin", "Points", direct=False),
    )
}
TENDER_TYPES = tuple(TENDERS)
DIRECT_TENDERS = tuple(n for n, k in TENDERS.items() if k.direct)
NEEDS_REFERENCE = tuple(n for n, k in TENDERS.items() if k.needs_reference)
