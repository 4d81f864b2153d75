"""Every word on the manager screens exists in Bahasa Indonesia and English; no page shows a raw text key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_manager_pages import AQUA_330, Browser

from pos.services import checkout, stock_counts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.web.manager.texts import catalog

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = (
    "app",
    "nav",
    "common",
    "signin",
    "refused",
    "stock",
    "item",
    "low",
    "receive",
    "adjust",
    "count",
    "report",
    "sync",
    "audit",
    "col",
    "reason",
    "kind",
    "state",
    "tender",
    "action",
    "asked",
    "err",
)
RAW_KEY = re.compile(r">\s*(?:{})\.[a-z_.]+\s*<".format("|".join(PREFIXES)))


def test_both_languages_have_the_same_keys() -> None:
    cat = catalog()
    assert set(cat["id"]) == set(cat["en"])
    assert all(cat["id"][k].strip() and cat["en"][k].strip() for k in cat["id"])


def test_every_literal_key_in_templates_and_views_is_in_the_catalog() -> None:
    used: set[str] = set()
    for path in (ROOT / "templates" / "pos" / "manager").glob("*.html"):
        used |= set(re.findall(r"""_\('([a-z_]+(?:\.[a-z_]+)+)'\s*[,)]""", path.read_text(encoding="utf-8")))
    for path in (ROOT / "pos" / "web" / "manager").glob("*.py"):
        used |= set(re.findall(r"""\bt\("([a-z_.]+)\"""", path.read_text(encoding="utf-8")))
    assert used and used <= set(catalog()["id"]), sorted(used - set(catalog()["id"]))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_page_shows_a_raw_text_key(store: StoreContext, open_till: Actor, manager: Actor, lang: str) -> None:
    from pos.web.app import create_app

    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=2)
    till_sale.add_tender(store, open_till, view["id"], "cash", 10_000)
    checkout.complete(store, open_till, view["id"])
    count = stock_counts.start_count(store, manager, "drinks")
    stock_counts.record_count(store, manager, count["id"], AQUA_330, 5, "set")
    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    for path in (
        "/manager/stock",
        "/manager/stock/low",
        "/manager/stock/receive?ref=X",
        "/manager/stock/adjust",
        f"/manager/stock/item/{AQUA_330}",
        "/manager/counts",
        f"/manager/counts/{count['id']}",
        "/manager/reports",
        "/manager/sync",
        "/manager/audit",
        "/manager/reports?from=2026-11-09&to=1",
    ):
        html = web.get(path + ("&" if "?" in path else "?") + f"lang={lang}").get_data(as_text=True)
        assert not RAW_KEY.search(html), f"{path}: {RAW_KEY.search(html).group(0)}"  # type: ignore[union-attr]
