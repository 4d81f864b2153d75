"""Issue 15, point 5: kiosks are registered devices. An unpaired client browses prices but prints nothing, sends no
cart and sees no points; a manager's pairing code pairs one kiosk, once, for a few minutes; a revoked kiosk is
refused; each paired kiosk may print and send carts only so often a minute (429 with Retry-After)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from racekit import at_once
from sqlalchemy import func, select
from test_forms_csrf import token_of

from common.errors import DomainError
from common.tables import utcnow
from pos.adapters.tables import KioskCart, KioskDevice, PrintJob
from pos.services import kiosk_devices

K = "/api/v1/kiosk"
HEADER = kiosk_devices.HEADER
CART = {"lines": [{"sku": "SKU-00001", "qty": 1}]}


def counts(store: Any) -> tuple[int, int]:
    """Kiosk tickets and print jobs the store holds: what an attacker on the Wi-Fi would like to grow."""
    with store.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(KioskCart)) or 0, s.scalar(
            select(func.count()).select_from(PrintJob)
        ) or 0


def refused(resp: Any, status: int, code: str) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    err = resp.get_json()["error"]
    assert err["code"] == code, err
    return str(err["message"])


def manager_client(api: Any) -> Any:
    client = api.app.test_client()
    signed = client.post(
        "/manager/sign-in",
        data={"staff_code": "9001", "pin": "4321", "csrf_token": token_of(client, "/manager/sign-in")},
    )
    assert signed.status_code == 302
    return client


def pairing_code_from_the_manager_page(client: Any) -> str:
    page = client.post("/manager/kiosks/code", data={"csrf_token": token_of(client, "/manager/kiosks")})
    assert page.status_code == 200
    found = re.search(r'id="pairing-code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', page.get_data(as_text=True))
    assert found, "the manager page shows the new pairing code"
    return found.group(1)


def test_an_unpaired_kiosk_checks_prices_but_prints_nothing_and_sends_no_cart(api: Any, store: Any) -> None:
    before = counts(store)
    no_device = {HEADER: ""}
    assert api.get(f"{K}/products?q=aqua", headers=no_device).status_code == 200
    assert api.get(f"{K}/categories", headers=no_device).status_code == 200
    assert api.post(f"{K}/cart/quote", CART, headers=no_device).status_code == 200
    for _ in range(20):  # the attack of the issue: slips printed as fast as the network allows
        message = refused(api.post(f"{K}/carts", CART, headers=no_device), 401, "kiosk_not_paired")
    assert "not paired" in message and "manager" in message
    refused(api.post(f"{K}/carts", CART, headers={HEADER: "made-up-token"}), 401, "kiosk_not_paired")
    refused(api.post(f"{K}/online-carts/open", {"code": "K7Q-42P"}, headers=no_device), 401, "kiosk_not_paired")
    refused(api.post(f"{K}/points", {"card": "M1.x.y"}, headers=no_device), 401, "kiosk_not_paired")
    refused(api.post(f"{K}/members", {"name": "A", "phone": "0812"}, headers=no_device), 401, "kiosk_not_paired")
    assert counts(store) == before


def test_a_manager_pairs_a_kiosk_which_then_prints_and_a_revoked_kiosk_is_refused(api: Any, store: Any) -> None:
    store.config.printer.kind = "file"  # a printer: each ticket is a print job
    manager = manager_client(api)
    code = pairing_code_from_the_manager_page(manager)
    paired = api.post(f"{K}/pair", {"code": code, "name": "kiosk-pintu"})
    assert paired.status_code == 201
    token = paired.get_json()["token"]
    assert api.get(f"{K}/device", headers={HEADER: token}).get_json()["name"] == "kiosk-pintu"
    before = counts(store)
    sent = api.post(f"{K}/carts", {**CART, "device_id": "spoofed"}, headers={HEADER: token})
    assert sent.status_code == 201 and sent.get_json()["print_job_id"]
    assert counts(store) == (before[0] + 1, before[1] + 1)
    with store.db.sessions() as s:
        assert s.scalar(select(KioskCart.device_id).order_by(KioskCart.created_at.desc())) == "kiosk-pintu"

    listing = manager.get("/manager/kiosks").get_data(as_text=True)
    device_id = re.search(r'data-device="([0-9a-f-]{36})"><td>kiosk-pintu<', listing)
    assert device_id, "the manager sees the kiosk in the list"
    revoked = manager.post(
        f"/manager/kiosks/{device_id.group(1)}/revoke", data={"csrf_token": token_of(manager, "/manager/kiosks")}
    )
    assert revoked.status_code == 302
    after_revoke = counts(store)
    message = refused(api.post(f"{K}/carts", CART, headers={HEADER: token}), 403, "kiosk_revoked")
    assert "kiosk-pintu" in message
    refused(api.get(f"{K}/device", headers={HEADER: token}), 403, "kiosk_revoked")
    said = refused(api.get(f"{K}/device?lang=id", headers={HEADER: token}), 403, "kiosk_revoked")
    assert said == "Kios kiosk-pintu dicabut oleh manajer: pasangkan lagi untuk memakainya"  # the kiosk's language
    said = refused(api.get(f"{K}/device?lang=id", headers={HEADER: "not-a-token"}), 401, "kiosk_not_paired")
    assert said.startswith("Kios ini belum dipasangkan dengan toko")
    assert counts(store) == after_revoke
    with store.db.sessions() as s:
        assert s.scalar(select(KioskDevice.revoked_at).where(KioskDevice.name == "kiosk-pintu")) is not None


def test_a_pairing_code_pairs_once_and_not_after_it_expires(api: Any, store: Any) -> None:
    code = kiosk_devices.new_pairing_code(store, "test-manager")["code"]
    assert api.post(f"{K}/pair", {"code": code.lower().replace("-", " ")}).status_code == 201  # typed loosely
    message = refused(api.post(f"{K}/pair", {"code": code}), 403, "bad_pairing_code")
    assert "used or expired" in message
    old = kiosk_devices.new_pairing_code(store, "test-manager", minutes=1)["code"]
    store.clock = lambda: utcnow() + timedelta(minutes=2)
    with pytest.raises(DomainError) as late:
        kiosk_devices.pair(store, old, "kiosk-late")
    assert late.value.code == "bad_pairing_code"


def test_guessing_pairing_codes_from_one_address_is_slowed_down(api: Any) -> None:
    answers = [api.post(f"{K}/pair", {"code": f"AAAA-AAA{n}"}).status_code for n in range(2, 9)]
    assert answers[:5] == [403] * 5 and 429 in answers[5:], answers
    wait = api.post(f"{K}/pair", {"code": "AAAA-AAAA"})
    assert wait.status_code == 429 and "must wait" in wait.get_json()["error"]["message"]
    assert int(wait.headers["Retry-After"]) == wait.get_json()["error"]["retry_after"] >= 1, wait.headers


def test_two_kiosks_typing_one_pairing_code_at_once_pair_one(store: Any) -> None:
    code = kiosk_devices.new_pairing_code(store, "test-manager")["code"]
    kiosks = at_once(
        *[lambda n=n: kiosk_devices.pair(store, code, n)["name"] for n in ("kiosk-a", "kiosk-b")],
        expected=(DomainError,),
    )
    results = [k.code if isinstance(k, DomainError) else k for k in kiosks]
    assert sorted(results)[0] == "bad_pairing_code" and sorted(results)[1] in ("kiosk-a", "kiosk-b"), results
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(KioskDevice)) == 1


def test_a_kiosk_that_prints_too_fast_gets_429_with_retry_after_and_others_are_not_slowed(api: Any, store: Any) -> None:
    api.app.extensions["omnitoko"].config.kiosk.prints_per_minute = 3
    api.app.extensions["omnitoko"].config.kiosk.carts_per_minute = 100
    api.app.extensions["omnitoko"].config.printer.kind = "file"
    fast = api.kiosk_token
    for _ in range(3):
        assert api.post(f"{K}/carts", CART, headers={HEADER: fast}).status_code == 201
    before = counts(store)
    limited = api.post(f"{K}/carts", CART, headers={HEADER: fast})
    message = refused(limited, 429, "kiosk_rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60 and "wait" in message
    assert counts(store) == before, "a refused request printed nothing and made no ticket"
    other = kiosk_devices.pair(store, kiosk_devices.new_pairing_code(store, "m")["code"], "kiosk-2")["token"]
    assert api.post(f"{K}/carts", CART, headers={HEADER: other}).status_code == 201


def test_opening_online_carts_is_limited_per_kiosk_too(api: Any) -> None:
    api.app.extensions["omnitoko"].config.kiosk.carts_per_minute = 2
    codes = [api.post(f"{K}/online-carts/open", {"code": "<bad>"}).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
