"""The connection the store's hot path keeps between its transactions (common/db.py Database.transaction): never one
left inside a transaction, never one from before the database file was swapped (a restore).

The engine events of the no-network-in-a-transaction guard make every transaction take a Core connection, which
gives its connection back to the pool, so the guard is off here: these tests run the path a store runs, with no
listener on the engine (and they make no HTTP request)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_steps import AQUA_330, AQUA_600, sell

from common.errors import DomainError
from pos.services import till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


@pytest.fixture(autouse=True)
def no_network_in_transaction() -> Iterator[None]:
    """Overrides tests/conftest.py's guard for this module (see the docstring)."""
    yield None


def test_after_the_database_file_is_swapped_the_next_sale_is_written_to_the_new_file(
    store: StoreContext, open_till: Actor, tmp_path: Path
) -> None:
    """The hot path keeps a connection between transactions (Database.transaction); one kept from before the engine
    was disposed (a restore puts another file in place) must not write the next sale into the file that is gone."""
    path = store.db.url.removeprefix("sqlite:///")
    backup = str(tmp_path / "copy.db")
    with sqlite3.connect(path) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    first = sell(store, open_till, [(AQUA_330, 1)])  # leaves a kept connection on the live file
    store.db.engine.dispose()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.replace(backup, path)
    second = sell(store, open_till, [(AQUA_600, 1)])
    with sqlite3.connect(path) as now:
        kept = {row[0] for row in now.execute("SELECT id FROM sales WHERE state = 'completed'")}
    assert second["id"] in kept and first["id"] not in kept


def test_a_refused_scan_leaves_no_transaction_open_for_the_next_one(store: StoreContext, open_till: Actor) -> None:
    view, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(DomainError):
        till_sale.add_line(store, open_till, view["id"], barcode="0000000000000")  # no such product: rolled back
    done = sell(store, open_till, [(AQUA_330, 2)])
    assert done["state"] == "completed" and done["lines"][0]["qty"] == 2
