"""Store migration 0017 on a store that has sold: every sale, line and payment is kept, receipt numbers stay unique,
and the till goes on numbering where it stopped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from pos import bootstrap
from pos.adapters.config import StoreConfig
from pos.adapters.migrate import upgrade
from pos.services import auth, checkout, sales, setup, shifts

BEFORE = "0016_print_jobs_unused_indexes"
AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # Rp 3.500 and Rp 4.500


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ("sales", "sale_lines", "tenders")}


def test_a_store_that_has_sold_keeps_every_sale_and_numbers_on(tmp_path: Path, config: StoreConfig) -> None:
    """`config`: tests/conftest.py's, its database a new file under tmp_path."""
    upgrade(config.database.url, BEFORE)
    store = bootstrap.store_context(config, steps=())
    setup.load_demo_data(store)
    till = auth.sign_in(store, "1001", "1234", "T1")[1]
    shifts.open_shift(store, till, 200_000)
    numbers = []
    for items in ([AQUA_330], [AQUA_600, AQUA_330]):
        view = sales.add_line(store, till, None, barcode=items[0])
        for code in items[1:]:
            view = sales.add_line(store, till, view["id"], barcode=code)
        view = sales.add_tender(store, till, view["id"], "cash", view["due"])
        numbers.append(checkout.complete(store, till, view["id"])["number"])
    sales.add_line(store, till, None, barcode=AQUA_600)  # a sale left open across the upgrade
    store.db.dispose()
    path = tmp_path / "store.db"
    before = _rows(path)

    assert upgrade(config.database.url) == ["0017_sale_rows_fewer_btrees"]
    assert _rows(path) == before
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT rowid FROM sale_lines")  # the rows live in their id's B-tree now

    store = bootstrap.store_context(config, steps=())
    open_sale = sales.add_line(store, till, None, barcode=AQUA_330)  # the sale left open takes the next item
    assert [l["qty"] for l in open_sale["lines"]] == [1, 1]
    paid = sales.add_tender(store, till, open_sale["id"], "cash", open_sale["due"])
    assert checkout.complete(store, till, paid["id"])["number"] == numbers[-1][:-6] + "000003"
    with store.db.engine.begin() as conn, pytest.raises(IntegrityError):  # a receipt number is still one sale's
        conn.exec_driver_sql("UPDATE sales SET number = ? WHERE number = ?", (numbers[0], numbers[1]))
    store.db.dispose()
