"""Applying a pulled page to the store database: every change and the new cursor in ONE transaction.

Changes are states (the latest product, the stock figure now), so applying a page twice gives the same
result: a crash before the commit just means the page is pulled and applied again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from common.contract.names import Topic
from common.contract.topics import check_topic
from common.contract.wire import BadPayload
from common.db import Database
from common.tables import new_id
from common.timestamps import parse_time
from pos.adapters.tables import (
    Category,
    DeadLetterSeen,
    PriceChange,
    Product,
    Promotion,
    ReconciliationItem,
    RemoteStock,
    SyncStatus,
    TaxGroup,
)
from pos.services.catalog import feed_barcode

from . import state
from .loyalty_apply import TOPICS as LOYALTY_TOPICS
from .online_cart_apply import TOPICS as CART_TOPICS
from .online_order_apply import TOPICS as ORDER_TOPICS
from .transfer_apply import TOPICS as TRANSFER_TOPICS

log = logging.getLogger(__name__)
# reconciliation version 2's fields the store keeps (pos.adapters.tables.ReconciliationItem)
RESOLUTION_KEYS = frozenset({"resolved_by", "resolution_note", "reopened_at", "reopened_by", "reopen_note"})


def _tax_group(s: Session, d: dict[str, Any]) -> None:
    row = s.get(TaxGroup, d["code"])
    if row is None:
        s.add(TaxGroup(code=d["code"], name=d.get("name") or d["code"], rate_bp=int(d["rate_bp"])))
    else:
        row.name, row.rate_bp = d.get("name") or row.name, int(d["rate_bp"])


def _category(s: Session, d: dict[str, Any]) -> None:
    row = s.get(Category, d["code"])
    if row is None:
        s.add(Category(code=d["code"], name=d.get("name") or d["code"], name_en=d.get("name_en") or ""))
    else:
        row.name, row.name_en = d.get("name") or row.name, d.get("name_en") or row.name_en


def _products(s: Session, rows: list[dict[str, Any]], now: datetime, labels_for_new: bool) -> None:
    """The page's products (the last change of each SKU wins), looked up in one query. A new price of a product on
    sale here is a price change: its shelf label is to be replaced (the manager's "Label harga"); so is a new
    product's (old price 0) once the store has its catalog (`labels_for_new`: not while a snapshot loads it)."""
    latest = {d["sku"]: d for d in rows}
    if not latest:
        return
    for d in latest.values():
        # A product's change may come before its tax group's or category's: create them from what rides along.
        if s.get(TaxGroup, d["tax_group"]) is None:
            s.add(
                TaxGroup(
                    code=d["tax_group"],
                    name=d.get("tax_name") or d["tax_group"],
                    rate_bp=int(d.get("tax_rate_bp") or 0),
                )
            )
        if d.get("category") and s.get(Category, d["category"]) is None:
            s.add(
                Category(
                    code=d["category"],
                    name=d.get("category_name") or d["category"],
                    name_en=d.get("category_name_en") or "",
                )
            )
    known = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(list(latest))))}
    for sku, d in latest.items():
        row, barcode = known.get(sku), d.get("barcode")
        if barcode and (row is None or row.barcode != barcode):
            barcode = feed_barcode(s, sku, barcode, latest)  # None when it is another product's SKU
        if barcode and (row is None or row.barcode != barcode):  # a barcode moved from another product: free it
            s.execute(update(Product).where(Product.barcode == barcode, Product.sku != sku).values(barcode=None))
        plu = d.get("plu") or None
        if plu and (row is None or row.plu != plu):  # an item code moved from another product: free it too
            s.execute(update(Product).where(Product.plu == plu, Product.sku != sku).values(plu=None))
        if row is None:
            row = Product(id=new_id(), sku=sku)
            s.add(row)
            if labels_for_new and d.get("active", True):
                s.add(PriceChange(id=new_id(), sku=sku, old_price=0, new_price=int(d["price"]), changed_at=now))
        elif row.active and d.get("active", True) and row.price != int(d["price"]):
            s.add(PriceChange(id=new_id(), sku=sku, old_price=row.price, new_price=int(d["price"]), changed_at=now))
        row.measure, row.plu = d.get("measure") or "unit", plu  # weight: price per kg, stock in grams
        # The price applies to items scanned from now on; lines already on a sale keep the price they were rung at.
        row.name, row.barcode, row.category, row.price = d["name"], barcode, d.get("category"), int(d["price"])
        row.tax_group, row.unit, row.active = d["tax_group"], d.get("unit") or "pcs", bool(d.get("active", True))
    s.flush()


def _promotion(s: Session, d: dict[str, Any]) -> None:
    row = s.get(Promotion, d["id"]) or Promotion(id=d["id"])
    # Version 2: a multi-buy's value rides in set_value (its `value` is 0 for version-1 agents, which skip it).
    multi = d.get("set_qty") is not None and d.get("set_value") is not None
    row.name, row.kind, row.skus = d["name"], d["kind"], json.dumps(d.get("skus") or [])
    row.value, row.set_qty = (int(d["set_value"]), int(d["set_qty"])) if multi else (int(d["value"]), None)
    row.mixed = multi and bool(d.get("mixed"))  # version 3: "Beli 2 Gratis 1, boleh campur"
    row.starts_at, row.ends_at, row.active = (
        parse_time(d.get("starts_at")),
        parse_time(d.get("ends_at")),
        bool(d.get("active")),
    )
    s.add(row)


def _stock_rows(s: Session, rows: list[dict[str, Any]]) -> None:
    """The page's stock figures in one statement (upsert per (sku, location); the page's last figure wins)."""
    latest = {
        (d["sku"], d["location"]): {
            "sku": d["sku"],
            "location": d["location"],
            "location_name": d.get("name") or "",
            "qty": int(d["on_hand"]),
            "as_of": parse_time(d.get("as_of")) or datetime.min,
        }
        for d in rows
    }
    if not latest:
        return
    upsert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = upsert(RemoteStock)
    s.connection().execute(
        stmt.on_conflict_do_update(
            index_elements=["sku", "location"],
            set_={"location_name": stmt.excluded.location_name, "qty": stmt.excluded.qty, "as_of": stmt.excluded.as_of},
        ),
        list(latest.values()),
    )


def _reconciliation(s: Session, d: dict[str, Any]) -> None:
    row = s.get(ReconciliationItem, d["id"]) or ReconciliationItem(id=d["id"])
    row.kind, row.sku, row.ref_id, row.message = d["kind"], d.get("sku"), d.get("ref_id"), d.get("message") or ""
    row.detail = json.dumps(d.get("detail") or {}, ensure_ascii=False)
    row.raised_at, row.resolved_at = parse_time(d.get("raised_at")) or datetime.min, parse_time(d.get("resolved_at"))
    _resolution(row, d)
    s.add(row)


def _resolution(row: ReconciliationItem, d: dict[str, Any]) -> None:
    """Who resolved or reopened the task at head office and their notes (version 2), read through the contract: a
    note past its length is cut there, and an item whose fields do not fit keeps what the store held (never a
    stopped pull). A key the item leaves out keeps what the store holds: an older central sends none, and a task
    sent again when it happens again carries only its figures."""
    try:
        item = check_topic(Topic.RECONCILIATION, d)
    except BadPayload as e:
        log.warning("reconciliation task %s: who resolved it and the notes not kept: %s", d.get("id"), e)
        return
    for key in RESOLUTION_KEYS & item.model_fields_set:
        value = getattr(item, key)
        setattr(row, key, parse_time(value) if key == "reopened_at" else value)


def _dead_letter(s: Session, d: dict[str, Any]) -> None:
    s.execute(
        update(DeadLetterSeen)
        .where(DeadLetterSeen.event_id == d["event_id"])
        .values(resolved_at=parse_time(d.get("resolved_at")), resolution=d.get("resolution"))
    )


TOPICS: dict[str, Callable[[Session, dict[str, Any]], None]] = {
    "tax_group": _tax_group,
    "category": _category,
    "promotion": _promotion,
    "reconciliation": _reconciliation,
    "dead_letter": _dead_letter,
}
TOPICS.update(LOYALTY_TOPICS)  # member, loyalty_settings, loyalty_allowance (issue 5)
TOPICS.update(CART_TOPICS)  # online_cart: carts reserved at this store (issue 6)
TOPICS.update(ORDER_TOPICS)  # online_order: paid online orders this store fulfils (issue 17)
TOPICS.update(TRANSFER_TOPICS)  # transfer, store: stock transfers with other stores (issue 17)


def apply_page(db: Database, page: dict[str, Any], now: datetime) -> tuple[int, str | None]:
    """Apply the page's changes and save its cursor together; returns (changes applied, central note)."""
    applied = 0
    batched: dict[str, list[dict[str, Any]]] = {"product": [], "stock": []}  # applied at once, after the rest
    with db.unit_of_work() as s:
        loaded = bool(s.scalar(select(SyncStatus.cursor).where(state.ROW)))  # 0: a snapshot is loading the catalog
        for change in page["changes"]:
            topic = change["topic"]
            apply = TOPICS.get(topic)
            if topic in batched:
                batched[topic].append(change["data"])
            elif apply is not None:  # topics a later central adds are skipped by an older agent
                apply(s, change["data"])
            else:
                continue
            applied += 1
        _products(s, batched["product"], now, labels_for_new=loaded)
        _stock_rows(s, batched["stock"])
        note = state.note_central(s, str(page["epoch"]), int(page["store_seq"]))
        if note != "new_epoch":
            s.execute(
                update(SyncStatus)
                .where(state.ROW)
                .values(cursor=int(page["cursor"]), last_pull_at=now, pulled_total=SyncStatus.pulled_total + applied)
            )
    return applied, note
