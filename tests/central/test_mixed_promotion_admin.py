"""Head office ticks "Boleh campur / Mixed" on a multi-buy: it is kept with the promotion, listed as "Beli 2 Gratis 1
(campur)", and the feed carries it (promotion topic version 3); a tick on a percent promotion means nothing."""

from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import select
from synckit import central, pg_url, signed_in_admin  # noqa: F401

from central.services import catalog
from central.tables.feed import Change
from common.contract.topics import PromotionDataV3, check_topic


def _form(client, **typed: str) -> dict[str, str]:
    page = client.get("/admin/promotions").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return {"csrf_token": csrf, "name": "Campur hemat", "skus": "SKU-00001, SKU-00002", **typed}


def test_head_office_ticks_mixed_on_a_multi_buy_and_the_list_and_the_feed_say_so(central):
    admin = signed_in_admin(central)
    page = unescape(admin.get("/admin/promotions").get_data(as_text=True))
    assert 'name="mixed"' in page and "Boleh campur" in page
    assert (
        admin.post("/admin/promotions", data=_form(admin, kind="free", set_qty="2", value="1", mixed="y")).status_code
        == 302
    )
    typed = _form(admin, name="Diskon", kind="percent", value="10", mixed="y")
    assert admin.post("/admin/promotions", data=typed).status_code == 302
    saved = {p["kind"]: p["mixed"] for p in catalog.promotions(central.ctx)}
    assert saved == {"free": True, "percent": False}
    listed = unescape(admin.get("/admin/promotions").get_data(as_text=True))
    assert "Beli 2 Gratis 1 (campur)" in listed
    english = unescape(signed_in_admin(central, "en").get("/admin/promotions").get_data(as_text=True))
    assert "Buy 2 get 1 free (mixed)" in english
    with central.ctx.db.sessions() as s:
        rows = [d if isinstance(d, dict) else json.loads(d) for d in s.scalars(select(Change.data))]
    fed = {d["kind"]: d for d in rows if "kind" in d}
    assert fed["free"]["mixed"] is True and fed["percent"]["mixed"] is False
    parsed = check_topic("promotion", fed["free"])
    assert isinstance(parsed, PromotionDataV3) and parsed.mixed is True


def test_ending_a_mixed_promotion_keeps_it_mixed(central):
    p = catalog.save_promotion(
        central.ctx, name="Campur", kind="bundle", value=10_000, skus=["SKU-00001"], set_qty=3, mixed=True
    )
    admin = signed_in_admin(central)
    page = admin.get("/admin/promotions").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    admin.post(f"/admin/promotions/{p['id']}/end", data={"csrf_token": csrf})
    assert [(x["active"], x["mixed"]) for x in catalog.promotions(central.ctx)] == [(False, True)]
