"""The Transaksi screen's services: finding receipts, a receipt's refundable lines, a refund priced before the
manager approves it, a cashier's lock-out said in minutes and lifted by a manager at the till."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from racekit import at_once
from servekit import clear_of_midnight
from service_steps import AQUA_330, AQUA_600, MANAGER, audit_log, sell

from common import i18n
from common.errors import Conflict, DomainError, Forbidden, Locked, NotFound
from pos.services import auth, manager_access, receipts, refunds, sales, shifts, transactions
from pos.services.auth import Actor
from pos.services.context import StoreContext


def on_till_two(store: StoreContext, manager: Actor) -> Actor:
    """The manager signed in at till T2 with its shift open: a second till beside `open_till`."""
    on_t2 = Actor(manager.staff_id, manager.code, manager.name, manager.role, "T2")
    shifts.open_shift(store, on_t2, 100_000)
    return on_t2


def line_of(sale: dict[str, Any], sku: str) -> str:
    return next(l["id"] for l in sale["lines"] if l["sku"] == sku)


def test_the_shift_list_is_newest_first_and_a_number_a_sequence_or_a_scanned_qr_finds_one(
    store: StoreContext, open_till: Actor
) -> None:
    # Both sales and the date searched for last are on the store's day by the real clock (the list's order needs it
    # to move): start well before midnight in Jakarta, so one day holds throughout.
    clear_of_midnight(ZoneInfo(store.config.store.timezone), timedelta(minutes=1))
    first = sell(store, open_till, [(AQUA_330, 1)])
    second = sell(store, open_till, [(AQUA_600, 2)], [("card", 9_000)])
    shown = transactions.find(store, open_till)
    assert [r["number"] for r in shown["items"]] == [second["number"], first["number"]]
    assert shown["items"][0]["total"] == 9_000 and shown["items"][0]["items"] == 2
    assert [r["number"] for r in transactions.find(store, open_till, "number", first["number"])["items"]] == [
        first["number"]
    ]
    seq = str(int(first["number"].rsplit("-", 1)[1]))  # "1": the cashier types the sequence alone
    assert [r["number"] for r in transactions.find(store, open_till, "number", seq)["items"]] == [first["number"]]
    scanned = receipts.digital_url(store, second["number"])  # what the wedge scanner types from the QR
    assert [r["number"] for r in transactions.find(store, open_till, "number", scanned)["items"]] == [second["number"]]
    assert [r["number"] for r in transactions.find(store, open_till, "amount", "Rp 9.000")["items"]] == [
        second["number"]
    ]
    today = transactions.shown_at(store, store.clock())[:10]
    assert len(transactions.find(store, open_till, "date", today)["items"]) == 2


def test_a_sequence_alone_finds_this_till_s_receipt_first(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    ours = sell(store, open_till, [(AQUA_330, 1)])
    on_t2 = on_till_two(store, manager)
    theirs = sell(store, on_t2, [(AQUA_600, 1)])  # T2's receipt 1, newer
    found = [r["number"] for r in transactions.find(store, open_till, "number", "1")["items"]]
    assert found == [ours["number"], theirs["number"]]
    found = [r["number"] for r in transactions.find(store, on_t2, "number", "1")["items"]]
    assert found == [theirs["number"], ours["number"]]


def test_a_forged_receipt_qr_is_refused_and_a_bad_date_says_how_to_type_it(
    store: StoreContext, open_till: Actor
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)])
    forged = f"http://127.0.0.1:5000/r/{sale['number']}/AAAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(NotFound) as e:
        transactions.detail(store, open_till, forged)
    assert e.value.code == "foreign_receipt"
    with pytest.raises(DomainError) as bad:
        transactions.find(store, open_till, "date", "31/02")
    assert bad.value.code == "bad_date"


def test_a_receipt_shows_what_is_left_to_refund_and_the_card_it_goes_back_to(
    store: StoreContext, open_till: Actor
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)], [("card", 11_500)])
    aqua = line_of(sale, "SKU-00001")
    q = refunds.quote(store, open_till, sale["number"], [(aqua, 1)])
    assert (q["amount"], q["tender_type"]) == (3_500, "card")
    refunds.refund(store, open_till, sale["number"], [(aqua, 1)], MANAGER, q["tender_type"])
    view = transactions.detail(store, open_till, sale["number"])
    assert view["refund_tender"] == "card"
    assert [(l["name"], l["refundable"]) for l in view["lines"]] == [
        ("Air Mineral Aqua 330ml", 1),
        ("Air Mineral Aqua 600ml", 1),
    ]
    assert len(view["refunds"]) == 1 and view["refunds"][0]["amount"] == 3_500
    entry = audit_log(store, "refund")[-1]
    assert '"amount":"Rp 3.500"' in entry.detail and '"receipt":"' + sale["number"] in entry.detail
    assert "Aqua 330ml x 1" in entry.detail and '"tender":"Kartu"' in entry.detail


def test_refunding_twice_or_more_than_sold_is_refused_with_what_is_left(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 2)])
    aqua = line_of(sale, "SKU-00001")
    with pytest.raises(DomainError) as over:
        refunds.quote(store, open_till, sale["number"], [(aqua, 3)])
    assert over.value.code == "refund_exceeds_sold" and over.value.detail == {"left": 2, "asked": 3}
    assert "tinggal 2 (diminta 3)" in i18n.error_message("id", over.value.code, "", over.value.detail)
    refunds.refund(store, open_till, sale["number"], [(aqua, 2)], MANAGER)
    with pytest.raises(Conflict) as twice:
        refunds.refund(store, open_till, sale["number"], [(aqua, 1)], MANAGER)
    assert twice.value.code == "already_refunded"


def test_a_cashier_cannot_approve_their_own_refund(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)])
    with pytest.raises(Forbidden) as e:
        refunds.refund(
            store, open_till, sale["number"], [(line_of(sale, "SKU-00001"), 1)], {"staff_code": "1001", "pin": "1234"}
        )
    assert e.value.code == "not_a_manager"
    assert transactions.detail(store, open_till, sale["number"])["refunds"] == []


def test_two_tills_refunding_one_receipt_at_once_one_wins_the_other_is_told(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)])
    on_t2 = on_till_two(store, manager)
    aqua = line_of(sale, "SKU-00001")
    attempts = at_once(
        *[
            lambda a=a: refunds.refund(store, a, sale["number"], [(aqua, 1)], MANAGER)["number"]
            for a in (open_till, on_t2)
        ],
        expected=(DomainError,),
    )
    results = [r.code if isinstance(r, DomainError) else r for r in attempts]
    assert "already_refunded" in results and sum(str(r).startswith("TOKO-01-") for r in results) == 1
    assert len(transactions.detail(store, open_till, sale["number"])["refunds"]) == 1


def test_a_locked_cashier_is_told_for_how_long_and_a_manager_unlocks_them_at_the_till(store: StoreContext) -> None:
    for _ in range(store.config.security.pin_attempts):
        with pytest.raises(DomainError):
            auth.sign_in(store, "1001", "0000", "T1")
    with pytest.raises(Locked) as e:
        auth.sign_in(store, "1001", "1234", "T1")
    minutes = store.config.security.lock_minutes
    assert f"coba lagi dalam {minutes} menit" in i18n.error_message("id", e.value.code, "", e.value.detail)
    assert f"locked for {minutes} minutes" in i18n.error_message("en", e.value.code, "", e.value.detail)
    with pytest.raises(Forbidden):  # a cashier (Budi) cannot unlock a cashier
        manager_access.unlock_at_till(store, "1001", {"staff_code": "1002", "pin": "2345"}, "T1")
    assert manager_access.unlock_at_till(store, "1001", MANAGER, "T1")
    assert auth.sign_in(store, "1001", "1234", "T1")[1].code == "1001"
    entry = audit_log(store, "sign_in_unlocked")[-1]
    assert entry.till_id == "T1" and "(1001)" in entry.detail
    with pytest.raises(DomainError) as again:
        manager_access.unlock_at_till(store, "1001", MANAGER, "T1")
    assert again.value.code == "not_locked"


def test_a_discount_over_100_percent_says_so(store: StoreContext, open_till: Actor) -> None:
    view = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    with pytest.raises(DomainError) as e:
        sales.apply_discount(store, open_till, view["id"], "percent", 150, approval=MANAGER)
    assert e.value.code == "discount_over_100"
    assert i18n.error_message("id", e.value.code, "", {}) == "Diskon persen paling banyak 100%"


def test_voiding_the_sale_under_way_is_audited_with_its_amount_and_items(store: StoreContext, open_till: Actor) -> None:
    view = sell(store, open_till, [(AQUA_330, 2)], [], complete=False)
    sales.void(store, open_till, view["id"], MANAGER)
    entry = audit_log(store, "sale_void")[-1]
    assert '"amount":"Rp 7.000"' in entry.detail and "Aqua 330ml x 2" in entry.detail


def test_a_rupiah_discount_over_the_price_says_so_before_any_approval(store: StoreContext, open_till: Actor) -> None:
    view = sell(store, open_till, [(AQUA_330, 1), (AQUA_600, 1)], [], complete=False)  # Rp 3.500 + Rp 4.500
    line = view["lines"][0]["id"]
    for line_id, most in ((line, 3_500), (None, 8_000)):
        with pytest.raises(DomainError) as e:  # no manager given: the amount is refused, not sent for approval
            sales.apply_discount(store, open_till, view["id"], "amount", 10_000, line_id=line_id)
        assert (e.value.code, e.value.detail["max"]) == ("discount_over_total", most)
    # Up to the price is a discount (a manager approves it, over the limit): the line is free.
    done = sales.apply_discount(store, open_till, view["id"], "amount", 3_500, line_id=line, approval=MANAGER)
    assert done["total"] == 4_500
