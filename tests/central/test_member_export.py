"""The CSV of a member search (`/admin/members?q=...&format=csv`) holds every member the search finds, not only the
page's 50: read in chunks after the last member read (keyset), cut at a stated cap, each download logged; the page
says how many it found and pages through them. Members signing up during a download on PostgreSQL are neither
doubled nor make others skipped. A bad search is a 400 in the admin's words; a store's token reaches none of it."""

from __future__ import annotations

import csv
import io
import logging
import re
import threading
from typing import Any

import pytest
from synckit import central, pg_url  # noqa: F401
from test_central_admin import admin  # noqa: F401 - the signed-in admin client

from central.services import loyalty, loyalty_admin


def sign_up(central: Any, n: int, name: str = "Siti Uji", start: int = 0) -> list[dict[str, Any]]:
    return [loyalty.sign_up(central.ctx, f"{name} {i:04d}", f"0813-{start + i:08d}") for i in range(n)]


def rows(resp: Any) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="members.csv"'
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_search_finding_more_than_a_page_downloads_every_member_it_finds(admin, central, monkeypatch, caplog):
    monkeypatch.setattr(loyalty_admin, "EXPORT_CHUNK", 7)  # many chunks: each read after the last one's member
    found = sign_up(central, 120)
    sign_up(central, 3, "Budi Lain", start=500)
    page = admin.get("/admin/members?q=siti+uji&lang=en").get_data(as_text=True)
    assert "showing 1–50 of 120" in page and page.count('<tr data-member="') == 50
    with caplog.at_level(logging.WARNING, logger="central.web.admin_members"):
        head, *body = rows(admin.get("/admin/members?q=siti+uji&format=csv&lang=en"))
    assert head == ["Member no.", "Name", "Phone", "E-mail", "Balance", "Held", "Status", "Since"]
    assert [r[1] for r in body] == sorted(m["name"] for m in found), "the page's order, each member once"
    assert {r[0] for r in body} == {m["number"] for m in found}
    assert body[0][2] == "0813-0000-0000", "the phone as the page writes it"
    assert "admin admin downloaded 120 members as CSV" in caplog.text and "siti" not in caplog.text.lower()
    newest = rows(admin.get("/admin/members?format=csv"))[1:]  # no search: every member, newest first
    assert len(newest) == 123 and newest[0][1] == "Budi Lain 0002"


def test_a_download_past_the_cap_stops_there_and_says_so_on_the_page_and_in_the_file(admin, central, monkeypatch):
    monkeypatch.setattr(loyalty_admin, "EXPORT_CAP", 30)
    monkeypatch.setattr(loyalty_admin, "EXPORT_CHUNK", 8)
    sign_up(central, 52)
    page = admin.get("/admin/members?q=Siti&lang=en").get_data(as_text=True)
    assert "the CSV holds the first 30 of 52 only" in page
    head, *body = rows(admin.get("/admin/members?q=Siti&format=csv&lang=en"))
    assert len(body) == 31 and body[-1] == ["Cut at 30 rows: narrow the search to download the rest."]
    assert [r[1] for r in body[:-1]] == [f"Siti Uji {i:04d}" for i in range(30)]
    exactly = rows(admin.get("/admin/members?q=Siti+Uji+001&format=csv&lang=id"))[1:]  # 10 of them: not cut
    assert len(exactly) == 10 and "Dipotong" not in str(exactly)
    assert "members-cut" not in admin.get("/admin/members?q=Siti+Uji+001").get_data(as_text=True)


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)  # concurrent sign-ups: SQLite hides lock order
def test_members_signing_up_during_a_download_are_neither_doubled_nor_make_others_skipped(admin, central, monkeypatch):
    monkeypatch.setattr(loyalty_admin, "EXPORT_CHUNK", 5)
    before = sign_up(central, 150, "Uji Serentak M")
    stop, problems = threading.Event(), []

    def keep_signing_up(worker: int) -> None:
        i = 0
        while not stop.is_set() and i < 200:
            # names before and after where the download has got to, in its order
            for side, prefix in enumerate(("Uji Serentak A", "Uji Serentak Z")):
                try:
                    loyalty.sign_up(central.ctx, f"{prefix} {worker}-{i}", f"0815-{worker}{side}{i:06d}")
                except Exception as e:  # a failure shows in the test, not in a thread's log
                    problems.append(repr(e))
            i += 1

    threads = [threading.Thread(target=keep_signing_up, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    try:
        sheets = [rows(admin.get("/admin/members?q=Uji+Serentak&format=csv"))[1:] for _ in range(3)]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not problems
    for body in sheets:
        numbers = [r[0] for r in body]
        assert len(numbers) == len(set(numbers)), "no member twice"
        assert {m["number"] for m in before} <= set(numbers), "everyone there before the download is in it"
    everyone = rows(admin.get("/admin/members?q=Uji+Serentak&format=csv"))[1:]
    total = loyalty_admin.search_page(central.ctx, "Uji Serentak", 1, 50)["total"]
    assert len(everyone) == len({r[0] for r in everyone}) == total > 150, "once they stopped: all of them, once"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("q=" + "x" * 81, "A search is at most 80 characters"),
        ("q=" + "0812" * 5000, "A search is at most 80 characters"),
        ("page=0", "the page a whole number from 1 to 2.000"),
        ("page=abc", "the page a whole number"),
        ("page=" + "9" * 40, "the page a whole number"),
        ("page=2001", "the page a whole number"),
    ],
)
def test_a_search_it_cannot_run_is_a_400_in_the_admins_words(admin, central, query, words):
    for fmt in ("", "&format=csv"):
        resp = admin.get(f"/admin/members?{query}&lang=en{fmt}")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 400 and resp.mimetype == "text/html" and words in page, (query, fmt)
        assert 'id="members-error"' in page and "<tr data-member=" not in page
    indonesian = admin.get(f"/admin/members?{query}&lang=id").get_data(as_text=True)
    assert "Pencarian paling banyak 80 karakter" in indonesian


def test_a_store_token_or_no_sign_in_downloads_no_member(central):
    sign_up(central, 3)
    anyone = central.extra["app"].test_client()
    for path in ("/admin/members?q=Siti", "/admin/members?q=Siti&format=csv", "/admin/members?format=csv&page=1"):
        resp = anyone.get(path, headers={"Authorization": f"Bearer {central.token}"})
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
        assert not re.search(r"Siti Uji|0813", resp.get_data(as_text=True))
