"""Every HTML form of the store's manager screens and of central (admin, loyalty sign-up, online shop) refuses a POST
without its CSRF token, even from a signed-in browser, and nothing recorded changes.

The routes are read from each app's URL map, so a form added later is checked too. Single-form cases with their
messages are in tests/integration/test_manager_pages.py, tests/central/test_central_admin.py and
tests/carts/test_shop_pages.py.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from synckit import AQUA_330, central, pg_url  # noqa: F401

from central.services import stores
from central.tables import CentralBase

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
# Plausible fields for each form, so that only the missing token can be the reason for a refusal.
FIELDS = {
    "staff_code": "9001",
    "pin": "4321",
    "code": AQUA_330,
    "qty": "5",
    "supplier_ref": "SJ-1",
    "reason": "rusak",
    "level": "3",
    "sku": "SKU-00001",
    "name": "Budi Santoso",
    "phone": "081234567890",
    "price": "1",
    "tax_group": "PPN",
    "kind": "amount",
    "value": "100",
    "skus": "SKU-00001",
    "number": "1",
    "find-phone": "081234567890",
    "find-number": "1",
    "store_id": "TOKO-01",
    "action": "retry",
}


def form_posts(app: Any) -> list[str]:
    """Every POST path outside the JSON API, path parameters filled with plausible values."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        paths.append(
            re.sub(
                r"<(?:[^:>]+:)?([^>]+)>",
                lambda m: {"sku": "SKU-00001", "code": AQUA_330, "action_name": "retry"}.get(m.group(1), "x"),
                rule.rule,
            )
        )
    return sorted(paths)


def token_of(client: Any, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    m = TOKEN.search(html)
    assert m, f"no CSRF token on {path}"
    return m.group(1) or m.group(2)


def store_facts(store: Any) -> dict[str, Any]:
    tables = (
        "sales",
        "sale_lines",
        "tenders",
        "refunds",
        "refund_lines",
        "stock_movements",
        "outbox",
        "counters",
        "tills",
        "shifts",
        "audit_log",
        "stock_counts",
        "stock_count_lines",
        "low_stock_thresholds",
    )
    with store.db.engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables}


def test_every_manager_form_refuses_a_post_without_its_csrf_token(store: Any) -> None:
    from pos.web.app import create_app

    app = create_app(store.config, store.db)
    client = app.test_client()
    signed = client.post(
        "/manager/sign-in",
        data={"staff_code": "9001", "pin": "4321", "csrf_token": token_of(client, "/manager/sign-in")},
    )
    assert signed.status_code == 302
    paths = [p for p in form_posts(app) if p.startswith("/manager/")]
    assert len(paths) >= 8, paths
    before = store_facts(store)
    for path in paths:
        resp = client.post(path, data=FIELDS)
        assert resp.status_code == 400, f"{path} answered {resp.status_code} without a CSRF token"
    assert store_facts(store) == before
    assert client.get("/manager/stock").status_code == 200  # still signed in: the refusals were about the token


def central_facts(central: Any) -> dict[str, Any]:
    with central.ctx.db.engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(t.select())), key=repr) for t in CentralBase.metadata.sorted_tables
        }


def test_every_central_form_refuses_a_post_without_its_csrf_token(central) -> None:
    app = central.extra["app"]
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = app.test_client()
    signed = client.post(
        "/admin/login",
        data={"username": "admin", "password": "rahasia-1234", "csrf_token": token_of(client, "/admin/login")},
    )
    assert signed.status_code == 302
    client.get("/shop/")  # a shopper's session, so the shop's forms reach their CSRF check
    paths = [p for p in form_posts(app) if p not in ("/admin/login", "/admin/logout")]
    assert (
        any(p.startswith("/admin/") for p in paths) and "/join" in paths and any(p.startswith("/shop") for p in paths)
    )
    before = central_facts(central)
    for path in paths:
        resp = client.post(path, data={**FIELDS, "username": "admin", "password": "rahasia-1234"})
        # refused with a 400, a redirect back or the form shown again (200): what proves it is that nothing changed
        assert resp.status_code < 500, f"{path} answered {resp.status_code}"
    assert central_facts(central) == before, "a form without its CSRF token changed central's data"
    assert client.get("/admin/").status_code == 200  # still signed in
    # The same sign-up with its token goes through: the fields were fine, only the token was missing.
    joined = client.post("/join", data={**FIELDS, "csrf_token": token_of(client, "/join")})
    assert joined.status_code == 302 and central_facts(central) != before
