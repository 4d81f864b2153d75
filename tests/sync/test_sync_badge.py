"""The till's sync badge: its level and its words, in Bahasa Indonesia and English, and its live emission."""

from __future__ import annotations

from datetime import datetime, timedelta

from synckit import STORE, queue_events, queue_sales

from pos.adapters.tables import DeadLetterSeen
from sync_agent.badge import current_badge, start_badge_emitter
from sync_agent.status import badge

NOW = datetime(2026, 11, 23, 14, 0, 0)


def queue(depth=0, sales=0, oldest=None, dead=0):
    return {"queue_depth": depth, "sales_waiting": sales, "oldest_unsent_at": oldest, "dead_letters": dead}


def status(**kw):
    base = {
        "last_round_at": NOW - timedelta(seconds=3),
        "last_success_at": NOW - timedelta(seconds=3),
        "last_error_at": None,
    }
    return {**base, **kw}


def test_in_step_is_green():
    b = badge(status(), queue(), NOW, True, 5)
    assert (b["level"], b["text"], b["text_en"]) == ("ok", "Tersinkron", "in sync")


def test_offline_for_two_hours_with_sales_waiting_is_red_and_says_so():
    b = badge(
        status(last_success_at=NOW - timedelta(hours=2), last_error_at=NOW - timedelta(seconds=4)),
        queue(143, 143, NOW - timedelta(hours=2)),
        NOW,
        True,
        5,
    )
    assert b["level"] == "error"
    assert b["text"] == "Offline 2 jam, 143 penjualan menunggu"
    assert b["text_en"] == "offline 2 h, 143 sales waiting"


def test_one_sale_or_one_event_waiting_is_said_in_the_singular():
    one_sale = badge(
        status(last_success_at=NOW - timedelta(hours=2)), queue(1, 1, NOW - timedelta(hours=2)), NOW, True, 5
    )
    assert one_sale["text_en"].endswith(", 1 sale waiting") and one_sale["text"].endswith("1 penjualan menunggu")
    one_event = badge(
        status(last_success_at=NOW - timedelta(hours=2)), queue(1, 0, NOW - timedelta(hours=2)), NOW, True, 5
    )
    assert one_event["text_en"].endswith(", 1 event waiting")


def test_offline_a_few_minutes_is_amber():
    b = badge(
        status(last_success_at=NOW - timedelta(minutes=3), last_error_at=NOW),
        queue(2, 1, NOW - timedelta(minutes=3)),
        NOW,
        True,
        5,
    )
    assert b["level"] == "warn" and b["text_en"] == "offline 3 min, 1 sales (+1 other) waiting"


def test_a_stopped_agent_and_refused_events_and_no_config_are_shown():
    stopped = badge(
        status(last_round_at=NOW - timedelta(minutes=10), last_success_at=NOW - timedelta(minutes=10)),
        queue(5, 5, NOW - timedelta(minutes=2)),
        NOW,
        True,
        5,
    )
    assert stopped["level"] == "warn" and stopped["text_en"] == "sync agent not running, 5 sales waiting"
    refused = badge(status(), queue(dead=2), NOW, True, 5)
    assert refused["level"] == "error" and "2 events refused by central" in refused["text_en"]
    unset = badge(None, queue(), NOW, False, 5)
    assert unset["level"] == "warn" and unset["text"] == "Sinkronisasi belum diatur"


def test_the_badge_reads_the_store_database(store):
    store.config.sync.central_url, store.config.sync.token = "http://127.0.0.1:9", "t"
    queue_sales(store.db, 3)
    queue_events(store.db, STORE, [("shift.opened", {"shift_id": "s1", "till_id": "T1", "opening_float": 0})])
    with store.db.unit_of_work() as s:
        s.add(
            DeadLetterSeen(
                event_id="e1",
                store_seq=1,
                type="sale.completed",
                status=422,
                code="unknown_sku",
                reason="SKU X is not in the central catalog",
                seen_at=NOW,
            )
        )
    b = current_badge(store.db, store.config, NOW)
    assert (b["queue"], b["sales_waiting"], b["dead_letters"]) == (4, 3, 1)
    assert b["level"] == "error"


def test_the_store_server_emits_sync_status_to_the_tills(store, config):
    from pos.web.app import create_app, socketio_of

    app = create_app(config, db=store.db)
    socketio = socketio_of(app)
    client = socketio.test_client(app)
    stop = start_badge_emitter(socketio.emit, store.db, store.config, every=0.05, clock=lambda: NOW)
    try:
        import time

        for _ in range(100):
            got = [m for m in client.get_received() if m["name"] == "sync_status"]
            if got:
                break
            time.sleep(0.05)
    finally:
        stop.set()
    assert got and got[0]["args"][0]["text"] == "Sinkronisasi belum diatur"
