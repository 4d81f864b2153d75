"""Issue 15, points 1-3 at the central admin: forged and copied cookies, sign-out, disabled admins, CSRF on
sign-out, cookie flags, and password guessing slowed down, locked, and the lock lifted by another admin."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401

from central.services import admin_auth, stores
from central.tables import SignInThrottle

PASSWORD = "rahasia-1234"


def csrf(client: Any, path: str = "/admin/login") -> str:
    """The form's token; the admin reads English here (the choice is remembered), as these tests assert its words."""
    html = client.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def sign_in(client: Any, username: str = "admin", password: str = PASSWORD, **kw: Any) -> Any:
    return client.post(
        "/admin/login", data={"username": username, "password": password, "csrf_token": csrf(client)}, **kw
    )


def signed_cookie(secret: str, data: dict[str, Any]) -> str:
    """A session cookie as Flask would sign it with `secret` (what an attacker who knows a key can make)."""
    forger = Flask("forger")
    forger.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(data)  # type: ignore[union-attr]


@pytest.fixture
def admin_app(central: Any) -> Any:
    stores.set_admin(central.ctx, "admin", PASSWORD)
    return central.extra["app"]


def test_a_cookie_forged_with_the_old_built_in_key_or_for_an_admin_who_does_not_exist_is_refused(
    admin_app, central
) -> None:
    client = admin_app.test_client()
    real_key = central.ctx.config.server.secret_key
    forged = [
        signed_cookie("dev-only-change-me", {"admin": "admin"}),  # the attack of the issue, old cookie shape
        signed_cookie("dev-only-change-me", {"admin_session": "x" * 43}),
        signed_cookie(real_key, {"admin": "ghost"}),  # even with the real key: no session row, no entry
        signed_cookie(real_key, {"admin_session": "not-a-session-token"}),
    ]
    for cookie in forged:
        client.set_cookie("omnitoko_central", cookie)
        resp = client.get("/admin/")
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"], cookie
    assert sign_in(client).status_code == 302 and client.get("/admin/").status_code == 200  # the real way works


def test_a_copied_cookie_stops_working_when_the_admin_signs_out(admin_app) -> None:
    mine, thief = admin_app.test_client(), admin_app.test_client()
    assert sign_in(mine).status_code == 302
    thief.set_cookie("omnitoko_central", mine.get_cookie("omnitoko_central").value)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives...
    out = mine.post("/admin/logout", data={"csrf_token": csrf(mine, "/admin/")})
    assert out.status_code == 302
    assert thief.get("/admin/").status_code == 302  # ...and not after sign-out: it ended at the server


def test_sign_out_without_its_csrf_token_is_refused_and_the_session_goes_on(admin_app) -> None:
    client = admin_app.test_client()
    sign_in(client)
    resp = client.post("/admin/logout", data={})
    assert resp.status_code == 400 and "nothing changed" in resp.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_disabling_an_admin_or_changing_the_password_ends_every_session(admin_app, central) -> None:
    laptop, phone = admin_app.test_client(), admin_app.test_client()
    sign_in(laptop)
    sign_in(phone)
    admin_auth.set_password(central.ctx, "admin", "ganti-kata-sandi-2026")
    assert laptop.get("/admin/").status_code == 302 and phone.get("/admin/").status_code == 302
    assert sign_in(laptop, password="ganti-kata-sandi-2026").status_code == 302
    admin_auth.set_active(central.ctx, "admin", active=False)
    assert laptop.get("/admin/").status_code == 302
    assert sign_in(laptop, password="ganti-kata-sandi-2026").status_code == 401  # and no new one


def test_a_session_ends_after_the_idle_time_and_after_the_absolute_time(admin_app, central) -> None:
    sec, start = central.ctx.config.security, datetime(2026, 11, 23, 8, 0)
    central.ctx.clock = lambda: start
    client = admin_app.test_client()
    sign_in(client)
    for minutes in range(0, sec.session_hours * 60 - 20, 20):  # used every 20 minutes: idle never ends it
        central.ctx.clock = lambda m=minutes: start + timedelta(minutes=m)
        assert client.get("/admin/").status_code == 200, f"after {minutes} min"
    central.ctx.clock = lambda: start + timedelta(hours=sec.session_hours, seconds=1)
    assert client.get("/admin/").status_code == 302  # the absolute limit, although it was used just now

    central.ctx.clock = lambda: start
    sign_in(client)
    central.ctx.clock = lambda: start + timedelta(minutes=sec.idle_minutes, seconds=1)
    assert client.get("/admin/").status_code == 302  # unused for longer than idle_minutes


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(admin_app, central) -> None:
    plain = sign_in(admin_app.test_client())
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = sign_in(admin_app.test_client(), base_url="https://central.example")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_password_guessing_is_slowed_then_locked_and_another_admin_lifts_the_lock(admin_app, central) -> None:
    sec, now = central.ctx.config.security, [datetime(2026, 11, 23, 8, 0)]
    central.ctx.clock = lambda: now[0]
    stores.set_admin(central.ctx, "second", "admin-kedua-2026")
    attacker = admin_app.test_client()
    answers: list[int] = []
    for _ in range(sec.lock_after):
        if answers:
            now[0] += timedelta(minutes=30)  # each guess after the last delay has passed (not long enough to forget)
        resp = sign_in(attacker, password="tebak-tebak", environ_base={"REMOTE_ADDR": f"10.0.0.{len(answers)}"})
        answers.append(resp.status_code)
        if resp.status_code == 429:
            assert "before trying again" in resp.get_data(as_text=True)  # it says how long to wait
            waited = sign_in(attacker, password=PASSWORD)  # during the wait even the right password is refused
            assert waited.status_code == 429
    free = sec.free_attempts - 1  # the free_attempts-th wrong password starts the delays
    assert answers == [401] * free + [429] * (sec.lock_after - free - 1) + [423], answers
    locked = sign_in(attacker, password=PASSWORD)
    assert locked.status_code == 423 and "locked for 15 minutes" in locked.get_data(as_text=True)

    other = admin_app.test_client()
    assert sign_in(other, "second", "admin-kedua-2026").status_code == 302
    page = other.get("/admin/locks").get_data(as_text=True)
    assert "admin:admin" in page
    lifted = other.post("/admin/locks", data={"key": "admin:admin", "csrf_token": csrf(other, "/admin/locks")})
    assert lifted.status_code == 302
    assert sign_in(attacker, password=PASSWORD).status_code == 302


def test_guesses_spread_over_many_admin_names_from_one_address_are_slowed_too(admin_app, central) -> None:
    central.ctx.clock = lambda: datetime(2026, 11, 23, 8, 0)
    client = admin_app.test_client()
    tries = central.ctx.config.security.address_attempts + 1
    codes = [sign_in(client, f"user{i}", "tebak-tebak").status_code for i in range(tries)]
    assert codes == [401] * (tries - 1) + [429]  # the address_attempts-th failure starts the wait: the next is held
    # Another address is not held up by it.
    assert sign_in(client, environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 302


def test_concurrent_wrong_passwords_are_each_counted(admin_app, central) -> None:
    """No lost update: guesses in parallel (on PostgreSQL, truly at once) cannot slip past the count."""
    central.ctx.config.security.free_attempts = central.ctx.config.security.lock_after = 100
    central.ctx.config.security.address_attempts = 100
    threads = [threading.Thread(target=lambda i=i: _guess(central, f"10.1.0.{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with central.ctx.db.sessions() as s:
        assert s.scalar(select(SignInThrottle.failures).where(SignInThrottle.key == "admin:admin")) == 8


def _guess(central: Any, address: str) -> None:
    with pytest.raises(Exception) as refused:
        admin_auth.sign_in(central.ctx, "admin", "tebak-tebak", address)
    assert getattr(refused.value, "code", "") == "bad_credentials"
