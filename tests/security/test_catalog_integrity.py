"""Issue 15, point 8: a barcode may not equal another product's SKU or barcode, so a scan never rings the wrong
item; refused at the central admin, at import, and kept off a product by the store's feed apply."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from synckit import STORE, central, pg_url  # noqa: F401

from central.services import catalog, stores
from common.errors import DomainError
from pos.adapters.tables import Product, ReconciliationItem
from sync_agent.apply import apply_page

V1 = "/api/v1"
AQUA_330 = "8990000100010"  # SKU-00001's barcode in the demo data


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
def admin(central: Any) -> Any:
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    assert (
        client.post(
            "/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": csrf(page)}
        ).status_code
        == 302
    )
    return client


def _form(page: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf(page), "name": "Kopi Susu", "price": "9000", "tax_group": "PPN", "active": "y", **fields}


def test_the_central_admin_refuses_a_barcode_that_is_another_products_sku_or_barcode(admin: Any, central: Any) -> None:
    page = admin.get("/admin/products/new").get_data(as_text=True)
    for barcode, other in (("SKU-00002", "SKU-00002"), (AQUA_330, "SKU-00001")):  # another's SKU, another's barcode
        resp = admin.post("/admin/products/new", data=_form(page, sku="KOPI-1", barcode=barcode))
        assert resp.status_code == 409 and f"Bentrok dengan produk {other}" in html.unescape(
            resp.get_data(as_text=True)
        )
    # A new SKU that is another product's barcode would be rung by a scan of that barcode too.
    resp = admin.post("/admin/products/new", data=_form(page, sku=AQUA_330, barcode="8991234567890"))
    assert resp.status_code == 409 and "Bentrok dengan produk SKU-00001" in html.unescape(resp.get_data(as_text=True))
    assert catalog.find_products(central.ctx, "KOPI-1") == []
    ok = admin.post("/admin/products/new", data=_form(page, sku="KOPI-1", barcode="8991234567890"))
    assert ok.status_code == 302 and catalog.get_product(central.ctx, "KOPI-1")["barcode"] == "8991234567890"


def test_an_import_with_a_clashing_barcode_is_refused_whole(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from common import demo_data
    from pos.services import setup

    clashing = demo_data.DemoProduct(
        sku="SKU-99999", barcode="SKU-00001", name="Palsu", category="drinks", price=1, tax_group="PPN", opening_stock=1
    )
    with store.db.unit_of_work() as s:  # an empty catalog, so the whole demo catalog is imported again
        s.query(Product).delete()
    monkeypatch.setattr(setup, "demo_products", lambda: [*demo_data.demo_products(), clashing])
    with pytest.raises(DomainError) as err:
        setup.load_demo_data(store)
    assert err.value.code == "barcode_clash"
    assert "barcode SKU-00001 of SKU-99999 is the SKU of another product" in err.value.message
    with store.db.sessions() as s:
        assert s.query(Product).count() == 0


def _page(*products: dict[str, Any]) -> dict[str, Any]:
    changes = [{"topic": "product", "key": p["sku"], "seq": i + 1, "data": p} for i, p in enumerate(products)]
    return {"changes": changes, "cursor": len(changes), "epoch": "e1", "store_seq": 0}


def test_the_feed_apply_keeps_a_clashing_barcode_off_and_tells_the_manager(till_api: Any, store: Any) -> None:
    forged = {
        "sku": "SKU-77777",
        "barcode": "SKU-00002",
        "name": "Palsu",
        "category": None,
        "price": 1,
        "tax_group": "PPN",
        "unit": "pcs",
        "active": True,
    }
    honest = {**forged, "sku": "SKU-77778", "barcode": "8991234567890", "name": "Kopi Susu", "price": 9000}
    apply_page(store.db, _page(forged, honest), datetime.now(UTC).replace(tzinfo=None))
    with store.db.sessions() as s:
        rows = {p.sku: p.barcode for p in s.query(Product).filter(Product.sku.in_(["SKU-77777", "SKU-77778"]))}
        item = s.get(ReconciliationItem, "barcode:SKU-77777")
    assert rows == {"SKU-77777": None, "SKU-77778": "8991234567890"}
    assert item is not None and "SKU of another product" in item.message
    sale = till_api.post(f"{V1}/sales").get_json()
    line = till_api.post(f"{V1}/sales/{sale['id']}/lines", {"barcode": "8991234567890"}).get_json()
    assert line["lines"][-1]["sku"] == "SKU-77778"
