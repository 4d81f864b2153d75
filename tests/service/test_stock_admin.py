"""Receiving, adjustments and low-stock levels: every change is a ledger movement and an outbox event, together."""

from __future__ import annotations

import json
from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, outbox, payload, sell
from sqlalchemy import select, text, update

from common.errors import DomainError, NotFound
from pos.adapters.tables import AuditEntry, OutboxEvent, RemoteStock, StockMovement
from pos.services import catalog, stock_admin, stock_queries
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.web.manager.texts import error_text

MY_TABLES = ("low_stock_thresholds", "stock_counts", "stock_count_lines", "staff")


def on_hand(store: StoreContext, sku: str) -> int:
    return catalog.stock_card(store, sku)["on_hand"]


def everything(store: StoreContext, facts: Any) -> dict[str, Any]:
    with store.db.engine.connect() as conn:
        mine = {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in MY_TABLES}
    return {**facts(), **mine}


def test_receiving_by_barcode_adds_a_receipt_movement_and_one_stock_received_event(
    store: StoreContext, manager: Actor
) -> None:
    before = on_hand(store, "SKU-00001")
    done = stock_admin.receive(store, manager, "SJ-2026-0042", [(AQUA_330, 24), ("SKU-00002", 12)])

    assert [(l["sku"], l["qty"], l["on_hand_before"], l["on_hand_after"]) for l in done["lines"]] == [
        ("SKU-00001", 24, before, before + 24),
        ("SKU-00002", 12, on_hand(store, "SKU-00002") - 12, on_hand(store, "SKU-00002")),
    ]
    assert on_hand(store, "SKU-00001") == before + 24
    with store.db.sessions() as s:
        moves = s.scalars(select(StockMovement).where(StockMovement.ref_id == done["receipt_id"])).all()
    assert sorted((m.sku, m.qty, m.kind, m.reason, m.staff_id) for m in moves) == [
        ("SKU-00001", 24, "receipt", "SJ-2026-0042", manager.staff_id),
        ("SKU-00002", 12, "receipt", "SJ-2026-0042", manager.staff_id),
    ]
    [event] = outbox(store)
    body = payload(event)
    assert (event.type, event.device_id, body["supplier_ref"], body["store_id"]) == (
        "stock.received",
        "BACKOFFICE",
        "SJ-2026-0042",
        "TOKO-01",
    )
    # The movement ids travel with the event, so the central store applies each movement once.
    assert sorted(l["movement_id"] for l in body["lines"]) == sorted(m.id for m in moves)


def test_the_same_item_scanned_twice_in_one_delivery_shows_running_before_and_after(
    store: StoreContext, manager: Actor
) -> None:
    start = on_hand(store, "SKU-00001")
    done = stock_admin.receive(store, manager, "SJ-7", [(AQUA_330, 2), ("SKU-00001", 3)])
    assert [(l["on_hand_before"], l["on_hand_after"]) for l in done["lines"]] == [
        (start, start + 2),
        (start + 2, start + 5),
    ]


@pytest.mark.parametrize(
    ("ref", "lines", "code"),
    [
        ("SJ-1", [(AQUA_330, -5)], "bad_quantity"),
        ("SJ-1", [(AQUA_330, 0)], "bad_quantity"),
        ("SJ-1", [(AQUA_600, 2), (AQUA_330, -1)], "bad_quantity"),
        ("  ", [(AQUA_330, 5)], "missing_supplier_ref"),
        ("SJ-1", [("8991234567890", 5)], "unknown_item"),
        ("SJ-1", [("", 5)], "missing_item"),
        ("SJ-1", [], "missing_item"),
    ],
)
def test_a_bad_receipt_is_refused_with_a_clear_message_and_changes_nothing(
    store: StoreContext, manager: Actor, facts: Any, ref: str, lines: list[tuple[str, int]], code: str
) -> None:
    before = everything(store, facts)
    with pytest.raises(DomainError) as err:
        stock_admin.receive(store, manager, ref, lines)
    assert err.value.code == code and err.value.status in (404, 422)
    assert err.value.message and "Traceback" not in err.value.message
    assert everything(store, facts) == before


def test_a_negative_received_quantity_says_so_in_words(store: StoreContext, manager: Actor) -> None:
    with pytest.raises(DomainError, match=r"received quantity must be more than 0 \(got -5\); nothing was changed"):
        stock_admin.receive(store, manager, "SJ-1", [(AQUA_330, -5)])


@pytest.mark.parametrize(("reason", "sign"), [("damaged", -1), ("expired", -1), ("lost", -1), ("found", 1)])
def test_an_adjustment_moves_stock_the_way_its_reason_says(
    store: StoreContext, manager: Actor, reason: str, sign: int
) -> None:
    before = on_hand(store, "SKU-00002")
    done = stock_admin.adjust(store, manager, AQUA_600, 3, reason, "rak bawah")
    line = done["lines"][0]
    assert (line["qty"], line["on_hand_before"], line["on_hand_after"]) == (sign * 3, before, before + sign * 3)
    assert on_hand(store, "SKU-00002") == before + sign * 3
    [event] = outbox(store)
    assert event.type == "stock.adjusted" and payload(event)["reason"] == reason
    assert payload(event)["lines"][0]["qty"] == sign * 3
    with store.db.sessions() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "stock_adjust"))
    assert entry is not None and entry.requested_by == manager.staff_id
    assert json.loads(entry.detail)["before"] == before


@pytest.mark.parametrize(
    ("reason", "code"),
    [(None, "missing_reason"), ("", "missing_reason"), ("  ", "missing_reason"), ("stolen", "bad_reason")],
)
def test_an_adjustment_without_a_known_reason_is_refused_and_changes_nothing(
    store: StoreContext, manager: Actor, facts: Any, reason: str | None, code: str
) -> None:
    before = everything(store, facts)
    with pytest.raises(DomainError) as err:
        stock_admin.adjust(store, manager, AQUA_600, 3, reason)
    assert err.value.code == code and err.value.status == 422
    assert everything(store, facts) == before


def test_an_adjustment_cannot_take_more_than_is_on_hand(store: StoreContext, manager: Actor, facts: Any) -> None:
    have = on_hand(store, "SKU-00002")
    before = everything(store, facts)
    with pytest.raises(DomainError, match=f"only {have} on hand"):
        stock_admin.adjust(store, manager, AQUA_600, have + 1, "lost")
    assert everything(store, facts) == before


def test_taking_more_of_a_weighed_product_than_is_on_hand_is_said_in_kg(
    store: StoreContext, manager: Actor, facts: Any
) -> None:
    before = everything(store, facts)
    with pytest.raises(DomainError) as e:
        stock_admin.adjust(store, manager, "SKU-W0003", 40_000, "damaged")  # 40 kg of apples; 30 kg on hand
    assert everything(store, facts) == before
    assert error_text("id", e.value) == (
        "Tidak bisa mengurangi 40,000 kg dari Apel Fuji: stok hanya 30,000 kg. "
        "Lakukan stok opname bila angka stok salah."
    )


def test_a_movement_is_never_written_without_its_outbox_event(
    store: StoreContext, manager: Actor, facts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = everything(store, facts)

    def broken(*args: Any, **kw: Any) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(stock_admin, "emit_event", broken)
    with pytest.raises(RuntimeError):
        stock_admin.receive(store, manager, "SJ-1", [(AQUA_330, 5)])
    with pytest.raises(RuntimeError):
        stock_admin.adjust(store, manager, AQUA_330, 1, "damaged")
    assert everything(store, facts) == before


def test_low_stock_lists_products_at_or_below_their_level_emptiest_first(store: StoreContext, manager: Actor) -> None:
    have1, have2 = on_hand(store, "SKU-00001"), on_hand(store, "SKU-00002")
    stock_admin.set_threshold(store, manager, "SKU-00001", have1)  # at the level: low
    stock_admin.set_threshold(store, manager, AQUA_600, have2 + 10)  # below the level: low, short by 10
    stock_admin.set_threshold(store, manager, "SKU-00003", 0)  # plenty: not low
    low = stock_queries.low_stock(store)
    assert [(r["sku"], r["shortfall"]) for r in low] == [("SKU-00002", 10), ("SKU-00001", 0)]
    stock_admin.set_threshold(store, manager, "SKU-00002", None)
    assert [r["sku"] for r in stock_queries.low_stock(store)] == ["SKU-00001"]
    with pytest.raises(DomainError) as err:
        stock_admin.set_threshold(store, manager, "SKU-00001", -1)
    assert err.value.code == "bad_threshold"


def test_a_product_sold_below_zero_is_on_the_low_list_and_the_below_zero_list(
    store: StoreContext, open_till: Actor
) -> None:
    have = on_hand(store, "SKU-00001")
    sell(store, open_till, [(AQUA_330, have + 2)], [("cash", (have + 2) * 3500)])
    assert stock_queries.below_zero(store) == [{"sku": "SKU-00001", "name": "Air Mineral Aqua 330ml", "on_hand": -2}]
    assert "SKU-00001" in [r["sku"] for r in stock_queries.low_stock(store)]


def test_the_stock_list_shows_movements_the_central_store_has_not_acknowledged(
    store: StoreContext, manager: Actor, open_till: Actor
) -> None:
    sell(store, open_till, [(AQUA_330, 2)])
    stock_admin.receive(store, manager, "SJ-1", [(AQUA_330, 10)])
    row = next(r for r in stock_queries.stock_list(store, q="Aqua 330")["rows"] if r["sku"] == "SKU-00001")
    assert row["unsynced"] == 8
    with store.db.unit_of_work() as s:
        s.execute(update(OutboxEvent).values(acked_at=store.clock()))
    row = next(r for r in stock_queries.stock_list(store, q="Aqua 330")["rows"] if r["sku"] == "SKU-00001")
    assert row["unsynced"] == 0


def test_stock_at_other_stores_and_online_shows_once_the_sync_agent_has_filled_it(store: StoreContext) -> None:
    assert stock_queries.stock_list(store, q="Aqua 330")["locations"] == []
    with store.db.unit_of_work() as s:
        s.add_all(
            [
                RemoteStock(sku="SKU-00001", location="TOKO-02", location_name="Omnitoko Depok", qty=31),
                RemoteStock(sku="SKU-00001", location="online", location_name="Online", qty=120),
            ]
        )
    data = stock_queries.stock_list(store, q="Aqua 330")
    assert [l["location"] for l in data["locations"]] == ["TOKO-02", "online"]
    row = next(r for r in data["rows"] if r["sku"] == "SKU-00001")
    assert row["remote"] == {"TOKO-02": 31, "online": 120} and row["remote_total"] == 151
    detail = stock_queries.product_detail(store, AQUA_330)
    assert [(r["name"], r["qty"]) for r in detail["remote"]] == [("Omnitoko Depok", 31), ("Online", 120)]


def test_a_products_ledger_shows_each_movement_with_the_running_balance(store: StoreContext, manager: Actor) -> None:
    start = on_hand(store, "SKU-00001")
    stock_admin.receive(store, manager, "SJ-1", [(AQUA_330, 10)])
    stock_admin.adjust(store, manager, AQUA_330, 4, "damaged")
    ledger = stock_queries.product_detail(store, "SKU-00001")["movements"]
    assert [(m["kind"], m["qty"], m["balance"]) for m in ledger[:3]] == [
        ("adjustment", -4, start + 6),
        ("receipt", 10, start + 10),
        ("opening", start, start),
    ]


def test_an_unknown_product_page_is_a_not_found(store: StoreContext) -> None:
    with pytest.raises(NotFound):
        stock_queries.product_detail(store, "nope")


def test_outbox_store_seq_stays_gap_free_across_stock_events(store: StoreContext, manager: Actor) -> None:
    stock_admin.receive(store, manager, "SJ-1", [(AQUA_330, 1)])
    with pytest.raises(DomainError):
        stock_admin.adjust(store, manager, AQUA_330, 1, None)
    stock_admin.adjust(store, manager, AQUA_330, 1, "found")
    assert [(e.store_seq, e.type) for e in outbox(store)] == [(1, "stock.received"), (2, "stock.adjusted")]
