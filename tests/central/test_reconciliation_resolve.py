"""Head office marks a reconciliation task resolved with a note (who and when recorded), sees the resolved ones newest
first, reopens one resolved by mistake, and downloads either view as CSV, in the admin's language; the store's copy
follows; a problem that comes back after its resolution is a new open task that names that resolution. Bad forms,
unknown tasks and a store's token are refused and change nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html import unescape
from typing import Any

import pytest
from checkkit import Pusher, pusher
from promokit import V4, promoted_sale
from sqlalchemy import select, update
from synckit import STORE, central, pg_url  # noqa: F401
from test_central_admin import csrf

from central.services import catalog, push, reconciliation_resolve, stores
from central.tables import ReconciliationItem, StockLevel
from common.errors import Conflict

SKU = "SKU-00005"


@pytest.fixture
def admin(central):  # noqa: F811
    """Head office's admin, signed in, reading Indonesian (the default)."""
    return _signed_in(central, "admin", "id")


def _signed_in(central: Any, username: str, lang: str) -> Any:  # noqa: F811
    stores.set_admin(central.ctx, username, "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get(f"/admin/login?lang={lang}").get_data(as_text=True)
    form = {"username": username, "password": "rahasia-1234", "csrf_token": csrf(page)}
    assert client.post("/admin/login", data=form).status_code == 302
    return client


def _sell_below_zero(p: Pusher, sku: str = SKU) -> None:
    """A sale of more than the store has of `sku` at central (the till never refuses a shopper), at its price (so it
    raises no other task than below zero)."""
    with p.central.ctx.db.sessions() as s:
        have = int(s.scalar(select(StockLevel.on_hand).where(StockLevel.location == STORE, StockLevel.sku == sku)))
    price = catalog.get_product(p.central.ctx, sku)["price"]
    sale = promoted_sale(STORE, p.seq + 1, [(sku, max(have, 0) + 2, price, 0, None)])
    assert p.push("sale.completed", sale, version=V4)["outcome"] == "applied"


def _tasks(central: Any) -> list[ReconciliationItem]:  # noqa: F811
    with central.ctx.db.sessions() as s:
        return list(s.scalars(select(ReconciliationItem).order_by(ReconciliationItem.raised_at)))


def _open_task(central: Any) -> str:  # noqa: F811
    [task] = [t.id for t in _tasks(central) if t.resolved_at is None]
    return task


def _section(html: str) -> str:
    """The reconciliation tasks' table as a reader sees it (tags gone, a folded form's words too)."""
    table = re.search(r'<table id="reconciliation-items">.*?</table>', html, re.S)
    assert table is not None
    shown = re.sub(r"<details.*?</details>", " ", table.group(0), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", shown)).split())


def _row(html: str, task: str) -> str:
    found = re.search(rf'<tr [^>]*data-task="{task}".*?</tr>', html, re.S)
    assert found is not None, task
    return found.group(0)


def _flashes(html: str) -> str:
    return " ".join(unescape(m) for m in re.findall(r'<div class="flash" role="status">(.*?)</div>', html, re.S))


def _post(client: Any, task: str, action: str, note: str | None, **extra: Any) -> Any:
    page = client.get("/admin/").get_data(as_text=True)
    form = {"csrf_token": csrf(page), **({"note": note} if note is not None else {}), **extra}
    return client.post(f"/admin/reconciliation/{task}/{action}", data=form)


def _csv(client: Any, query: str = "") -> list[dict[str, str]]:
    sheet = client.get(f"/admin/reconciliation.csv{query}")
    assert sheet.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))


def _when(central: Any, at: datetime) -> str:  # noqa: F811
    from central.services.cart_views import local_time

    return local_time(central.ctx, at, "%d/%m/%Y %H:%M %Z")


def test_a_resolved_task_leaves_the_open_list_and_is_listed_resolved_with_who_when_and_the_note(admin, central):  # noqa: F811
    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)
    page = admin.get("/admin/").get_data(as_text=True)
    row = _row(page, task)
    assert f'action="/admin/reconciliation/{task}/resolve"' in row and 'name="csrf_token"' in row
    assert "<summary>Selesai</summary>" in row and 'name="note" required maxlength="500"' in row

    done = _post(admin, task, "resolve", "  stok dihitung ulang,   selisih -2 dicatat ")
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/#reconciliation")
    landed = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "Tugas ditandai selesai: Stok minus di Omnitoko Kemang." in _flashes(landed)
    assert "Tidak ada tugas terbuka." in _section(landed) and f'data-task="{task}"' not in landed

    [item] = _tasks(central)
    assert (item.resolved_by, item.resolution_note) == ("admin", "stok dihitung ulang, selisih -2 dicatat")
    assert item.resolved_at is not None and abs((central.ctx.clock() - item.resolved_at).total_seconds()) < 60

    resolved = admin.get("/admin/?tasks=resolved").get_data(as_text=True)
    assert "Tugas rekonsiliasi selesai" in resolved and 'class="on" aria-current="true">Selesai</a>' in resolved
    shown = _section(resolved)
    name = catalog.get_product(central.ctx, SKU)["name"]
    assert f"{name} terjual sampai stok -2" in shown and "Omnitoko Kemang" in shown
    assert f"{_when(central, item.resolved_at)} admin stok dihitung ulang, selisih -2 dicatat" in shown
    assert f'action="/admin/reconciliation/{task}/reopen"' in _row(resolved, task)
    assert 'id="reconciliation-csv" href="/admin/reconciliation.csv?tasks=resolved"' in resolved

    english = admin.get("/admin/?tasks=resolved&lang=en").get_data(as_text=True)
    assert "Resolved reconciliation tasks" in english and "<summary>Reopen</summary>" in english
    switch = re.search(r'<a id="lang-switch" href="([^"]+)"', english)
    assert switch is not None and "tasks=resolved" in switch.group(1)  # the language switch keeps the view


def test_the_resolved_list_is_newest_first_and_each_csv_follows_its_view_in_the_admins_language(admin, central):  # noqa: F811
    p = pusher(central, STORE)
    for sku in ("SKU-00005", "SKU-00006", "SKU-00007"):
        _sell_below_zero(p, sku)
    first, second, third = (t.id for t in _tasks(central))
    for task, note in ((second, "dihitung ulang"), (first, "barang ditemukan di gudang")):
        assert _post(admin, task, "resolve", note).status_code == 302
    resolved = admin.get("/admin/?tasks=resolved").get_data(as_text=True)
    assert resolved.index(f'data-task="{first}"') < resolved.index(f'data-task="{second}"')  # the latest first
    assert f'data-task="{third}"' not in resolved

    rows = _csv(admin, "?tasks=resolved")
    assert list(rows[0]) == [
        "Toko", "Kode toko", "Sejak", "Jenis", "Apa yang terjadi", "Kali",
        "Status", "Diselesaikan oleh", "Diselesaikan pada", "Catatan",
    ]  # fmt: skip
    assert [(r["Status"], r["Diselesaikan oleh"], r["Catatan"]) for r in rows] == [
        ("Selesai", "admin", "barang ditemukan di gudang"),
        ("Selesai", "admin", "dihitung ulang"),
    ]
    item = {t.id: t for t in _tasks(central)}[first]
    assert rows[0]["Diselesaikan pada"] == _when(central, item.resolved_at) and rows[0]["Jenis"] == "Stok minus"
    [still] = _csv(admin)
    assert (still["Status"], still["Diselesaikan oleh"], still["Diselesaikan pada"], still["Catatan"]) == (
        "Terbuka",
        "",
        "",
        "",
    )
    admin.get("/admin/?lang=en")
    english = _csv(admin, "?tasks=resolved")
    assert [(r["Status"], r["Resolved by"], r["Note"]) for r in english][0] == (
        "Resolved",
        "admin",
        "barang ditemukan di gudang",
    )
    assert (
        admin.get("/admin/reconciliation.csv?tasks=resolved")
        .headers["Content-Disposition"]
        .endswith('filename="reconciliation-resolved.csv"')
    )


def test_a_task_resolved_by_mistake_is_reopened_with_a_note_and_can_be_resolved_again(admin, central):  # noqa: F811
    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)
    assert _post(admin, task, "resolve", "stok dihitung ulang").status_code == 302
    back = _post(admin, task, "reopen", "salah toko, belum dihitung")
    assert back.status_code == 302 and back.headers["Location"].endswith("/admin/?tasks=resolved#reconciliation")
    landed = admin.get(back.headers["Location"]).get_data(as_text=True)
    assert "Tugas dibuka lagi: Stok minus di Omnitoko Kemang." in _flashes(landed)
    assert "Belum ada tugas yang diselesaikan." in _section(landed)

    [item] = _tasks(central)
    assert item.resolved_at is None and (item.reopened_by, item.reopen_note) == ("admin", "salah toko, belum dihitung")
    row = _section(admin.get("/admin/").get_data(as_text=True))
    [listed] = _csv(admin)
    said = f"Dibuka lagi oleh admin pada {_when(central, item.reopened_at)}: salah toko, belum dihitung"
    assert said in row and (listed["Status"], listed["Catatan"]) == ("Dibuka lagi", said)

    twice = _post(admin, task, "reopen", "lagi")
    assert twice.status_code == 409 and "Tugas ini sudah terbuka lagi" in _flashes(twice.get_data(as_text=True))
    assert _post(admin, task, "resolve", "sudah dihitung: -2").status_code == 302
    [item] = _tasks(central)
    assert item.resolution_note == "sudah dihitung: -2" and item.reopen_note == "salah toko, belum dihitung"


def test_the_same_problem_after_its_resolution_is_a_new_open_task_that_names_that_resolution(admin, central):  # noqa: F811
    p = pusher(central, STORE)
    _sell_below_zero(p)
    _sell_below_zero(p)
    first = _open_task(central)
    assert [t.occurrences for t in _tasks(central)] == [2]  # open: a second time counts on the same task
    assert _post(admin, first, "resolve", "stok dihitung ulang").status_code == 302
    _sell_below_zero(p)  # it happens again after the resolution

    old, new = _tasks(central)
    assert (old.id, old.occurrences, old.resolution_note) == (first, 2, "stok dihitung ulang")  # kept as resolved
    assert new.resolved_at is None and new.occurrences == 1
    said = f"Terjadi lagi setelah diselesaikan oleh admin pada {_when(central, old.resolved_at)}: stok dihitung ulang"
    assert said in _section(admin.get("/admin/").get_data(as_text=True))
    [row] = _csv(admin)
    assert (row["Status"], row["Catatan"]) == ("Terjadi lagi", said)
    english = _signed_in(central, "siti", "en")
    assert "Happened again after admin resolved it on" in _section(english.get("/admin/").get_data(as_text=True))

    # The old task cannot be reopened beside the new one: one open task per store and product.
    refused = _post(admin, first, "reopen", "belum beres")
    assert refused.status_code == 409
    assert f"punya tugas terbuka sendiri (sejak {_when(central, new.raised_at)})" in _flashes(
        refused.get_data(as_text=True)
    )
    assert [t.resolved_at is None for t in _tasks(central)] == [False, True]


def test_the_store_is_told_its_task_was_resolved_or_reopened_and_a_head_office_task_is_not_sent(admin, central):  # noqa: F811
    p = pusher(central, STORE)
    _sell_below_zero(p)
    task = _open_task(central)

    def sent() -> dict[str, Any]:
        page = push.pull(central.ctx, STORE, 0, 10_000)
        [data] = [c["data"] for c in page["changes"] if c["topic"] == "reconciliation" and c["key"] == task]
        return data

    before = sent()
    assert before["resolved_at"] is None
    assert _post(admin, task, "resolve", "stok dihitung ulang").status_code == 302
    after = sent()
    [item] = _tasks(central)
    said = {"resolved_by": "admin", "resolution_note": "stok dihitung ulang"}  # reconciliation version 2
    never = {"reopened_at": None, "reopened_by": None, "reopen_note": None}
    assert after == {**before, "resolved_at": item.resolved_at.isoformat(), **said, **never}  # the same task, resolved
    assert not [c for c in push.pull(central.ctx, "TOKO-02", 0, 10_000)["changes"] if c["topic"] == "reconciliation"]
    assert _post(admin, task, "reopen", "belum dihitung").status_code == 302
    again = sent()
    reopened = {"reopened_at": again["reopened_at"], "reopened_by": "admin", "reopen_note": "belum dihitung"}
    assert again == {**before, **said, **reopened} and again["reopened_at"] is not None  # open again: who, why

    with central.ctx.db.unit_of_work() as s:  # a task only head office has (as a discount beyond its promotion)
        s.add(ReconciliationItem(id="ho-only-1", kind="promotion_discount", location=STORE, message="check it"))
    assert _post(admin, "ho-only-1", "resolve", "dicek dengan toko").status_code == 302
    keys = {c["key"] for c in push.pull(central.ctx, STORE, 0, 10_000)["changes"] if c["topic"] == "reconciliation"}
    assert keys == {task}


def test_bad_forms_unknown_tasks_and_a_stores_token_are_refused_in_words_and_change_nothing(admin, central):  # noqa: F811
    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)

    no_csrf = admin.post(f"/admin/reconciliation/{task}/resolve", data={"note": "stok dihitung ulang"})
    html = no_csrf.get_data(as_text=True)
    assert no_csrf.status_code == 400 and "Formulir kedaluwarsa: coba lagi." in _flashes(html)
    assert 'value="stok dihitung ulang"' in _row(html, task)  # the note typed is still there to send again
    forged = admin.post(
        f"/admin/reconciliation/{task}/resolve", data={"note": "x", "csrf_token": "forged"}
    )  # another site's form
    assert forged.status_code == 400

    for note in (None, "", "   \t "):
        empty = _post(admin, task, "resolve", note)
        assert empty.status_code == 400
        assert "Tulis catatan singkat dulu: apa yang sudah dikerjakan" in _flashes(empty.get_data(as_text=True))
    long = _post(admin, task, "resolve", "x" * 501)
    said = _flashes(long.get_data(as_text=True))
    assert long.status_code == 400 and "Catatan terlalu panjang (501 karakter): paling banyak 500." in said
    huge = _post(admin, task, "resolve", "y" * 200_000)
    assert huge.status_code in (400, 413)
    admin.get("/admin/?lang=en")
    english = _post(admin, task, "resolve", "")
    assert "Write a short note first" in _flashes(english.get_data(as_text=True))
    admin.get("/admin/?lang=id")

    unknown = _post(admin, "no-such-task", "resolve", "stok dihitung ulang")
    assert unknown.status_code == 404 and "Tugas itu tidak ada" in _flashes(unknown.get_data(as_text=True))
    assert _post(admin, "no-such-task", "reopen", "x").status_code == 404
    assert _post(admin, "9" * 300, "resolve", "x").status_code == 404
    assert _post(admin, task + "0", "resolve", "x").status_code == 404  # an id one character too long

    store_token = {"Authorization": f"Bearer {central.token}"}  # a store's own token: not an admin
    stranger = central.extra["app"].test_client()
    as_store = stranger.post(f"/admin/reconciliation/{task}/resolve", data={"note": "x"}, headers=store_token)
    assert as_store.status_code == 401
    assert (
        stranger.post(f"/admin/reconciliation/{task}/reopen", data={"note": "x"}, headers=store_token).status_code
        == 401
    )
    assert stranger.get("/admin/reconciliation.csv", headers=store_token).status_code == 302  # to the sign-in page

    [item] = _tasks(central)
    assert item.resolved_at is None and item.resolved_by is None and item.resolution_note is None

    exactly = _post(admin, task, "resolve", "z" * 500)
    assert exactly.status_code == 302 and _tasks(central)[0].resolution_note == "z" * 500


def test_a_note_is_shown_as_written_never_run_as_markup_or_a_spreadsheet_formula(admin, central):  # noqa: F811
    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)
    assert _post(admin, task, "resolve", '=HYPERLINK("x") <script>alert(1)</script>').status_code == 302
    resolved = admin.get("/admin/?tasks=resolved").get_data(as_text=True)
    assert "<script>alert(1)" not in resolved and "&lt;script&gt;alert(1)&lt;/script&gt;" in resolved
    [row] = _csv(admin, "?tasks=resolved")
    assert row["Catatan"] == '\'=HYPERLINK("x") <script>alert(1)</script>'


def test_resolving_one_already_resolved_names_who_did_and_keeps_the_second_note(admin, central):  # noqa: F811
    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)
    siti = _signed_in(central, "siti", "en")
    page_admin = admin.get("/admin/").get_data(as_text=True)  # both have the task on their screen
    page_siti = siti.get("/admin/").get_data(as_text=True)
    assert f'data-task="{task}"' in page_admin and f'data-task="{task}"' in page_siti
    first = admin.post(
        f"/admin/reconciliation/{task}/resolve", data={"csrf_token": csrf(page_admin), "note": "stok dihitung"}
    )
    late = siti.post(
        f"/admin/reconciliation/{task}/resolve", data={"csrf_token": csrf(page_siti), "note": "refunded the shopper"}
    )
    assert first.status_code == 302 and late.status_code == 409
    [item] = _tasks(central)
    said = _flashes(late.get_data(as_text=True))
    assert f'This task was already resolved by admin on {_when(central, item.resolved_at)}: "stok dihitung".' in said
    assert 'Your note was not saved: "refunded the shopper".' in said
    assert (item.resolved_by, item.resolution_note) == ("admin", "stok dihitung")


# -- two admins at the same moment, on PostgreSQL (row locks are its own) -------------------------------------------
ON_POSTGRESQL = pytest.mark.parametrize("central", ["postgresql"], indirect=True)


@ON_POSTGRESQL
def test_two_admins_resolving_one_task_at_once_one_wins_the_other_is_told_who_in_their_language(central):  # noqa: F811
    from racekit import at_once

    ani, budi = _signed_in(central, "ani", "id"), _signed_in(central, "budi", "en")
    p = pusher(central, STORE)
    for n in range(6):  # a new task each round: the two requests meet at different points
        _sell_below_zero(p, f"SKU-{n + 10:05d}")
        [task] = [t.id for t in _tasks(central) if t.resolved_at is None]
        forms = [(c, {"csrf_token": csrf(c.get("/admin/").get_data(as_text=True))}) for c in (ani, budi)]
        a, b = at_once(
            *[
                lambda c=c, f=f, who=who, task=task: c.post(
                    f"/admin/reconciliation/{task}/resolve", data={**f, "note": f"oleh {who}"}
                )
                for (c, f), who in zip(forms, ("ani", "budi"), strict=True)
            ]
        )
        assert sorted([a.status_code, b.status_code]) == [302, 409], (a.status_code, b.status_code)
        item = {t.id: t for t in _tasks(central)}[task]
        winner, loser = ("ani", b) if a.status_code == 302 else ("budi", a)
        assert (item.resolved_by, item.resolution_note) == (winner, f"oleh {winner}")  # the winner's, whole
        told = _flashes(loser.get_data(as_text=True))
        if winner == "ani":
            assert f"This task was already resolved by ani on {_when(central, item.resolved_at)}" in told
            assert 'Your note was not saved: "oleh budi"' in told
        else:
            assert f"Tugas ini sudah diselesaikan oleh budi pada {_when(central, item.resolved_at)}" in told
            assert 'Catatan Anda tidak disimpan: "oleh ani"' in told


@ON_POSTGRESQL
def test_many_admins_resolving_at_once_one_resolution_is_kept_and_each_other_is_refused_naming_it(central):  # noqa: F811
    from racekit import at_once

    _sell_below_zero(pusher(central, STORE))
    task = _open_task(central)
    names = [f"admin{i}" for i in range(8)]
    out = at_once(
        *[lambda who=who: reconciliation_resolve.resolve(central.ctx, task, who, f"note {who}") for who in names],
        expected=(Conflict,),
    )
    won = [r for r in out if not isinstance(r, Conflict)]
    assert len(won) == 1
    winner = won[0]["resolved_by"]
    refused = [r for r in out if isinstance(r, Conflict)]
    assert len(refused) == 7 and all(
        (r.code, r.detail["by"], r.detail["note"]) == ("task_already_resolved", winner, f"note {winner}")
        for r in refused
    )
    [item] = _tasks(central)
    assert (item.resolved_by, item.resolution_note) == (winner, f"note {winner}")


@ON_POSTGRESQL
def test_a_resolve_racing_a_new_occurrence_never_hides_it_on_the_resolved_task(central):  # noqa: F811
    """The sale either counts on the task before it is resolved (the resolution covers it) or raises a new open task
    after: never counted on a task already resolved, where no one would see it."""
    from racekit import at_once

    p = pusher(central, STORE)
    for n in range(20):  # the window is short: many rounds
        sku = f"SKU-{n + 20:05d}"
        _sell_below_zero(p, sku)
        [task] = [t.id for t in _tasks(central) if t.resolved_at is None]
        done, _ = at_once(
            lambda task=task: reconciliation_resolve.resolve(central.ctx, task, "admin", "stok dihitung ulang"),
            lambda sku=sku: _sell_below_zero(p, sku),
        )
        ours = [t for t in _tasks(central) if t.sku == sku]
        resolved = {t.id: t for t in ours}[task]
        assert resolved.occurrences == done["occurrences"]  # nothing counted on it after its resolution
        assert sum(t.occurrences for t in ours) == 2  # both sales below zero counted, once each
        assert len([t for t in ours if t.resolved_at is None]) == (1 if done["occurrences"] == 1 else 0)
        with central.ctx.db.unit_of_work() as s:  # every task of the round closed: the next round starts clean
            s.execute(update(ReconciliationItem).values(resolved_at=central.ctx.clock()))
