"""`make demo`'s weighed goods (issue 16): low-stock levels in kg and scale labels a user can type at the till."""

from __future__ import annotations

from pathlib import Path

from common.demo_data import WEIGHED, ean13, sample_labels
from pos import bootstrap
from pos.adapters.config import load_config
from pos.services import manager_access, stock_admin

# Low-stock levels in grams: Tomat Merah (2 kg on hand) comes out low, the others are fine.
LEVELS = {"SKU-W0001": 25_000, "SKU-W0002": 5_000, "SKU-W0003": 5_000, "SKU-W0004": 5_000}


def place(store_config: Path) -> list[str]:
    """Set the levels at the demo store; the lines the demo prints (sample labels and a shelf barcode)."""
    store = bootstrap.store_context(load_config(store_config), steps=())
    try:
        manager = manager_access.sign_in_manager(store, "9001", "4321")[1]
        for sku, grams in LEVELS.items():
            stock_admin.set_threshold(store, manager, sku, grams)
    finally:
        store.db.dispose()
    beras = next(i for i, w in enumerate(WEIGHED, start=1) if w[0] == "SKU-W0001")
    lines = ["Weighed goods:  type a scale label at the till (or the kiosk's price check):"]
    lines += [f"                {code}  {what}" for code, what in sample_labels()]
    lines.append(f"                {ean13(9_000 + beras)}  Beras Curah without a label: the till asks its weight")
    return lines
