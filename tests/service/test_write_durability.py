"""How durable each write of the till is: the scans and edits of a sale under way commit with SQLite's
synchronous=NORMAL (a crash of the process keeps them; a power cut may lose the last of them), and everything
that finishes or records a fact (completing a sale, a void, a shift) commits with FULL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from pos.services import checkout, sales, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

AQUA_330 = "8990000100010"
MODES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


@pytest.fixture
def commits(store: StoreContext) -> Iterator[list[str]]:
    """The synchronous mode each commit of the store's database was made with, in order."""
    seen: list[str] = []

    def on_commit(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.connection.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0]
        seen.append(MODES[mode])

    event.listen(store.db.engine, "commit", on_commit)
    yield seen
    event.remove(store.db.engine, "commit", on_commit)


def test_a_sale_under_way_commits_relaxed_and_its_completion_durably(
    store: StoreContext, open_till: Actor, commits: list[str]
) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    sale = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    sale = sales.set_quantity(store, open_till, sale["id"], sale["lines"][0]["id"], 3)
    sale = till_sale.add_tender(store, open_till, sale["id"], "cash", sale["due"])
    assert commits == ["NORMAL"] * 4
    done = checkout.complete(store, open_till, sale["id"])
    assert done["state"] == "completed" and commits[4:] == ["FULL"], "the completion makes the whole sale durable"


def test_a_void_and_a_shift_close_commit_durably_after_relaxed_scans(
    store: StoreContext, open_till: Actor, commits: list[str]
) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    sales.void(store, open_till, sale["id"], {"staff_code": "9001", "pin": "4321"}, reason="shopper left")
    relaxed = len(commits)
    shifts.close_shift(store, open_till, 200_000)
    assert commits[:2] == ["NORMAL", "NORMAL"] and set(commits[2:relaxed]) == {"FULL"}
    assert set(commits[relaxed:]) == {"FULL"}
