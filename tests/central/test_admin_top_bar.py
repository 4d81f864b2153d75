"""Head office's top bar: the daily sections in the row, the rest under a grouped More ("Lainnya"), every section
reachable and the page shown marked (aria-current) wherever its link is, in either language (the layout itself is
measured in a browser by tests/e2e/test_central_member_browser.py)."""

from __future__ import annotations

import re
from collections import Counter
from html import escape, unescape

import pytest
from flask import url_for
from synckit import central, pg_url, signed_in_admin  # noqa: F401

from central.web.admin_nav import NAV, NAV_GROUPS
from common import i18n

ROW = ["nav.stores", "nav.sales", "nav.products", "nav.promotions", "nav.members", "nav.payments"]


def _bar(html: str) -> tuple[list[tuple[str, str, str]], str]:
    """The row's links and the More menu's markup: (href, class, words) for each link in the row."""
    nav = re.search(r"<nav [^>]*>(.*?)</nav>", html, re.S)
    assert nav is not None
    row, more = nav.group(1).split('<details class="more">')
    links = re.findall(r'<a href="([^"]+)" class="([^"]*)"[^>]*>([^<]+)</a>', row)
    return [(href, cls, unescape(words)) for href, cls, words in links], more


def _menu(more: str) -> list[tuple[str, list[str]]]:
    """Each group under More: its heading and its links' words."""
    return [
        (unescape(heading), [unescape(w) for w in re.findall(r">([^<]+)</a>", links)])
        for heading, links in re.findall(r"<h3>([^<]+)</h3>(.*?)</div>", more, re.S)
    ]


def _current(html: str) -> list[str]:
    return [unescape(w) for w in re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', html)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_daily_sections_are_in_the_row_and_the_rest_under_more_grouped(central, lang):  # noqa: F811
    client = signed_in_admin(central, lang)
    html = client.get("/admin/sales").get_data(as_text=True)
    said = {item.key: i18n.text("admin", lang, item.key) for item in NAV}
    links, more = _bar(html)
    row = [words for _href, cls, words in links if "row" in cls.split()]
    assert row == [said[k] for k in ROW]
    wide = [words for _href, cls, words in links if "wide" in cls.split()]  # in the row on a wide screen only
    assert wide == [said["nav.cash"], said["nav.transfers"]]
    more_label = re.search(r"<summary[^>]*>([^<]+)</summary>", more)
    assert more_label and more_label.group(1) == {"id": "Lainnya", "en": "More"}[lang]
    groups = _menu(more)
    assert [h for h, _ in groups] == [i18n.text("admin", lang, key) for _, key in NAV_GROUPS]
    assert groups[0][1] == [said["nav.cash"], said["nav.settlements"], said["nav.debts"]]
    assert groups[1][1] == [said["nav.transfers"], said["nav.locks"]]
    # Every section is linked from the bar: once, in the row or under More; a wide one in both (CSS shows one).
    hrefs = re.findall(r'<a href="(/admin/[^"]*)" class="(?:row|wide|more)', html)
    with central.extra["app"].test_request_context():
        paths = [url_for(item.endpoint) for item in NAV]
    assert Counter(hrefs) == {path: 2 if item.place == "wide" else 1 for path, item in zip(paths, NAV, strict=True)}
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert f'aria-label="{i18n.text("admin", lang, "nav.menu")}"' in html


@pytest.mark.parametrize(
    ("path", "key", "summary"),
    [
        ("/admin/", "nav.stores", ""),
        ("/admin/members", "nav.members", ""),
        ("/admin/products/SKU-00001", "nav.products", ""),  # a page below a section is that section's
        ("/admin/cash", "nav.cash", "on-narrow"),  # in the row on a wide screen: More is marked on a narrow one
        ("/admin/settlements", "nav.settlements", "on"),
        ("/admin/debts", "nav.debts", "on"),
        ("/admin/locks", "nav.locks", "on"),
    ],
)
def test_the_page_shown_is_marked_in_the_row_or_under_more(central, path, key, summary):  # noqa: F811
    client = signed_in_admin(central, "id")
    html = client.get(path).get_data(as_text=True)
    words = i18n.text("admin", "id", key)
    place = next(i.place for i in NAV if i.key == key)
    assert _current(html) == [words] * (2 if place == "wide" else 1)  # a wide one: its row link and its More link
    marked = re.search(r'<summary class="([^"]*)"', html)
    assert marked is not None and marked.group(1) == summary
    if place != "row":
        _links, more = _bar(html)
        assert re.search(rf'class="{place} on"\s*aria-current="page">{re.escape(escape(words))}</a>', more)


def test_a_page_of_no_section_marks_none_and_the_sign_in_page_has_no_bar(central):  # noqa: F811
    client = signed_in_admin(central, "en")
    html = client.get("/admin/no-such-page").get_data(as_text=True)
    assert _current(html) == [] and '<summary class="">' in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token is not None
    client.post("/admin/logout", data={"csrf_token": token.group(1)})
    login = client.get("/admin/login").get_data(as_text=True)
    assert "<nav" not in login and 'id="lang-switch"' in login
