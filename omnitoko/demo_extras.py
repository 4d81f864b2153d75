"""`make demo`'s shoppers and offers: two members with points and their QR cards (linked to TOKO-01, so the till
and kiosk know their balance offline too), a promotion running and one starting tomorrow (the manager's Label harga
lists it, its labels printed today), so every screen has something to show."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from central.bootstrap import central_context
from central.config import load_central_config
from central.services import catalog, loyalty
from common.errors import DomainError
from pos import bootstrap
from pos.adapters.config import load_config
from pos.services import manager_access, stock_admin
from pos.services.catalog import on_hand

MEMBERS = [("Siti Rahma (demo)", "081200000001", 2_500), ("Budi Santoso (demo)", "081200000002", 40)]
PROMOTION = ("Hemat Good Day 15%", ["SKU-00014", "SKU-00015", "SKU-00016"], 1_500)  # percent, basis points
UPCOMING = ("Pocari Akhir Pekan Rp 1.000", ["SKU-00010", "SKU-00011"], 1_000, 3)  # Rp off, from tomorrow, 3 days
DEMO_ZONE = ZoneInfo("Asia/Jakarta")  # the demo store's (config.toml [store] timezone)


def from_tomorrow(days: int, now: datetime) -> tuple[datetime, datetime]:
    """Tomorrow's first moment at the demo store for `days` days, as the UTC times central keeps; `now` is central's
    clock (UTC), which a test sets."""
    first = now.replace(tzinfo=UTC).astimezone(DEMO_ZONE).date() + timedelta(days=1)
    start = datetime.combine(first, time(), DEMO_ZONE)
    return start.astimezone(UTC).replace(tzinfo=None), (start + timedelta(days=days)).astimezone(UTC).replace(
        tzinfo=None
    )


def place(central_config: Path, central_port: int) -> list[str]:
    """Load them at central (once: a second run finds them); the lines the demo prints."""
    ctx = central_context(load_central_config(central_config))
    try:
        said = []
        for name, phone, points in MEMBERS:
            try:
                view = loyalty.sign_up(ctx, name, phone, None, "TOKO-01")
            except DomainError:  # already signed up by an earlier demo run (OMNITOKO_DEMO_KEEP=1)
                continue
            loyalty.adjust(ctx, view["id"], points, "demo welcome points")
            said.append(f"Member:         {name} no. {view['number']}, {points} points, phone {phone}")
        name, skus, value = PROMOTION
        if not any(p["name"] == name for p in catalog.promotions(ctx)):
            catalog.save_promotion(ctx, name=name, kind="percent", value=value, skus=skus)
            said.append(f"Promotion:      {name} on Good Day coffee (till, kiosk and shop price it the same)")
        name, skus, value, days = UPCOMING
        if not any(p["name"] == name for p in catalog.promotions(ctx)):
            starts, ends = from_tomorrow(days, ctx.clock())
            catalog.save_promotion(
                ctx, name=name, kind="amount", value=value, skus=skus, starts_at=starts, ends_at=ends
            )
            said.append(
                f"Promotion:      {name} on Pocari Sweat from tomorrow (manager > Label harga prints its labels)"
            )
        if said:
            said.append(
                f"Member pages:   http://127.0.0.1:{central_port}/join (find an account by phone and number; "
                "the shop cart's Kartu member box takes them too: orders paid online earn points)"
            )
        return said
    finally:
        ctx.db.dispose()


# Low-stock levels at the demo store: the first three come out low (the manager's Low stock list has rows).
THRESHOLDS = {"SKU-00001": 5, "SKU-00002": 5, "SKU-00011": 5, "SKU-00012": -10, "SKU-00013": -10, "SKU-00014": -10}


def store_thresholds(store_config: Path) -> str:
    """Low-stock levels relative to the demo store's opening stock (+5 over it: low; 10 under it: fine)."""
    store = bootstrap.store_context(load_config(store_config), steps=())
    try:
        manager = manager_access.sign_in_manager(store, "9001", "4321")[1]
        with store.db.sessions() as s:
            have = on_hand(s, list(THRESHOLDS))
        for sku, over in THRESHOLDS.items():
            stock_admin.set_threshold(store, manager, sku, max(0, have.get(sku, 0) + over))
        return f"Low stock:      levels on {len(THRESHOLDS)} products, 3 of them low (manager > Stok menipis)"
    finally:
        store.db.dispose()
