"""The Midtrans adapter (official midtransclient) pointed at the stand-in: the requests it builds, the answers it
reads, and its failures as clear gateway errors that never carry the key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from synckit import start_server

from central.config import PaymentsTable
from central.gateways import build_gateway, gateway_base_url
from central.gateways.midtrans import MidtransGateway, snap_request, status_from
from central.services.gateway import GatewayError, Item
from central.standin.app import create_standin_app
from central.standin.ledger import Ledger
from common import qris
from common.payment_signature import signature, signed

KEY = "SB-Mid-server-adapter-test-key"


@pytest.fixture
def gateway() -> Iterator[tuple[MidtransGateway, Ledger]]:
    sent: list[dict[str, Any]] = []
    ledger = Ledger(KEY, sent.append)
    server, thread, base = start_server(create_standin_app(ledger))
    yield MidtransGateway(KEY, base_url=base, timeout=5), ledger
    server.shutdown()
    thread.join(timeout=5)


def test_snap_items_add_up_to_the_amount_or_become_one_line() -> None:
    items = [Item("SKU-1", "Aqua 330", 3_500, 2), Item("SKU-2", "Aqua 600", 4_500, 1)]
    body = snap_request("OT-1", 11_500, items, "http://x/back", 30)
    assert body["transaction_details"] == {"order_id": "OT-1", "gross_amount": 11_500}
    assert sum(i["price"] * i["quantity"] for i in body["item_details"]) == 11_500
    assert body["expiry"] == {"unit": "minutes", "duration": 30} and body["callbacks"]["finish"] == "http://x/back"
    whole = snap_request("OT-2", 11_000, items, "http://x/back", 30)  # a discount the lines do not show
    assert whole["item_details"] == [{"id": "ORDER", "name": "Order OT-2", "price": 11_000, "quantity": 1}]


def test_a_transaction_made_at_the_stand_in_reads_back_through_the_official_client(gateway) -> None:
    gw, ledger = gateway
    made = gw.create_transaction("OT-ABC-1", 7_000, [Item("SKU-1", "Aqua", 3_500, 2)], "http://x/back", 15)
    assert made.redirect_url.endswith("/snap/v2/vtweb/" + made.token)
    assert gw.status("OT-ABC-1").transaction_status == "created"  # nobody chose how to pay: Midtrans says 404
    ledger.pay(made.token)
    st = gw.status("OT-ABC-1")
    assert (st.transaction_status, st.gross_amount, st.paid) == ("settlement", 7_000, True)
    after = gw.refund("OT-ABC-1", "rf-1", 3_500, "broken")
    assert after.transaction_status == "partial_refund" and [r.amount for r in after.refunds] == [3_500]
    assert gw.refund("OT-ABC-1", "rf-1", 3_500, "broken").refunds == after.refunds  # the same key: once


def test_every_notification_the_stand_in_sends_is_signed_like_midtrans(gateway) -> None:
    gw, ledger = gateway
    made = gw.create_transaction("OT-SIG-1", 4_500, [], "", 15)
    ledger.pay(made.token)
    for body in ledger.sent:
        assert body["signature_key"] == signature(body["order_id"], body["status_code"], body["gross_amount"], KEY)
        assert signed(body, KEY) and not signed(body, KEY + "x")
    assert [b["transaction_status"] for b in ledger.sent] == ["pending", "settlement"]


def test_a_qris_charge_comes_back_as_a_valid_emvco_payload_with_the_amount(gateway) -> None:
    gw, _ = gateway
    charge = gw.charge_qris("OT-QR-1", 25_500, 15)
    fields = qris.parse(charge.qr_string)
    assert fields["54"] == "25500" and fields["01"] == qris.DYNAMIC and charge.qr_url


def test_a_wrong_key_is_refused_by_the_gateway_and_the_error_does_not_repeat_it(gateway) -> None:
    gw, _ = gateway
    wrong = MidtransGateway("SB-Mid-server-wrong", base_url=gw._core.api_config.CORE_SANDBOX_BASE_URL, timeout=5)
    with pytest.raises(GatewayError) as e:
        wrong.status("OT-1")
    assert e.value.code == "gateway_refused" and "wrong" not in e.value.message and KEY not in repr(gw)


def test_an_unreachable_or_unconfigured_gateway_is_a_clear_error() -> None:
    with pytest.raises(GatewayError) as e:
        MidtransGateway(KEY, base_url="http://127.0.0.1:9", timeout=2).status("OT-1")
    assert e.value.code == "gateway_unreachable"
    with pytest.raises(GatewayError) as e:
        MidtransGateway("", base_url="http://127.0.0.1:9").status("OT-1")
    assert e.value.code == "gateway_not_configured"


def test_config_points_the_adapter_at_the_stand_in_or_at_midtrans() -> None:
    assert gateway_base_url(PaymentsTable(standin_port=5300)) == "http://127.0.0.1:5300"
    assert gateway_base_url(PaymentsTable(gateway="midtrans")) == ""
    real = build_gateway(PaymentsTable(gateway="midtrans", server_key=KEY, is_production=True))
    assert "https://api.midtrans.com" in repr(real) and KEY not in repr(real)


def test_status_answers_with_refunds_are_read_in_rupiah() -> None:
    st = status_from(
        {
            "order_id": "OT-1",
            "transaction_status": "partial_refund",
            "gross_amount": "11500.00",
            "refunds": [{"refund_key": "k1", "refund_amount": "3500.00", "reason": "x"}],
        }
    )
    assert st.gross_amount == 11_500 and st.refunds[0].amount == 3_500 and st.rank == 3


def test_the_stand_in_page_pressed_again_after_paying_sends_the_shopper_back_to_the_shop_not_to_json(
    gateway,
) -> None:
    """Back from the shop to the gateway's page and Pay again (or a reload): the shopper is sent back to the
    shop's page with where the payment stands, and a paid page links back; never a raw 409 body."""
    gw, _ledger = gateway
    made = gw.create_transaction("OT-BACK-1", 7_000, [], "http://shop.test/shop/pay/back", 15)
    paid = requests.post(f"{made.redirect_url}/pay", data={"method": "qris"}, allow_redirects=False, timeout=10)
    back = "http://shop.test/shop/pay/back?order_id=OT-BACK-1&status_code=200&transaction_status=settlement"
    assert paid.status_code == 302 and paid.headers["Location"] == back
    again = requests.post(f"{made.redirect_url}/pay", data={"method": "qris"}, allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"] == back
    page = requests.get(made.redirect_url, timeout=10).text
    assert 'id="pay"' not in page and f'<a id="back" href="{back.replace("&", "&amp;")}">' in page
