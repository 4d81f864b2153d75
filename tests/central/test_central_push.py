"""Applying pushed events: once, in store_seq order, conflicts and gaps told apart; the feed never skips."""

from __future__ import annotations

import threading

from racekit import at_once
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401

from central.services import catalog, feed
from central.services import push as push_service
from central.services.envelope import Event
from central.tables import Alert, AppliedEvent, DeadLetter, Sale, SaleLine, Tender


def ev(seq: int, payload: dict | None = None, type_: str = "sale.completed", event_id: str | None = None) -> Event:
    return make_event(seq, payload, type_, event_id)


def push(central, *events: Event) -> list[tuple[str, str | None]]:
    out = push_service.push(central.ctx, STORE, "TOKO-01-SYNC", list(events))
    return [(r["outcome"], r["code"]) for r in out["results"]]


def test_a_repeated_event_returns_its_first_result(central):
    good, poison = ev(1), ev(2, sale_payload(STORE, 2, skus=["NOPE"]))
    assert push(central, good, poison) == [("applied", None), ("rejected", "unknown_sku")]
    again = push_service.push(central.ctx, STORE, "x", [good, poison])["results"]
    assert [(r["outcome"], r["first_outcome"], r["code"]) for r in again] == [
        ("duplicate", "applied", None),
        ("duplicate", "rejected", "unknown_sku"),
    ]
    assert central.count(Sale) == 1 and central.count(DeadLetter) == 1


def test_the_same_event_id_with_another_payload_is_a_conflict_and_an_alert(central):
    first = ev(1)
    push(central, first)
    altered = ev(1, sale_payload(STORE, 1), event_id=first.event_id)
    results = push_service.push(central.ctx, STORE, "x", [altered])["results"]
    assert (results[0]["status"], results[0]["code"]) == (409, "payload_mismatch")
    assert central.count(Alert, Alert.kind == "payload_mismatch") == 1
    assert central.count(Sale) == 1
    push(central, altered)  # sent again: still one alert
    assert central.count(Alert) == 1


def test_a_gap_stops_the_batch_until_the_missing_events_arrive(central):
    e1, e2, e3, e4 = ev(1), ev(2), ev(3), ev(4)
    assert push(central, e1, e3, e4) == [("applied", None), ("gap", "seq_gap"), ("skipped", "after_gap")]
    assert central.count(Sale) == 1
    assert push(central, e4, e2, e3) == [("applied", None), ("applied", None), ("applied", None)]  # sorted by seq
    assert central.count(Sale) == 4


def test_a_new_event_claiming_a_used_store_seq_is_a_conflict(central):
    push(central, ev(1))
    r = push_service.push(central.ctx, STORE, "x", [ev(1)])["results"][0]
    assert (r["status"], r["outcome"], r["code"]) == (409, "conflict", "seq_taken")


def test_the_same_batch_delivered_by_several_requests_at_once_is_applied_once(central):
    events = [ev(i) for i in range(1, 31)]
    at_once(*[lambda: push_service.push(central.ctx, STORE, "x", events)] * 4)
    assert (central.count(Sale), central.count(SaleLine), central.count(Tender)) == (30, 60, 30)
    assert central.count(AppliedEvent) == 30


def test_a_sale_whose_line_id_is_already_at_central_is_dead_lettered_not_applied_half(central):
    first = sale_payload(STORE, 1)
    push(central, ev(1, first))
    clash = sale_payload(STORE, 2)
    clash["lines"][1]["id"] = first["lines"][0]["id"]
    assert push(central, ev(2, clash), ev(3)) == [("rejected", "conflicting_fact"), ("applied", None)]
    assert central.count(Sale) == 2 and central.count(SaleLine) == 4


def test_a_change_committed_late_never_falls_below_a_cursor_already_served(central):
    """A writer holds its feed number uncommitted; the page served meanwhile stops below it."""
    with central.ctx.db.sessions() as s:
        start = feed.head(s)[1]
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        with central.ctx.db.unit_of_work() as s:
            feed.append(s, central.ctx, [feed.FeedChange("promotion", "late", {"n": 1})])
            holding.set()
            release.wait(10)
        done.set()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    holding.wait(10)
    later = threading.Thread(target=lambda: catalog.set_price(central.ctx, "SKU-00001", 4100))
    later.start()  # a second writer, after the first: it must not become visible before the first
    later.join(timeout=0.5)
    pages: list[dict] = []
    reader = threading.Thread(target=lambda: pages.append(push_service.pull(central.ctx, STORE, start, 100)))
    reader.start()
    reader.join(timeout=0.5)  # PostgreSQL serves a page at once; SQLite's reader waits for the writers
    release.set()
    for t in (writer, later, reader):
        t.join(timeout=30)
    served = pages[0]
    seen = {c["key"] for c in served["changes"]}
    rest = push_service.pull(central.ctx, STORE, served["cursor"], 100)
    seen |= {c["key"] for c in rest["changes"]}
    assert {"late", "SKU-00001"} <= seen  # nothing skipped, whichever order the threads ran in
    seqs = [c["seq"] for c in served["changes"] + rest["changes"]]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
