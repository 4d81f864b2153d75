"""Head office sees the cash the stores' tills moved in and out (`/admin/cash`): one store's moves over a range of
its days with reason, amount, cashier and approver, the totals by reason, and a CSV, in Indonesian and English."""

from __future__ import annotations

from datetime import date

from cashkit import CASHIER, MANAGER, move, open_shift
from checkkit import pusher
from synckit import central, pg_url  # noqa: F401
from test_central_admin import admin  # noqa: F401 - the signed-in admin client (English)

from central.services import cash_report
from common.contract.names import EventType

MOVED = EventType.CASH_MOVED


def three_moves(central) -> dict[str, dict]:
    """TOKO-01: a drop and an expense on 2 December (WIB), more change on the 3rd; TOKO-02: a drop on the 2nd."""
    p = pusher(central, "TOKO-01")
    shift = open_shift(p)
    moves = {
        "drop": move(shift, "safe_drop", 150_000, moved_at="2026-12-02T03:00:00"),  # 10:00 WIB
        "expense": move(shift, "store_expense", 12_500, note="kurir galon", moved_at="2026-12-02T18:30:00"),  # 3rd
        "change": move(shift, "more_change", 50_000, moved_at="2026-12-02T16:59:00"),  # 23:59 WIB on the 2nd
    }
    for name, m in moves.items():
        if name == "drop":  # a store of today sends version 2, with the names; an earlier one version 1, ids only
            p.applied(MOVED, {**m, "staff_name": "Siti Rahayu", "approver_name": "Dewi Lestari"}, version=2)
        else:
            p.applied(MOVED, m)
    other = pusher(central, "TOKO-02")
    other.applied(MOVED, move(open_shift(other), "safe_drop", 999_000, moved_at="2026-12-02T03:00:00"))
    return moves


def test_a_stores_moves_on_its_days_with_totals_by_reason(central):
    moves = three_moves(central)
    on_2nd = cash_report.report(central.ctx, "TOKO-01", *_days("2026-12-02", "2026-12-02"))
    assert [m["id"] for m in on_2nd["moves"]] == [moves["drop"]["move_id"], moves["change"]["move_id"]]
    assert on_2nd["moves"][0]["at"] == "02/12/2026 10:00" and on_2nd["zone"] == "WIB"
    assert on_2nd["by_reason"] == [
        {"reason": "safe_drop", "direction": "out", "count": 1, "amount": 150_000},
        {"reason": "more_change", "direction": "in", "count": 1, "amount": 50_000},
    ]
    both = cash_report.report(central.ctx, "TOKO-01", *_days("2026-12-02", "2026-12-03"))
    assert both["totals"] == {"count": 3, "out": 162_500, "in": 50_000, "net": -112_500}
    first = cash_report.report(central.ctx, "TOKO-01", *_days("2026-12-02", "2026-12-03"), limit=1)
    assert (len(first["moves"]), first["more"], first["totals"]["count"]) == (1, 2, 3)


def _days(start: str, end: str) -> tuple[date, date]:
    return date.fromisoformat(start), date.fromisoformat(end)


def test_the_page_lists_each_move_with_cashier_and_approver_and_its_csv_all_in_the_admins_language(central, admin):
    moves = three_moves(central)
    page = admin.get("/admin/cash?store=TOKO-01&from=2026-12-02&to=2026-12-03").get_data(as_text=True)
    assert 'href="/admin/cash"' in page  # in the admin's menu
    for m in moves.values():
        assert f'data-move="{m["move_id"]}"' in page
    assert "Drop to the safe" in page and "Store expense" in page and "kurir galon" in page
    assert "Siti Rahayu" in page and "Dewi Lestari" in page  # the names a version-2 move carries
    assert CASHIER in page  # a version-1 move (no names) by the cashier's id
    assert 'id="cash-out" data-amount="162500"' in page and 'id="cash-in" data-amount="50000"' in page
    assert "999.000" not in page  # TOKO-02's drop is its own
    sheet = admin.get("/admin/cash?store=TOKO-01&from=2026-12-02&to=2026-12-03&format=csv")
    assert sheet.mimetype == "text/csv" and "cash-TOKO-01-20261202-20261203-" in sheet.headers["Content-Disposition"]
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Time,Till,Way,Reason,Amount,Cashier's note,Cashier,Approved by,Shift,ID"
    assert lines[1].startswith("02/12/2026 10:00,T1,Out,Drop to the safe,150000,,Siti Rahayu,Dewi Lestari,")
    assert f",{CASHIER},{MANAGER}," in lines[3]  # the expense, sent as version 1
    assert len(lines) == 4
    indonesian = admin.get("/admin/cash?store=TOKO-01&from=2026-12-02&to=2026-12-03&lang=id").get_data(as_text=True)
    assert (
        "Setor ke brankas" in indonesian and "Total kas keluar" in indonesian and "Kas masuk dan keluar" in indonesian
    )


def test_bad_days_are_a_400_in_words_and_an_unknown_store_a_404(central, admin):
    for query, said in (
        ("from=2026-12-02&to=2026-12-01", "The first day comes after the last."),
        ("from=2025-01-01&to=2026-12-01", "A report covers at most 92 days."),
        ("from=31/02/2026", "Not a valid date: type it as 23/11/2026."),
        ("from=kemarin", "Not a valid date: type it as 23/11/2026."),
    ):
        r = admin.get(f"/admin/cash?{query}&lang=en")
        assert r.status_code == 400 and said in r.get_data(as_text=True), query
        assert 'id="cash-moves"' not in r.get_data(as_text=True)
    assert admin.get("/admin/cash?store=TOKO-99").status_code == 404
    empty = admin.get("/admin/cash?store=TOKO-01").get_data(as_text=True)
    assert 'id="cash-none"' in empty and "No cash moved" in empty


def test_the_page_needs_a_sign_in(central):
    client = central.extra["app"].test_client()
    assert client.get("/admin/cash").status_code == 302


def test_a_refused_move_waits_on_the_dashboard_named_in_words_with_its_reason(central, admin):
    p = pusher(central, "TOKO-01")
    refused = p.push(MOVED, move(open_shift(p), "store_expense", 10_000, approved_by=None))
    assert refused["code"] == "approval_missing"
    page = admin.get("/admin/").get_data(as_text=True)
    assert "Cash in/out of a drawer" in page and "no manager named" in page
