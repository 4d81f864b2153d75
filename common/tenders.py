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
    # Confirmed by the payment gateway through the central store: taken only through its charge (never typed in),
    # refunded through the gateway to the shopper, and checked at central against the charges it confirmed.
    gateway: bool = False
    # Nobody but the cashier confirmed it (the store's printed static QRIS): the manager's report lists each one
    # with its reference, to be matched with the acquirer's statement.
    reconcile: bool = False


TENDERS: dict[str, TenderKind] = {
    k.name: k
    for k in (
        TenderKind("cash", "Tunai", "Cash"),
        TenderKind("card", "Kartu", "Card", key="c"),
        # Dynamic QRIS (issue 17): a charge of the amount due made at the central store, shown at the till and on
        # the customer display, taken when the gateway confirms the payment. Q on the pay screen.
        TenderKind("qris_dynamic", "QRIS", "QRIS", key="q", gateway=True),
        # The store's static (printed) QRIS: the fallback when central cannot be reached, with the reference the
        # shopper's app shows; flagged for reconciliation.
        TenderKind("qris", "QRIS statis", "Static QRIS", reconcile=True),
        TenderKind("ewallet", "E-wallet", "E-wallet", key="e", needs_reference=True),
        # Member points redeemed (issue 5): non-cash, so never more than is due and never change.
        TenderKind("points", "Poin", "Points", direct=False),
    )
}
TENDER_TYPES = tuple(TENDERS)
DIRECT_TENDERS = tuple(n for n, k in TENDERS.items() if k.direct)
NEEDS_REFERENCE = tuple(n for n, k in TENDERS.items() if k.needs_reference)
GATEWAY_TENDERS = tuple(n for n, k in TENDERS.items() if k.gateway)
RECONCILE_TENDERS = tuple(n for n, k in TENDERS.items() if k.reconcile)
