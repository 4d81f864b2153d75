"""Issue 15, points 1-3 at the store server: secret keys, manager cookies and till tokens that end server-side,
PIN guessing locked and lifted by a manager, and staff codes that cannot be told apart by timing."""

from __future__ import annotations

import re
import statistics
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import text
from synckit import central, pg_url  # noqa: F401 - the central store fixture

from common.config_reader import ConfigError
from common.errors import DomainError
from pos.services import auth, setup
from pos.services.context import StoreContext

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Manager:
    """A browser on the manager screens (Flask's test client), reading the CSRF token off each page."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def csrf(self, path: str = "/manager/sign-in") -> str:
        return TOKEN.search(self.client.get(path).get_data(as_text=True)).group(1)  # type: ignore[union-attr]

    def sign_in(self, code: str = "9001", pin: str = "4321") -> Any:
        return self.client.post("/manager/sign-in", data={"staff_code": code, "pin": pin, "csrf_token": self.csrf()})

    def signed_in(self) -> bool:
        return self.client.get("/manager/stock").status_code == 200


@pytest.fixture
def app(store: StoreContext) -> Any:
    from pos.web.app import create_app

    return create_app(store.config, store.db)


@pytest.mark.parametrize("key", ["", "dev-only-change-me", "too-short-a-key"])
def test_the_store_server_will_not_start_with_no_key_the_built_in_one_or_a_short_one(store, key) -> None:
    from pos.web.app import create_app

    store.config.server.secret_key = key
    with pytest.raises(ConfigError) as refused:
        create_app(store.config, store.db)
    assert "[server] secret_key" in str(refused.value) and "\n" not in str(refused.value)


def test_a_manager_cookie_forged_with_the_old_built_in_key_is_refused(app, store) -> None:
    forger = Flask("forger")
    forger.secret_key = "dev-only-change-me"
    with store.db.sessions() as s:
        manager_id = s.scalar(text("SELECT id FROM staff WHERE code = '9001'"))
    forged = (
        SecureCookieSessionInterface()
        .get_signing_serializer(forger)
        .dumps(  # type: ignore[union-attr]
            {"manager": {"staff_id": manager_id, "at": int(time.time())}}
        )
    )
    client = app.test_client()
    client.set_cookie("omnitoko_store", forged)
    resp = client.get("/manager/stock")
    assert resp.status_code == 302 and "/manager/sign-in" in resp.headers["Location"]


def test_a_copied_manager_cookie_is_refused_after_sign_out(app) -> None:
    mine, thief = Manager(app), Manager(app)
    assert mine.sign_in().status_code == 302
    thief.client.set_cookie("omnitoko_store", mine.client.get_cookie("omnitoko_store").value)
    assert thief.signed_in()
    assert mine.client.post("/manager/sign-out", data={"csrf_token": mine.csrf("/manager/stock")}).status_code == 302
    assert not thief.signed_in()


def test_manager_sign_out_without_csrf_is_refused(app) -> None:
    mine = Manager(app)
    mine.sign_in()
    assert mine.client.post("/manager/sign-out", data={}).status_code == 400
    assert mine.signed_in()


def test_disabling_a_manager_or_a_new_pin_ends_every_session_at_once(app, store) -> None:
    screens = Manager(app)
    screens.sign_in()
    till_token, _ = auth.sign_in(store, "9001", "4321", "T1")
    setup.change_pin(store, "9001", "8642")
    assert not screens.signed_in()
    with pytest.raises(DomainError):
        auth.authenticate(store, till_token)
    screens.sign_in(pin="8642")
    till_token, _ = auth.sign_in(store, "9001", "8642", "T1")
    setup.set_staff_active(store, "9001", False)
    assert not screens.signed_in()
    with pytest.raises(DomainError):
        auth.authenticate(store, till_token)


def test_a_till_session_unused_for_the_idle_time_ends(store) -> None:
    start = datetime(2026, 11, 23, 8, 0)
    store.clock = lambda: start
    token, _ = auth.sign_in(store, "1001", "1234", "T1")
    store.clock = lambda: start + timedelta(minutes=store.config.security.idle_minutes - 1)
    auth.authenticate(store, token)  # used: the idle time starts again
    store.clock = lambda: start + timedelta(minutes=2 * store.config.security.idle_minutes - 2)
    auth.authenticate(store, token)
    store.clock = lambda: start + timedelta(minutes=3 * store.config.security.idle_minutes)
    with pytest.raises(DomainError):
        auth.authenticate(store, token)


def test_a_manager_screen_token_is_refused_as_a_till_bearer_token(app) -> None:
    mine = Manager(app)
    mine.sign_in()
    serializer = app.session_interface.get_signing_serializer(app)
    token = serializer.loads(mine.client.get_cookie("omnitoko_store").value)["manager"]
    assert mine.signed_in()
    assert app.test_client().get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_manager_cookie_is_httponly_samesite_and_secure_behind_an_https_proxy(store) -> None:
    from pos.web.app import create_app

    plain = Manager(create_app(store.config, store.db)).sign_in().headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    store.config.server.trust_proxy = True
    proxied = create_app(store.config, store.db).test_client()
    page = proxied.get("/manager/sign-in", headers={"X-Forwarded-Proto": "https"}).get_data(as_text=True)
    resp = proxied.post(
        "/manager/sign-in",
        headers={"X-Forwarded-Proto": "https"},
        data={"staff_code": "9001", "pin": "4321", "csrf_token": TOKEN.search(page).group(1)},
    )  # type: ignore[union-attr]
    assert resp.status_code == 302 and "Secure" in resp.headers["Set-Cookie"]


def test_a_locked_out_cashier_is_told_how_long_and_a_manager_unlocks_them(app, store) -> None:
    till = app.test_client()
    answers = [
        till.post("/api/v1/session", json={"staff_code": "1001", "pin": "0000", "till_id": "T1"})
        for _ in range(store.config.security.pin_attempts)
    ]
    assert [a.status_code for a in answers] == [401] * (store.config.security.pin_attempts - 1) + [423]
    locked = till.post("/api/v1/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"})
    assert locked.status_code == 423 and "locked for 5 minutes" in locked.get_json()["error"]["message"]

    mgr = Manager(app)
    mgr.sign_in()
    page = mgr.client.get("/manager/locks").get_data(as_text=True)
    assert "1001" in page
    lifted = mgr.client.post("/manager/locks", data={"key": "staff:1001", "csrf_token": mgr.csrf("/manager/locks")})
    assert lifted.status_code == 302
    assert till.post("/api/v1/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"}).status_code == 201
    audit = mgr.client.get("/manager/audit").get_data(as_text=True)
    assert "sign_in_unlocked" in audit or "staff:1001" in audit


def test_manager_pin_guesses_spread_over_staff_codes_from_one_address_are_slowed(app, store) -> None:
    store.clock = lambda: datetime(2026, 11, 23, 8, 0)
    mgr = Manager(app)
    tries = store.config.security.address_attempts + 1
    codes = [mgr.sign_in(code=str(5000 + i), pin="1111").status_code for i in range(tries)]
    assert codes == [401] * (tries - 1) + [429]
    held = mgr.sign_in()  # the right code and PIN from that address wait too, and are told how long
    assert held.status_code == 429 and "1 detik" in held.get_data(as_text=True)  # in the page's language


def test_an_unknown_staff_code_takes_as_long_as_a_wrong_pin(store) -> None:
    """Timing cannot tell which codes exist: medians of many tries, compared with each other (no fixed limit)."""
    store.config.security.pin_attempts = 10_000  # measure the check, not the lock
    setup.change_pin(store, "1001", "1234")  # hashed as a store hashes it (the test template's hashes are cheaper)

    def timed(code: str) -> float:
        began = time.perf_counter()
        with pytest.raises(DomainError):
            auth.sign_in(store, code, "0000", "T1")
        return time.perf_counter() - began

    timed("1001"), timed("7777")  # warm up: the dummy hash is made on first use
    wrong_pin, unknown = [], []
    for _ in range(15):  # interleaved, so a busy moment of the machine hits both alike
        wrong_pin.append(timed("1001"))
        unknown.append(timed("7777"))
    assert statistics.median(unknown) >= 0.5 * statistics.median(wrong_pin)
    assert statistics.median(wrong_pin) >= 0.5 * statistics.median(unknown)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_store_and_the_central_store_keep_their_sign_ins_in_cookies_of_their_own_names(app, central) -> None:
    """A browser keeps cookies by host, not port: on one host (the demo) the shop's or the admin's cookie must not
    replace the manager's, or opening the shop signs the manager out."""
    from test_admin_sessions import PASSWORD
    from test_admin_sessions import sign_in as admin_sign_in

    from central.services import stores

    stores.set_admin(central.ctx, "admin", PASSWORD)
    manager = Manager(app).sign_in()
    assert manager.status_code == 302 and manager.headers["Set-Cookie"].startswith("omnitoko_store=")
    admin = admin_sign_in(central.extra["app"].test_client())
    assert admin.status_code == 302 and admin.headers["Set-Cookie"].startswith("omnitoko_central=")
