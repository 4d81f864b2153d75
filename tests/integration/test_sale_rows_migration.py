"""Store migrations 0017 and 0018 on a store that has sold: every sale, line, payment and outbox event is kept,
receipt numbers stay unique, and the till goes on numbering where it stopped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError

from pos import bootstrap
from pos.adapters.config import StoreConfig
from pos.adapters.migrate import alembic_config, upgrade
from pos.services import auth, checkout, sales, setup, shifts
from pos.services.auth import Actor
from pos.services.context import StoreContext
from sync_agent import outbox

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # Rp 3.500 and Rp 4.500
R0017, R0018 = "0017_sale_rows_fewer_btrees", "0018_outbox_and_counters_pages"


def _rows(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def _sold_at(config: StoreConfig, revision: str) -> tuple[Actor, list[str]]:
    """A store that sold two sales on T1 and left a third open (by this code, at the head), then taken back to
    `revision` by the migrations' downgrades; the numbers given."""
    upgrade(config.database.url)
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
    command.downgrade(alembic_config(config.database.url), revision)
    return till, numbers


def _finish_the_open_sale(store: StoreContext, till: Actor) -> str:
    open_sale = sales.add_line(store, till, None, barcode=AQUA_330)  # the sale left open takes the next item
    assert [l["qty"] for l in open_sale["lines"]] == [1, 1]
    paid = sales.add_tender(store, till, open_sale["id"], "cash", open_sale["due"])
    return str(checkout.complete(store, till, paid["id"])["number"])


def test_0017_keeps_every_sale_and_numbers_on(tmp_path: Path, config: StoreConfig) -> None:
    """`config`: tests/conftest.py's, its database a new file under tmp_path."""
    till, numbers = _sold_at(config, "0016_print_jobs_unused_indexes")
    path, tables = tmp_path / "store.db", ("sales", "sale_lines", "tenders")
    before = _rows(path, tables)

    assert upgrade(config.database.url, R0017) == [R0017]
    assert _rows(path, tables) == before
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT rowid FROM sale_lines")  # the rows live in their id's B-tree now

    assert upgrade(config.database.url) == [R0018]  # the code below is the head's
    store = bootstrap.store_context(config, steps=())
    assert _finish_the_open_sale(store, till) == numbers[-1][:-6] + "000003"
    with store.db.engine.begin() as conn, pytest.raises(IntegrityError):  # a receipt number is still one sale's
        conn.exec_driver_sql("UPDATE sales SET number = ? WHERE number = ?", (numbers[0], numbers[1]))
    store.db.dispose()


def test_0018_keeps_every_event_in_order_and_the_tills_numbers(tmp_path: Path, config: StoreConfig) -> None:
    till, numbers = _sold_at(config, R0017)
    path = tmp_path / "store.db"
    before = _rows(path, ("outbox", "sales"))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE outbox SET acked_at = '2026-12-04 10:00:00' WHERE store_seq = 1")  # central has one

    assert upgrade(config.database.url) == [R0018]
    with sqlite3.connect(path) as db:
        after = sorted(db.execute("SELECT * FROM outbox").fetchall())
        assert [r[:9] for r in after] == [r[:9] for r in before["outbox"]]  # every event, its seq, bytes and hash
        assert db.execute("SELECT rowid = store_seq FROM outbox").fetchall() == [(1,)] * len(after)
        assert db.execute("SELECT value FROM counters WHERE name = 'receipt_seq:T1'").fetchone() == (2,)
        assert "receipt_seq" not in {r[1] for r in db.execute("PRAGMA table_info(tills)")}

    store = bootstrap.store_context(config, steps=())
    unsent = outbox.pending(store.db, 500)
    assert [e["store_seq"] for e in unsent] == sorted(r[1] for r in before["outbox"])[1:]  # in order, acked left out
    assert _finish_the_open_sale(store, till) == numbers[-1][:-6] + "000003"
    (first,) = [r[0] for r in before["outbox"] if r[1] == 1]
    with store.db.engine.begin() as conn, pytest.raises(IntegrityError):  # an event id is still one event's
        conn.exec_driver_sql("UPDATE outbox SET event_id = ? WHERE store_seq = 2", (first,))
    with store.db.engine.begin() as conn, pytest.raises(IntegrityError):  # and a store_seq one event's
        conn.exec_driver_sql("UPDATE outbox SET store_seq = 1 WHERE store_seq = 2")
    store.db.dispose()
