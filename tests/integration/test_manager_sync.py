"""The sync health page with what the sync agent records: last success and error, dead letters (retry or
discard, each audit logged and sent to central), reconciliation items and stock sold below zero."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from test_manager_pages import Browser, error_of

from pos.adapters.tables import AuditEntry, DeadLetterSeen, OutboxEvent, ReconciliationItem, StockMovement, SyncStatus
from pos.services import sync_health
from pos.services.context import StoreContext

EVENT = "0b5a4c1e-1111-4a5e-9c61-3c2f4e9d0001"


@pytest.fixture
def web(store: StoreContext) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def agent_ran(store: StoreContext, *, error: str | None = None) -> None:
    """What the agent writes after its rounds: a success, then (optionally) a failing round."""
    now = datetime(2026, 11, 23, 7, 0)
    with store.db.unit_of_work() as s:
        values: dict[str, Any] = {"last_round_at": now, "last_success_at": now - timedelta(minutes=5)}
        if error:
            values.update(last_error=error, last_error_at=now)
        s.execute(update(SyncStatus).where(SyncStatus.id == 1).values(**values))


def dead_letter(store: StoreContext) -> None:
    with store.db.unit_of_work() as s:
        s.add(
            DeadLetterSeen(
                event_id=EVENT,
                store_seq=7,
                type="sale.completed",
                status=422,
                code="unknown_sku",
                reason="SKU-99999 is not in the central catalog",
                seen_at=datetime(2026, 11, 23, 6, 0),
            )
        )


def test_a_store_that_never_synced_says_so(web: Browser, store: StoreContext) -> None:
    health = sync_health.sync_health(store)
    assert (health["state"], health["agent"], health["dead_letters"]) == ("not_synced", None, [])
    page = web.get("/manager/sync").get_data(as_text=True)
    assert 'id="not-synced"' in page and "Belum pernah sinkron" in page


def test_last_success_and_a_later_error_show_and_mark_the_store_as_needing_attention(
    web: Browser, store: StoreContext
) -> None:
    agent_ran(store)
    assert sync_health.sync_health(store)["state"] == "ok"
    agent_ran(store, error="central unreachable: connection refused")
    health = sync_health.sync_health(store)
    assert health["state"] == "error" and health["agent"]["last_error"].startswith("central unreachable")
    page = web.get("/manager/sync").get_data(as_text=True)
    assert "Ada masalah" in page and "central unreachable: connection refused" in page
    assert "23/11/2026 14:00" in page  # 07:00 UTC shown as Jakarta time


def test_a_dead_letter_is_listed_with_its_reason_and_a_retry_is_audit_logged_and_sent_to_central(
    web: Browser, store: StoreContext
) -> None:
    agent_ran(store)
    dead_letter(store)
    page = web.get("/manager/sync").get_data(as_text=True)
    assert "SKU-99999 is not in the central catalog" in page and "Kirim ulang" in page
    resp = web.post(f"/manager/sync/dead-letters/{EVENT}", {"action": "retry", "note": "SKU sudah ditambah"})
    assert resp.status_code == 302
    with store.db.sessions() as s:
        assert s.get(DeadLetterSeen, EVENT).resolution == "retry_asked"
        event = s.scalar(select(OutboxEvent).where(OutboxEvent.type == "dead_letter.retry"))
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "dead_letter_retry"))
    assert json.loads(event.payload)["event_id"] == EVENT and json.loads(event.payload)["note"] == "SKU sudah ditambah"
    assert entry.ref_id == EVENT and entry.approved_by == entry.requested_by
    assert "Kirim ulang diminta" in web.get("/manager/sync").get_data(as_text=True)

    again = web.post(f"/manager/sync/dead-letters/{EVENT}", {"action": "discard"})
    assert again.status_code == 409 and "sudah dikirim ke pusat" in error_of(again)


def test_discarding_a_dead_letter_is_audit_logged_too(web: Browser, store: StoreContext) -> None:
    agent_ran(store)
    dead_letter(store)
    assert web.post(f"/manager/sync/dead-letters/{EVENT}", {"action": "discard"}).status_code == 302
    with store.db.sessions() as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.ref_id == EVENT)) == "dead_letter_discard"
    assert "<td>Buang event gagal</td>" in web.get("/manager/audit?action=dead_letter_discard").get_data(as_text=True)


@pytest.mark.parametrize(("event_id", "action", "status"), [(EVENT, "explode", 422), ("no-such-event", "retry", 404)])
def test_a_bad_dead_letter_action_is_refused_and_changes_nothing(
    web: Browser, store: StoreContext, event_id: str, action: str, status: int
) -> None:
    agent_ran(store)
    dead_letter(store)
    resp = web.post(f"/manager/sync/dead-letters/{event_id}", {"action": action})
    assert resp.status_code == status and error_of(resp)
    with store.db.sessions() as s:
        assert s.get(DeadLetterSeen, EVENT).resolution is None
        assert s.scalar(select(OutboxEvent.event_id)) is None


def test_reconciliation_items_from_central_and_stock_below_zero_are_listed(web: Browser, store: StoreContext) -> None:
    with store.db.unit_of_work() as s:
        s.add(
            ReconciliationItem(
                id="rec-1",
                kind="below_zero",
                sku="SKU-00001",
                ref_id="TOKO-01-T1-000042",
                message="Sold 3 with none on hand while offline",
                raised_at=datetime(2026, 11, 23),
            )
        )
        s.add(
            ReconciliationItem(
                id="rec-2",
                kind="cart_conflict",
                message="done",
                raised_at=datetime(2026, 11, 22),
                resolved_at=datetime(2026, 11, 22, 1),
            )
        )
    assert [i["id"] for i in sync_health.sync_health(store)["reconciliation"]] == ["rec-1"]  # open items only
    assert "Sold 3 with none on hand while offline" in web.get("/manager/sync").get_data(as_text=True)


def test_stock_sold_below_zero_is_listed_for_the_manager(web: Browser, store: StoreContext) -> None:
    with store.db.unit_of_work() as s:
        s.add(StockMovement(sku="SKU-00001", qty=-1000, kind="sale"))
    assert [r["sku"] for r in sync_health.sync_health(store)["below_zero"]] == ["SKU-00001"]
    page = web.get("/manager/sync").get_data(as_text=True)
    assert "Air Mineral Aqua 330ml" in page.split("Stok minus")[1]
