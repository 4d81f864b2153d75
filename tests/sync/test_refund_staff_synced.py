"""Central keeps who made a till's refund, which manager approved it and on which shift, and which manager approved a
sale's cashier discounts; head office's sales page lists them (by the names the store's cash moves gave them, else by
staff id). An older event that does not say leaves them empty; a refund naming a malformed approver, or a shift of
another store, is recorded without them. Central on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from typing import Any

from checkkit import pusher
from promokit import promoted_sale
from sqlalchemy import select
from synckit import AQUA_330, STORE, agents, central, connect_store, pg_url, sell, signed_in_admin, sync_until_clean  # noqa: F401
from test_prices_and_cashier_discounts_synced import _sell

from central.services import dead_letters
from central.tables import CashMoveRecord, DeadLetter, Refund, Sale, ShiftRecord
from pos.services import cash_moves, refunds, shifts

MANAGER = {"staff_code": "9001", "pin": "4321"}


def _row(page: str, number: str) -> str:
    """The approvals table's row of this receipt, its tags and text."""
    found = re.search(rf'<tr data-kind="\w+" data-number="{re.escape(number)}".*?</tr>', page, re.S)
    assert found, f"{number} is not listed"
    return found.group(0)


def test_a_tills_refund_keeps_its_cashier_approver_and_shift_and_head_office_sees_who(
    central: Any, store: Any, open_till: Any, manager: Any, agents: Any
) -> None:
    connect_store(store, central)
    cash_moves.record(store, open_till, reason="safe_drop", amount=50_000, approval=MANAGER)  # names both
    sale = sell(store, open_till, [(AQUA_330, 2)])
    done = refunds.refund(store, open_till, sale["number"], [(sale["lines"][0]["id"], 1)], MANAGER)
    approved = _sell(store, open_till, [(AQUA_330, 2)], 2_000, approval=MANAGER)  # the cashier's 28%: approved
    with store.db.sessions() as s:
        shift = shifts.current_shift(s, "T1")
        assert shift is not None
        shift_id = shift.id
    sync_until_clean(agents())

    with central.ctx.db.sessions() as s:
        row = s.get(Refund, done["id"])
        assert row is not None
        assert (row.staff_id, row.approved_by, row.shift_id) == (open_till.staff_id, manager.staff_id, shift_id)
        kept = s.get(Sale, approved["id"])
        assert kept is not None and kept.discount_approved_by == manager.staff_id
        plain = s.get(Sale, sale["id"])
        assert plain is not None and plain.discount_approved_by is None
        move = s.scalars(select(CashMoveRecord)).one()
        names = move.staff_name, move.approver_name
    assert all(names), "cash.moved version 2 names the cashier and the manager"

    for lang, refund_words, discount_words in (
        ("en", f"Refund of Rp 3.500 on receipt {sale['number']}", "Discount of Rp 2.000"),
        ("id", f"Refund Rp 3.500 dari struk {sale['number']}", "Diskon Rp 2.000"),
    ):
        page = signed_in_admin(central, lang).get("/admin/sales").get_data(as_text=True)
        refund = _row(page, done["number"])
        assert refund_words in refund
        assert f'data-by="{open_till.staff_id}" data-approved-by="{manager.staff_id}"' in refund
        assert f"<td>{names[0]} <small>{open_till.staff_id}</small></td>" in refund, "the cashier by name"
        assert f"<td>{names[1]} <small>{manager.staff_id}</small></td>" in refund, "the manager by name"
        discount = _row(page, approved["number"])
        assert discount_words in discount and f'data-approved-by="{manager.staff_id}"' in discount
        assert f'data-number="{sale["number"]}"' not in page, "a sale no manager approved is not listed"


def _refund_event(sale: dict[str, Any], n: int, **said: Any) -> dict[str, Any]:
    line = sale["lines"][0]
    return {
        "id": str(uuid.uuid4()),
        "number": f"{STORE}-T1-90000{n}",
        "store_id": STORE,
        "sale_id": sale["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 3_500,
        "created_at": "2026-12-06T03:00:00",
        "lines": [{"id": str(uuid.uuid4()), "sale_line_id": line["id"], "sku": line["sku"], "qty": 1, "amount": 3_500}],
    } | said


def test_an_older_refund_leaves_them_empty_and_a_malformed_approver_or_anothers_shift_is_not_kept(
    central: Any,  # noqa: F811
) -> None:
    p = pusher(central, STORE)
    other = pusher(central, "TOKO-02")
    theirs = str(uuid.uuid4())
    other.applied("shift.opened", {"shift_id": theirs, "till_id": "T1", "opening_float": 0})
    sale = promoted_sale(STORE, 1, [("SKU-00001", 4, 3_500, 0, None)])
    p.applied("sale.completed", sale, version=4)
    older = _refund_event(sale, 1)  # an older till's: names no one
    hostile = _refund_event(sale, 2, staff_id="x" * 37, approved_by="<b>bos</b>", shift_id=theirs)
    honest = _refund_event(sale, 3, staff_id="kasir-1", approved_by="mgr-ayu")  # no shift open: none
    for event in (older, hostile, honest):
        p.applied("refund.completed", event)
    assert central.count(DeadLetter) == 0, "a refund is a fact: recorded all the same"
    with central.ctx.db.sessions() as s:
        kept = {r.number: (r.staff_id, r.approved_by, r.shift_id) for r in s.scalars(select(Refund))}
        assert s.get(ShiftRecord, theirs) is not None
    assert kept == {
        older["number"]: (None, None, None),
        hostile["number"]: (None, None, None),
        honest["number"]: ("kasir-1", "mgr-ayu", None),
    }
    page = signed_in_admin(central, "en").get("/admin/sales?from=06/12/2026&to=06/12/2026").get_data(as_text=True)
    assert "not sent" in _row(page, older["number"]) and "&lt;b&gt;" not in page and "<b>bos" not in page


def test_a_refund_retried_after_its_shift_closed_is_not_put_on_the_tills_later_shift(central: Any) -> None:  # noqa: F811
    p = pusher(central, STORE)
    first, later = str(uuid.uuid4()), str(uuid.uuid4())
    p.applied("shift.opened", {"shift_id": first, "till_id": "T1", "opening_float": 0})
    sale = promoted_sale(STORE, 1, [("SKU-00001", 4, 3_500, 0, None)])
    early = _refund_event(sale, 1, staff_id="kasir-1", approved_by="mgr-ayu")
    event = p.event("refund.completed", early)
    [refused] = p.send([event])  # its sale has not arrived: dead-lettered
    assert refused["outcome"] != "applied" and central.count(DeadLetter) == 1, refused
    p.applied("sale.completed", sale, version=4)
    on_time = _refund_event(sale, 2)
    p.applied("refund.completed", on_time)
    p.applied("shift.closed", {"shift_id": first, "till_id": "T1", "opening_float": 0})
    p.applied("shift.opened", {"shift_id": later, "till_id": "T1", "opening_float": 0})
    assert dead_letters.retry(central.ctx, event["event_id"])["retried"]
    with central.ctx.db.sessions() as s:
        kept = {r.number: (r.staff_id, r.approved_by, r.shift_id) for r in s.scalars(select(Refund))}
    assert kept == {
        on_time["number"]: (None, None, first),  # applied in order: the shift open on its till
        early["number"]: ("kasir-1", "mgr-ayu", None),  # the open shift is a later one: none rather than a wrong one
    }
