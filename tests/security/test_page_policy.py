"""Both servers' pages tell the browser to run only the servers' own script files (common.web.page_policy): a name
or note that slipped past escaping shows but never runs, no other site frames a till or admin page, and forms post
only back to the server (the shop's "Pay" also to the gateway's page). The pages themselves hold nothing the policy
would stop: no inline script, no `on...=` attribute, no `javascript:` link (checked in every template, so a page
added later is held to it). The browser side (an injected script does not run; no page of the browser tests is
refused anything) is in tests/e2e/test_till_browser.py and tests/e2e/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from synckit import central, pg_url, signed_in_admin  # noqa: F401

from central.config import CentralConfig
from central.gateways import pay_page_origin
from common.web.page_policy import content_policy

ROOT = Path(__file__).resolve().parents[2]
COMPANIONS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "same-origin"}


def directives(response: Any) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"{response.request.path}: no Content-Security-Policy"
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def held(response: Any) -> dict[str, list[str]]:
    """The answer's policy, checked for what every page must say; returned for the caller's own checks."""
    d = directives(response)
    assert d["script-src"] == ["'self'"], d["script-src"]  # no inline script, no eval, no other site's code
    assert d["object-src"] == ["'none'"] and d["base-uri"] == ["'self'"]
    assert d["frame-ancestors"] == ["'self'"]  # the till frames its own receipt; nobody else frames anything
    assert d["form-action"][0] == "'self'"
    for name, value in COMPANIONS.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    return d


def test_the_store_pages_and_api_run_only_the_store_s_own_scripts(api: Any) -> None:
    pages = ["/till", "/display/T1", "/kiosk/", "/manager/sign-in", "/static/pos/till.js"]
    for path in pages:
        response = api.client.get(path)
        assert response.status_code == 200, path
        d = held(response)
        assert d["form-action"] == ["'self'"], path  # a store's forms post to the store, nowhere else
        assert d["connect-src"] == ["'self'"], path  # the API and the live socket, on the same host and port
    missing = api.client.get("/no-such-page")
    assert missing.status_code == 404 and held(missing)  # an error page is a page too
    answer = api.client.get("/api/v1/health")  # read by scripts, never shown as a page: nothing to add
    assert answer.status_code == 200 and "Content-Security-Policy" not in answer.headers


def test_central_pages_let_a_form_lead_only_to_central_and_the_gateway_s_pay_page(central: Any) -> None:
    admin = signed_in_admin(central)
    gateway = f"http://127.0.0.1:{central.ctx.config.payments.standin_port}"
    for client, path in [
        (admin, "/admin/"),
        (admin, "/admin/promotions"),
        (central.extra["app"].test_client(), "/shop/"),
        (central.extra["app"].test_client(), "/join"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert held(response)["form-action"] == ["'self'", gateway], path


@pytest.mark.parametrize(
    ("payments", "origin"),
    [
        ({"gateway": "midtrans"}, "https://app.sandbox.midtrans.com"),
        ({"gateway": "midtrans", "is_production": True}, "https://app.midtrans.com"),
        ({"gateway": "midtrans", "base_url": "https://pay.example.co.id/v2/"}, "https://pay.example.co.id"),
        ({"gateway": "standin", "standin_port": 5299}, "http://127.0.0.1:5299"),
    ],
)
def test_the_pay_page_allowed_is_the_configured_gateway_s(payments: dict[str, Any], origin: str) -> None:
    config = CentralConfig()
    config.payments = config.payments.model_copy(update=payments)
    assert pay_page_origin(config.payments) == origin
    policy = content_policy([origin, origin + "/", ""])  # said once, with no empty entry
    assert policy.endswith(f"form-action 'self' {origin}")


# A <script> that runs code (a JSON data block, type="application/json", runs nothing), an on...= handler, a
# javascript: link: what the policy refuses, so the page would not work.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def test_no_template_holds_code_the_policy_would_stop() -> None:
    found = []
    for page in sorted((ROOT / "templates").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, SCRIPT_URL):
            found += [f"{page.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert not found, found


def test_the_patterns_catch_what_they_are_for() -> None:
    """The template check above would see each kind of code the policy stops (and not a JSON data block)."""
    assert INLINE_SCRIPT.search('<script type="module">import x</script>')
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="boot" type="application/json">{}</script>')
    assert HANDLER.search('<form method="post" onsubmit="return confirm(1)">')
    assert not HANDLER.search('<form method="post" data-confirm="Yakin?">')
    assert SCRIPT_URL.search('<a href="javascript:history.back()">')
