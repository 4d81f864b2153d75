"""Points for orders paid in the online shop (stand-in gateway and central over real HTTP, SQLite and PostgreSQL):
the shopper gives their member card in the cart, the paid order earns by the rule on its goods (not the delivery
fee), once however often the gateway says so, and a refund takes its share back; a wrong or blocked card earns
nothing and is refused in the shopper's language."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from paykit import AQUA_600, Shopper, new_cart, standin, text_of  # noqa: F401
from sqlalchemy import func, select
from synckit import central, pg_url, stock_up  # noqa: F401

from central.services import loyalty, payments
from central.services.fulfilment import Choice
from central.tables import Member, Payment, PointsEntry
from common.errors import Conflict, DomainError


def member(central: Any, name: str = "Budi Santoso", phone: str = "081234567890") -> dict[str, Any]:
    return loyalty.sign_up(central.ctx, name, phone, None, "online")


def points(central: Any, member_id: str) -> tuple[int, int, list[tuple[str, int, str | None]]]:
    """The member's balance, the sum of their ledger, and its entries (kind, points, where) oldest first."""
    with central.ctx.db.sessions() as s:
        balance = s.get_one(Member, member_id).balance
        total = s.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.member_id == member_id)
        )
        rows = s.execute(
            select(PointsEntry.kind, PointsEntry.points, PointsEntry.store_id)
            .where(PointsEntry.member_id == member_id)
            .order_by(PointsEntry.created_at, PointsEntry.points.desc())
        )
        return balance, int(total or 0), [tuple(r) for r in rows]


def test_a_delivered_order_earns_on_its_goods_once_and_refunds_take_their_share_back(central, standin):
    stock_up(central)
    m = member(central)
    cart = new_cart(central.ctx, [(AQUA_600, 30)])  # Rp 135.000 of goods: 13 points at 1 per Rp 10.000
    choice = Choice("delivery", None, "Budi", "Jl. Kemang Raya 12")
    view = payments.start(central.ctx, cart["id"], central.url + "/shop/pay/back", choice, m["id"])
    assert view["amount"] == 150_000, "with the Rp 15.000 delivery fee"
    standin.press(view["redirect_url"], "pay", "qris")
    assert points(central, m["id"]) == (13, 13, [("earn", 13, "ONLINE")]), "the fee earns nothing"
    assert payments.check(central.ctx, view["order_id"])["points"] == 13, "asked again: still earned once"

    payments.refund(central.ctx, view["id"], 75_000, "half of it was short")
    balance, ledger, entries = points(central, m["id"])
    assert (balance, ledger, entries[-1]) == (6, 6, ("reverse", -7, "ONLINE")), "half the order: its share back"
    payments.refund(central.ctx, view["id"], 75_000, "the rest cancelled")
    assert points(central, m["id"])[:2] == (0, 0), "refunded in full: every point it earned is taken back"


PICKUP = Choice("pickup", "TOKO-01", "Budi")


def start(central: Any, bottles: int, member_id: str | None) -> dict[str, Any]:
    """A cart of `bottles` Aqua 600ml (Rp 4.500 each) to collect at TOKO-01, sent to the gateway with this card."""
    cart = new_cart(central.ctx, [(AQUA_600, bottles)])
    return payments.start(central.ctx, cart["id"], central.url + "/shop/pay/back", PICKUP, member_id)


def test_a_card_blocked_before_the_gateway_confirms_earns_nothing_and_a_payment_without_a_card_neither(
    central, standin
):
    stock_up(central)
    m = member(central)
    view = start(central, 30, m["id"])
    loyalty.set_blocked(central.ctx, m["id"], True)
    standin.press(view["redirect_url"], "pay", "qris")
    plain = start(central, 30, None)
    standin.press(plain["redirect_url"], "pay", "qris")
    assert points(central, m["id"]) == (0, 0, [])
    assert central.count(PointsEntry) == 0 and central.count(Payment, Payment.status == "settlement") == 2


def card_box(shopper: Shopper) -> str:
    """The cart page's member card box, as read."""
    return text_of(shopper.get("/shop/cart").text.split('id="member-card"')[1].split("</section>")[0])


def has_card(shopper: Shopper) -> bool:
    return 'id="card-given"' in shopper.get("/shop/cart").text


def test_the_shopper_gives_their_card_in_the_cart_sees_what_it_earns_and_the_paid_order_says_so(central, standin):
    m = member(central)
    shopper = Shopper(central.url)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="30")
    assert "Punya kartu member? Pesanan ini memberi 13 poin." in card_box(shopper)
    refused = shopper.post("/shop/card/", number=m["number"], phone="081200000000")
    assert "Nomor HP dan nomor member tidak cocok" in text_of(refused.text) and "Bu** Sa*****" not in refused.text
    shopper.post("/shop/card/", number=m["number"], phone="0812-3456-7890")
    said = card_box(shopper)
    assert f"Bu** Sa***** · No. member {m['number']}" in said and "memberi +13 poin ke kartu ini" in said
    assert "Budi Santoso" not in said, "the name is masked: a shared screen shows no one's full name"

    back = shopper.pay_pickup("Budi")
    assert "+13 poin masuk ke kartu member Anda" in text_of(back.text)
    assert points(central, m["id"])[:2] == (13, 13)
    account = requests.get(central.url + loyalty_link(central, m), timeout=10).text
    assert "dapat poin Toko Online +13" in text_of(account.split('id="history"')[1].split("</table>")[0])


def loyalty_link(central: Any, m: dict[str, Any]) -> str:
    app = central.extra["app"]
    with app.test_request_context():
        from central.web.loyalty_pages import account_url

        return account_url(m)


def test_the_account_page_shops_with_its_card_and_not_my_card_forgets_it(central, standin):
    m = member(central)
    shopper = Shopper(central.url, "en")
    page = shopper.get(loyalty_link(central, m))
    action = html.unescape(
        re.search(
            r'<form method="post" action="([^"]+)">\s*<input[^>]+>\s*<button type="submit" '
            r'id="shop-with-card"',
            page.text,
        ).group(1)
    )  # type: ignore[union-attr]
    forged = shopper.s.post(central.url + action.replace("k=", "k=x"), data={"csrf_token": shopper.csrf}, timeout=10)
    assert forged.status_code == 404, "a link without the account's key is no sign-in"
    shop = shopper.post(action)
    assert shop.url.endswith("/shop/") and "Member card kept" in text_of(shop.text)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="3")
    assert f"Member no. {m['number']}" in card_box(shopper) and "earns +1 point on this card" in card_box(shopper)
    lapsed = shopper.s.post(central.url + "/shop/card/forget", data={"csrf_token": "lapsed"}, timeout=10)
    box = box_of(lapsed.text)
    assert "The form was not valid or has expired" in text_of(box) and 'id="card-given"' in box, "said, not ignored"
    shopper.post("/shop/card/forget")
    assert "Have a member card? This order earns 1 point." in card_box(shopper)


def test_an_account_page_left_open_past_its_token_says_so_in_words_and_can_be_pressed_again(central, standin):
    m = member(central)
    shopper = Shopper(central.url)
    page = shopper.get(loyalty_link(central, m)).text
    for button in ("shop-with-card", "make-spend-code"):
        action = re.search(
            rf'<form method="post" action="([^"]+)">\s*<input[^>]+>\s*<button type="submit" id="{button}"', page
        )
        assert action, button
        stale = shopper.s.post(central.url + html.unescape(action.group(1)), data={"csrf_token": "lapsed"}, timeout=10)
        said = text_of(stale.text)
        assert stale.status_code == 400 and "Formulir tidak valid atau sudah kedaluwarsa" in said, said[:300]
        assert 'id="shop-with-card"' in stale.text and not has_card(shopper), "the page again, to press once more"
    loyalty.set_blocked(central.ctx, m["id"], True)  # blocked by head office while the page was open
    blocked = shopper.post(html.unescape(re.search(r'action="([^"]+/shop\?[^"]+)"', page).group(1)))  # type: ignore[union-attr]
    assert blocked.status_code == 403 and "diblokir" in text_of(blocked.text) and not has_card(shopper)


def test_a_blocked_card_or_a_form_without_its_token_is_refused_and_no_card_is_kept(central, standin):
    m = member(central)
    loyalty.set_blocked(central.ctx, m["id"], True)
    shopper = Shopper(central.url)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="3")
    refused = shopper.post("/shop/card/", number=m["number"], phone="081234567890")
    assert "Member diblokir" in text_of(refused.text) and not has_card(shopper)
    loyalty.set_blocked(central.ctx, m["id"], False)
    no_token = shopper.s.post(
        central.url + "/shop/card/", data={"number": m["number"], "phone": "081234567890"}, allow_redirects=False
    )
    assert no_token.status_code == 302 and not has_card(shopper), "a form posted from another site keeps no card"
    letters = shopper.post("/shop/card/", number=m["number"], phone="nol delapan")
    assert "Ketik nomor HP yang benar" in text_of(letters.text) and not has_card(shopper)
    long = shopper.post("/shop/card/", number="9" * 500, phone="0" * 500)
    assert long.status_code == 200 and "Isi nomor member dan nomor HP" in text_of(long.text)


def box_of(page: str) -> str:
    """The member card box of a cart page already fetched (a refusal is said there once)."""
    return page.split('id="member-card"')[1].split("</section>")[0]


def test_a_refused_card_is_said_in_its_box_with_what_was_typed_and_a_number_typed_in_groups_is_taken(central, standin):
    m = member(central)
    shopper = Shopper(central.url)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="3")
    refused = box_of(shopper.post("/shop/card/", number=m["number"], phone="081200000000").text)
    assert "Nomor HP dan nomor member tidak cocok" in text_of(refused), "said where the page opens (#member-card)"
    assert f'value="{m["number"]}"' in refused and 'value="081200000000"' in refused, "kept to correct, not retyped"
    empty = box_of(shopper.post("/shop/card/", number="", phone="").text)
    assert "Isi nomor member dan nomor HP" in text_of(empty)
    assert "tidak cocok" not in card_box(shopper), "said once: the cart page opened again is clean"

    number = m["number"]
    grouped = f"{number[:4]} {number[4:8]}-{number[8:]}"  # as copied from a card or a receipt
    shopper.post("/shop/card/", number=grouped, phone="0812 3456 7890")
    assert has_card(shopper)
    found = shopper.s.get(central.url + "/account", timeout=10)
    token = re.search(r'id="find-csrf_token" name="find-csrf_token" type="hidden" value="([^"]+)"', found.text)
    assert token, found.text[:500]
    opened = shopper.s.post(
        central.url + "/account",
        data={"find-csrf_token": token.group(1), "find-phone": "081234567890", "find-number": grouped},
        allow_redirects=False,
        timeout=10,
    )
    assert opened.status_code == 302 and f"/account/{number}?k=" in opened.headers["Location"]


def test_a_card_blocked_after_it_was_given_is_said_blocked_in_the_cart_not_dropped_without_a_word(central, standin):
    m = member(central)
    shopper = Shopper(central.url)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="30")
    shopper.post("/shop/card/", number=m["number"], phone="081234567890")
    assert "memberi +13 poin" in card_box(shopper)
    loyalty.set_blocked(central.ctx, m["id"], True)  # by head office, while the cart is open
    said = card_box(shopper)
    assert "Kartu ini diblokir: pesanan tidak memberi poin" in said and "+13" not in said
    assert f"No. member {m['number']}" in said and "Bukan kartu saya" in said, "whose card it is, and a way out"


def test_orders_paid_at_once_on_one_card_each_earn_once_while_every_status_check_runs_twice(central, standin):
    stock_up(central)
    m = member(central)
    views = [start(central, 10 + i, m["id"]) for i in range(6)]

    def pay(view: dict[str, Any]) -> None:
        standin.press(view["redirect_url"], "pay", "qris")  # the gateway notifies central, which checks

    def check(view: dict[str, Any]) -> None:
        payments.check(central.ctx, view["order_id"])  # the shopper's return page asks at the same moment

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda job: job[0](job[1]), [(f, v) for v in views for f in (pay, check, check)]))
    for v in views:
        payments.check(central.ctx, v["order_id"])
    want = sum((4_500 * (10 + i)) // 10_000 for i in range(6))  # Rp 4.500 a bottle, 1 point per Rp 10.000
    balance, ledger, entries = points(central, m["id"])
    assert (balance, ledger, len(entries)) == (want, want, 6), "each order earned once, balance = ledger"


def delivered(central: Any, standin: Any, m: dict[str, Any]) -> dict[str, Any]:
    """Rp 135.000 of goods delivered (13 points) with the Rp 15.000 fee, paid: Rp 150.000."""
    cart = new_cart(central.ctx, [(AQUA_600, 30)])
    view = payments.start(central.ctx, cart["id"], central.url + "/shop/pay/back", DELIVERY, m["id"])
    standin.press(view["redirect_url"], "pay", "qris")
    assert points(central, m["id"])[:2] == (13, 13)
    return view


DELIVERY = Choice("delivery", None, "Budi", "Jl. Kemang Raya 12")


def test_a_refund_of_the_delivery_fee_alone_takes_back_no_points_and_the_goods_refund_takes_them_all(central, standin):
    stock_up(central)
    m = member(central)
    view = delivered(central, standin, m)

    payments.refund(central.ctx, view["id"], 15_000, "late delivery", fee=True)
    assert points(central, m["id"])[:2] == (13, 13), "the fee earned nothing: nothing taken back"
    with pytest.raises(Conflict) as no_fee:  # the whole fee is back already
        payments.refund(central.ctx, view["id"], 1, "again", fee=True)
    assert no_fee.value.code == "no_fee_to_refund"

    payments.refund(central.ctx, view["id"], 67_500, "half the goods were short")
    assert points(central, m["id"])[:2] == (6, 6), "half the goods: half their 13 points (rounded half up) back"
    payments.refund(central.ctx, view["id"], 67_500, "the rest")
    balance, ledger, entries = points(central, m["id"])
    assert (balance, ledger) == (0, 0) and [k for k, _, _ in entries] == ["earn", "reverse", "reverse"]


def test_a_fee_refund_is_refused_beyond_the_fee_or_on_an_order_collected_with_none(central, standin):
    stock_up(central)
    m = member(central)
    view = delivered(central, standin, m)
    with pytest.raises(DomainError) as too_much:
        payments.refund(central.ctx, view["id"], 15_001, "more than the fee", fee=True)
    assert (too_much.value.code, too_much.value.detail["max"]) == ("fee_refund_too_much", 15_000)
    payments.refund(central.ctx, view["id"], 5_000, "part of the fee", fee=True)
    with pytest.raises(DomainError) as rest:
        payments.refund(central.ctx, view["id"], 10_001, "the rest and a bit", fee=True)
    assert (rest.value.code, rest.value.detail["max"]) == ("fee_refund_too_much", 10_000)

    collected = start(central, 10, m["id"])  # collected at the store: no fee
    standin.press(collected["redirect_url"], "pay", "qris")
    with pytest.raises(Conflict) as none:
        payments.refund(central.ctx, collected["id"], 1_000, "no fee here", fee=True)
    assert none.value.code == "no_fee_to_refund"
    with central.ctx.db.sessions() as s:
        assert [s.get_one(Payment, v["id"]).refunded for v in (view, collected)] == [5_000, 0], "nothing else sent"
    assert points(central, m["id"])[0] == 13 + 4, "the fee's refund took back nothing"


def test_two_fee_refunds_made_at_once_never_keep_the_points_of_goods_refunded(central, standin):
    """Two admins refund the whole fee at the same moment: both may pass the check before either is recorded. The
    money beyond the fee then counts as goods, and their points are taken back."""
    stock_up(central)
    m = member(central)
    view = delivered(central, standin, m)

    def fee_back(_: int) -> str:
        try:
            payments.refund(central.ctx, view["id"], 15_000, "late delivery", fee=True)
            return "refunded"
        except DomainError as e:
            return e.code

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(fee_back, range(2)))
    with central.ctx.db.sessions() as s:
        refunded = s.get_one(Payment, view["id"]).refunded
    balance, ledger, _ = points(central, m["id"])
    if outcomes == ["no_fee_to_refund", "refunded"]:
        assert (refunded, balance, ledger) == (15_000, 13, 13)
    else:  # both went through: Rp 15.000 of goods refunded, 1 of their 13 points back (13 x 15/135, half up)
        assert (outcomes, refunded, balance, ledger) == (["refunded", "refunded"], 30_000, 12, 12)
