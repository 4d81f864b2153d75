"""Central checks a weighed line with the till's own rule (price per kg x grams / 1000, half up to the Rupiah):
an honest sale.completed v3 applies and moves stock in grams; a forged gross or measure is refused with the figure
that is off (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from checkkit import assert_refused, holdings, pusher
from synckit import STORE, central, pg_url  # noqa: F401
from test_central_admin import admin  # noqa: F401

from central.services import catalog
from central.tables import SaleLine, StockLevel
from common.measure import line_gross
from common.pricing import taxes_by_group


def weighed_sale(n: int, grams: int, price: int = 42_000, sku: str = "SKU-W0003", **line: Any) -> dict[str, Any]:
    """A v3 sale of one weighed line, its figures as the till makes them (NONPPN: no tax)."""
    gross = line_gross(price, grams, "weight")
    row = {
        "id": str(uuid.uuid4()),
        "sku": sku,
        "name": "Apel Fuji",
        "qty": grams,
        "unit_price": price,
        "line_discount": 0,
        "sale_discount": 0,
        "net": gross,
        "tax_group": "NONPPN",
        "measure": "weight",
        **line,
    }
    taxes = [
        {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
        for t in taxes_by_group([("NONPPN", 0, row["net"])])
    ]
    return {
        "sale_id": str(uuid.uuid4()),
        "number": f"{STORE}-T1-{n:06d}",
        "store_id": STORE,
        "till_id": "T1",
        "completed_at": "2026-12-04T10:00:00",
        "timezone": "Asia/Jakarta",
        "currency": "IDR",
        "lines": [row],
        "tenders": [{"id": str(uuid.uuid4()), "type": "cash", "amount": row["net"]}],
        "taxes": taxes,
        "subtotal": gross,
        "discount": 0,
        "tax": 0,
        "rounding": 0,
        "total": row["net"],
        "paid": row["net"],
        "change": 0,
    }


@pytest.fixture
def weighed(central: Any) -> Any:  # noqa: F811
    catalog.save_product(
        central.ctx,
        "SKU-W0003",
        name="Apel Fuji",
        price=42_000,
        tax_group="NONPPN",
        measure="weight",
        plu="103",
        create=True,
    )
    return central


def _on_hand(central: Any, sku: str) -> int:
    with central.ctx.db.sessions() as s:
        level = s.get(StockLevel, (STORE, sku))
        return int(level.on_hand) if level else 0


def test_an_honest_weighed_sale_applies_and_takes_grams_off_central_stock(weighed: Any) -> None:
    p = pusher(weighed, STORE)
    before = _on_hand(weighed, "SKU-W0003")
    sale = weighed_sale(1, 845)  # 0,845 kg x Rp 42.000 = Rp 35.490
    assert sale["total"] == 35_490
    p.applied("sale.completed", sale, version=3)
    assert _on_hand(weighed, "SKU-W0003") == before - 845
    with weighed.ctx.db.sessions() as s:
        line = s.get(SaleLine, sale["lines"][0]["id"])
        assert (line.qty, line.measure, line.net) == (845, "weight", 35_490)


FORGERIES = {
    # the gross of 1,250 kg at Rp 42.000 is Rp 52.500; a store claiming Rp 50.000 (and totals to match) is refused
    "a weighed gross that is not price x kg": (
        lambda: _consistent(weighed_sale(2, 1_250), net=50_000),
        "line_does_not_add_up",
    ),
    "a unit product claimed as weighed (a thousandth of its price)": (
        lambda: weighed_sale(2, 1_000, price=3_500, sku="SKU-00001"),
        "wrong_measure",
    ),
    "a weighed line of more than 100 kg": (lambda: weighed_sale(2, 150_000), "bad_quantity"),
}


def _consistent(sale: dict[str, Any], net: int) -> dict[str, Any]:
    """Every figure of the sale agrees with the forged line net but the line's own gross."""
    sale["lines"][0]["net"] = net
    sale["subtotal"] = sale["total"] = sale["paid"] = sale["tenders"][0]["amount"] = net
    sale["taxes"][0].update(gross=net, base=net)
    return sale


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_weighed_line_is_refused_with_the_figure_that_is_off(weighed: Any, forgery: str) -> None:
    p = pusher(weighed, STORE)
    p.applied("sale.completed", weighed_sale(1, 500), version=3)
    make, code = FORGERIES[forgery]
    before = holdings(weighed)
    result = p.push("sale.completed", make(), version=3)
    assert_refused(weighed, p, result, code, before)
    if code == "line_does_not_add_up":
        assert "1.250 kg x Rp 42.000 = Rp 52.500" in result["message"]


def test_weighed_goods_are_not_offered_online(weighed: Any) -> None:
    """An online order is picked and paid by the item; a weight is known only when a store weighs it."""
    from central.services import carts, shop_catalog
    from common.errors import NotFound

    assert shop_catalog.browse(weighed.ctx, q="Apel Fuji")["items"] == []
    assert shop_catalog.browse(weighed.ctx, q="SKU-00001")["items"]  # unit goods still are
    with pytest.raises(NotFound):
        carts.add_item(weighed.ctx, None, "SKU-W0003", 1)


def test_head_office_sets_a_product_sold_by_weight_with_its_scale_item_code(central, admin):  # noqa: F811
    from test_central_admin import csrf

    from central.services import push as push_service

    page = admin.get("/admin/products/new").get_data(as_text=True)
    assert "Scale item code (PLU)" in page  # the admin fixture reads English
    data = {
        "csrf_token": csrf(page),
        "sku": "SKU-W0009",
        "name": "Tomat Cherry",
        "price": "36000",
        "tax_group": "NONPPN",
        "measure": "weight",
        "plu": "0109",
        "active": "y",
    }
    assert admin.post("/admin/products/new", data=data).status_code == 302
    saved = catalog.get_product(central.ctx, "SKU-W0009")
    assert (saved["measure"], saved["plu"]) == ("weight", "109")  # the item code without its leading zero
    changes = push_service.pull(central.ctx, STORE, 0, 10_000)["changes"]
    [change] = [c for c in changes if c["topic"] == "product" and c["key"] == "SKU-W0009"]
    assert (change["data"]["measure"], change["data"]["plu"]) == ("weight", "109")
    taken = admin.post("/admin/products/new", data={**data, "sku": "SKU-W0010", "plu": "109"})
    assert taken.status_code == 409
