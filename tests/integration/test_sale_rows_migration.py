"""Store migrations 0017-0019 on a store that has sold: every sale, line, payment, refund and outbox event is kept,
receipt numbers stay unique, and the till goes on numbering where it stopped; a backup taken before them is
restored (and upgraded) by this version; the stock ledger keyed by its rowid (0020) keeps every movement in order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from servekit import free_port
from sqlalchemy.exc import IntegrityError
from synckit_store import write_store_toml

from omnitoko.cli import main
from pos import bootstrap
from pos.adapters import backups
from pos.adapters.config import StoreConfig
from pos.adapters.migrate import alembic_config, upgrade
from pos.services import auth, checkout, receipts, refunds, setup, shifts, stock_queries, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.sale_views import get_sale
from sync_agent import outbox

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # Rp 3.500 and Rp 4.500
R0017, R0018 = "0017_sale_rows_fewer_btrees", "0018_outbox_and_counters_pages"
R0019 = "0019_sale_lines_by_sale"
# Every store migration, in order (their files are numbered): each test upgrades to the head through those after it.
CHAIN = sorted(
    p.stem for p in (Path(__file__).resolve().parents[2] / "migrations" / "store" / "versions").glob("0*.py")
)


def later(revision: str) -> list[str]:
    """The migrations an upgrade to the head applies to a store at `revision`."""
    return CHAIN[CHAIN.index(revision) + 1 :]


MANAGER = {"staff_code": "9001", "pin": "4321"}  # the demo store's manager approves the refund


def _rows(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def _sold_at(config: StoreConfig, revision: str, refund: bool = False) -> tuple[Actor, list[str]]:
    """A store that sold two sales on T1 (`refund`: and gave back one item of the second) and left a third open, by
    this code at the head, then taken back to `revision` by the migrations' downgrades; the numbers given."""
    upgrade(config.database.url)
    store = bootstrap.store_context(config, steps=())
    setup.load_demo_data(store)
    till = auth.sign_in(store, "1001", "1234", "T1")[1]
    shifts.open_shift(store, till, 200_000)
    numbers = []
    for items in ([AQUA_330], [AQUA_600, AQUA_330]):
        view = till_sale.add_line(store, till, None, barcode=items[0])
        for code in items[1:]:
            view = till_sale.add_line(store, till, view["id"], barcode=code)
        view = till_sale.add_tender(store, till, view["id"], "cash", view["due"])
        numbers.append(checkout.complete(store, till, view["id"])["number"])
    if refund:
        line = get_sale(store, numbers[1])["lines"][0]["id"]
        numbers.append(refunds.refund(store, till, numbers[1], [(line, 1)], MANAGER)["number"])
    till_sale.add_line(store, till, None, barcode=AQUA_600)  # a sale left open across the upgrade
    store.db.dispose()
    command.downgrade(alembic_config(config.database.url), revision)
    return till, numbers


def _finish_the_open_sale(store: StoreContext, till: Actor) -> str:
    open_sale = till_sale.add_line(store, till, None, barcode=AQUA_330)  # the sale left open takes the next item
    assert [l["qty"] for l in open_sale["lines"]] == [1, 1]
    paid = till_sale.add_tender(store, till, open_sale["id"], "cash", open_sale["due"])
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

    # the code below is the head's
    assert upgrade(config.database.url) == later(R0017)
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

    assert upgrade(config.database.url, R0018) == [R0018]
    with sqlite3.connect(path) as db:
        after = sorted(db.execute("SELECT * FROM outbox").fetchall())
        assert [r[:9] for r in after] == [r[:9] for r in before["outbox"]]  # every event, its seq, bytes and hash
        assert db.execute("SELECT rowid = store_seq FROM outbox").fetchall() == [(1,)] * len(after)
        assert db.execute("SELECT value FROM counters WHERE name = 'receipt_seq:T1'").fetchone() == (2,)
        assert "receipt_seq" not in {r[1] for r in db.execute("PRAGMA table_info(tills)")}
    upgrade(config.database.url)  # the code below is the head's

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


def test_0019_keeps_lines_payments_and_refunds_and_a_refund_still_names_its_line(
    tmp_path: Path, config: StoreConfig
) -> None:
    till, numbers = _sold_at(config, R0018, refund=True)
    path, tables = tmp_path / "store.db", ("sales", "sale_lines", "tenders", "refunds")
    before = _rows(path, (*tables, "refund_lines"))

    assert upgrade(config.database.url) == later(R0018)
    assert _rows(path, tables) == {t: before[t] for t in tables}
    with sqlite3.connect(path) as db:
        (line,) = db.execute("SELECT sale_id, sale_line_id, qty FROM refund_lines").fetchall()
        (sale_id,) = db.execute("SELECT id FROM sales WHERE number = ?", (numbers[1],)).fetchone()
        (was,) = [(r[2], r[4]) for r in before["refund_lines"]]  # (sale_line_id, qty) before
        assert line == (sale_id, *was)  # the refunded line, now by the lines' key
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("sale_lines", "tenders"):
            assert f"ix_{table}_sale_id" not in {r[1] for r in db.execute(f"PRAGMA index_list({table})")}

    store = bootstrap.store_context(config, steps=())
    sold, other = get_sale(store, numbers[1]), get_sale(store, numbers[0])
    assert receipts.get_receipt(store, numbers[2]).lines[0].name == sold["lines"][0]["name"]
    assert _finish_the_open_sale(store, till) == numbers[-1][:-6] + "000004"  # the refund took 000003
    with store.db.engine.begin() as conn, pytest.raises(IntegrityError):  # a refund names a line of its sale
        conn.exec_driver_sql("UPDATE refund_lines SET sale_id = ?", (other["id"],))
    store.db.dispose()


def test_a_backup_taken_before_0018_is_restored_by_this_version_and_the_till_numbers_on(
    tmp_path: Path, config: StoreConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store's disk dies after a software update; its last backup was taken by the version before 0018
    (receipt numbers in `tills`, lines keyed alone). `omnitoko store restore` upgrades the copy it puts back."""
    till, numbers = _sold_at(config, R0017, refund=True)
    path, tables = tmp_path / "store.db", ("sales", "sale_lines", "tenders", "refunds")
    before = _rows(path, tables)
    made = backups.take(path, tmp_path / "usb-stick", config.store.id, keep=3)
    assert backups.verify(made).receipt_seq["T1"] == 3  # the old layout's numbers, read from `tills`
    for suffix in ("", "-wal", "-shm"):  # the disk is gone
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    config.server.port = free_port()  # nothing answers there: no store server is running

    config_file = write_store_toml(tmp_path / "store.toml", config)
    assert main(["store", "restore", str(made), "--config", str(config_file), "--without-central"]) == 0
    assert f"restored {made.name}" in capsys.readouterr().out

    assert upgrade(config.database.url) == []  # the restore brought it to this version
    assert _rows(path, tables) == before
    store = bootstrap.store_context(config, steps=())
    assert receipts.get_receipt(store, numbers[2]).lines[0].name == get_sale(store, numbers[1])["lines"][0]["name"]
    assert _finish_the_open_sale(store, till) == numbers[-1][:-6] + "000004"  # after the refund's 000003
    store.db.dispose()


def _ledger_indexes(db: sqlite3.Connection) -> set[str]:
    return {r[1] for r in db.execute("PRAGMA index_list(stock_movements)")}


def test_0020_keeps_the_stock_ledger_in_the_order_it_was_written_and_stock_moves_on(
    tmp_path: Path, config: StoreConfig
) -> None:
    till, numbers = _sold_at(config, R0019, refund=True)
    path, columns = tmp_path / "store.db", "id, sku, qty, kind, reason, ref_id, staff_id, created_at"
    with sqlite3.connect(path) as db:
        before = db.execute(f"SELECT {columns} FROM stock_movements ORDER BY rowid").fetchall()
        assert "sqlite_autoindex_stock_movements_1" in _ledger_indexes(db)  # 0020's downgrade put the id's key back
    assert {r[3] for r in before} == {"opening", "sale", "return"}  # the demo's stock, two sales and a refund

    assert upgrade(config.database.url) == later(R0019)
    with sqlite3.connect(path) as db:
        after = db.execute(f"SELECT seq, {columns} FROM stock_movements ORDER BY seq").fetchall()
        assert [r[1:] for r in after] == before  # every movement, in the order it was written
        assert [r[0] for r in after] == list(range(1, len(before) + 1))
        assert db.execute("SELECT COUNT(*) FROM stock_movements WHERE rowid != seq").fetchone() == (0,)
        assert _ledger_indexes(db) == {"ix_stock_movements_sku"}  # the id has no index of its own now

    store = bootstrap.store_context(config, steps=())
    had = stock_queries.product_detail(store, AQUA_330)
    number = _finish_the_open_sale(store, till)
    now = stock_queries.product_detail(store, AQUA_330)
    assert now["on_hand"] == had["on_hand"] - 1
    newest = now["movements"][0]
    assert (newest["kind"], newest["qty"], newest["ref_id"]) == ("sale", -1, get_sale(store, number)["id"])
    assert newest["balance"] == now["on_hand"] and now["movements"][1:] == had["movements"][: len(now["movements"]) - 1]
    with sqlite3.connect(path) as db:
        (last,) = db.execute("SELECT MAX(seq) FROM stock_movements").fetchone()
    assert last == len(before) + 2  # the finished sale's two lines came after every movement before them
    store.db.dispose()
