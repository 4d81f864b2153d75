"""The admin's loyalty pages: find a member, block and unblock, adjust points, grant an offline allowance, see debts."""

from __future__ import annotations

import re
import uuid

import pytest
from synckit import STORE, central, pg_url  # noqa: F401
from test_central_admin import admin, csrf  # noqa: F401 - the signed-in admin client

from central.services import loyalty, member_cards, offline_allowances, stores
from central.services import push as push_service
from central.tables import PointsEntry
from common import member_qr


@pytest.fixture
def member(central):
    """A member with 40 points; central signs cards with a key made for this test (never a file in the tree)."""
    central.ctx.config.loyalty.signing_key = member_qr.new_private_key()
    m = loyalty.sign_up(central.ctx, "Siti Rahmawati", "0812-3456-7890", where=STORE)  # the store's feed carries her
    return loyalty.adjust(central.ctx, m["id"], 40, "opening balance")


def cell(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html).group(1).strip()


def row_cells(html: str, marker: str) -> list[str]:
    """The texts of the cells of the table row that carries `marker` (for example data-store="TOKO-01")."""
    row = html[html.index(marker) :]
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)
    ]


def ledger(central, member_id):
    return central.rows(PointsEntry.__table__.select().where(PointsEntry.member_id == member_id))


def hold(admin, central, member_id, points=10):
    return admin.post(
        "/api/v1/loyalty/holds",
        headers={"Authorization": f"Bearer {central.token}"},
        json={
            "hold_id": str(uuid.uuid4()),
            "member_id": member_id,
            "points": points,
            "card": member_cards.card_for(central.ctx, member_id),
        },
    )


def test_a_member_is_found_by_phone_member_number_or_name(admin, central, member):
    other = loyalty.sign_up(central.ctx, "Budi Santoso", "0813-1111-2222")
    link = f'href="/admin/members/{member["id"]}"'
    for q in ("0812 3456 7890", "+62 812-3456-7890", "3456789", member["number"], "rahmawati"):
        html = admin.get("/admin/members", query_string={"q": q}).get_data(as_text=True)
        assert link in html and "0812-3456-7890" in html, q  # written as people write it, not as stored (62...)
        assert other["number"] not in html, q
    nobody = admin.get("/admin/members", query_string={"q": "0899 0000 0000"}).get_data(as_text=True)
    assert link not in nobody and "No member matches" in nobody
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert "Siti Rahmawati" in page and cell(page, "balance") == "40" and "<strong>0812-3456-7890</strong>" in page
    assert admin.get("/admin/members/no-such-member").status_code == 404


def test_blocking_on_the_member_page_makes_the_hold_api_refuse_and_unblocking_allows_again(admin, central, member):
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert admin.post(f"/admin/members/{member['id']}/block", data={"csrf_token": csrf(page)}).status_code == 302
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert 'id="blocked-badge"' in page and 'id="unblock"' in page
    refused = hold(admin, central, member["id"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "member_blocked"
    feed = [c for c in push_service.pull(central.ctx, STORE, 0, 10_000)["changes"] if c["key"].endswith(member["id"])]
    assert feed[-1]["data"]["blocked"] is True  # the stores hear it on their next pull too

    assert admin.post(f"/admin/members/{member['id']}/unblock", data={"csrf_token": csrf(page)}).status_code == 302
    assert 'id="blocked-badge"' not in admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    allowed = hold(admin, central, member["id"])
    assert allowed.status_code == 201 and allowed.get_json()["available"] == 30


def test_an_adjustment_adds_a_ledger_entry_and_the_new_balance_is_shown(admin, central, member):
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    done = admin.post(
        f"/admin/members/{member['id']}/adjust",
        data={"csrf_token": csrf(page), "points": "15", "note": "goodwill: late delivery"},
    )
    assert done.status_code == 302
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert cell(page, "balance") == "55" and loyalty.ledger_sum(central.ctx, member["id"]) == 55
    kind, points, store, _ref, note = row_cells(page, 'data-kind="adjust"')[1:]
    assert (kind, points, store, note) == ("adjust", "+15", "central", "goodwill: late delivery (admin admin)")


@pytest.mark.parametrize(
    "points, note, status, message",
    [
        ("0", "typo", 422, "other than 0"),
        ("lima", "typo", 400, "Not a valid integer"),
        ("", "typo", 400, "This field is required"),
        ("5", "", 400, "This field is required"),
    ],
)
def test_a_zero_non_numeric_or_unexplained_adjustment_is_refused_and_changes_nothing(
    admin, central, member, points, note, status, message
):
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    before = ledger(central, member["id"])
    resp = admin.post(
        f"/admin/members/{member['id']}/adjust",
        data={"csrf_token": csrf(page), "points": points, "note": note},
        headers={"Referer": f"http://localhost/admin/members/{member['id']}"},
    )
    assert resp.status_code == status and message in resp.get_data(as_text=True)
    assert cell(resp.get_data(as_text=True), "balance") == "40"
    # The language switch leads to the member's page, not to the address the form posted to (no page there).
    assert f'id="lang-switch" href="/admin/members/{member["id"]}?lang=id"' in resp.get_data(as_text=True)
    assert ledger(central, member["id"]) == before


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(admin, central, member):
    before = ledger(central, member["id"])
    resp = admin.post(f"/admin/members/{member['id']}/adjust", data={"points": "500", "note": "free points"})
    assert resp.status_code == 400 and "The form expired" in resp.get_data(as_text=True)
    admin.post(f"/admin/members/{member['id']}/block", data={})
    granted = admin.post(
        f"/admin/members/{member['id']}/allowance", data={"store_id": STORE, "points": "100", "days": "30"}
    )
    assert granted.status_code == 400
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert ledger(central, member["id"]) == before and 'id="blocked-badge"' not in page
    assert f'data-store="{STORE}"' not in page  # no allowance was granted
    assert hold(admin, central, member["id"]).status_code == 201


def test_a_granted_allowance_is_shown_and_reaches_only_that_stores_pull_feed(admin, central, member):
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok")
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert '<option value="TOKO-02">' in page
    for bad in (
        {"store_id": "TOKO-99", "points": "25", "days": "7"},
        {"store_id": STORE, "points": "-1", "days": "7"},
        {"store_id": STORE, "points": "25", "days": "0"},
    ):
        assert (
            admin.post(f"/admin/members/{member['id']}/allowance", data={"csrf_token": csrf(page), **bad}).status_code
            == 400
        ), bad
    resp = admin.post(
        f"/admin/members/{member['id']}/allowance",
        data={"csrf_token": csrf(page), "store_id": STORE, "points": "25", "days": "7"},
    )
    assert resp.status_code == 302
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    store, points, used, left, until = row_cells(page, f'<tr data-store="{STORE}">')
    assert (points, used, left) == ("25", "0", "25") and "expired" not in until
    assert store == f"Omnitoko Kemang ({STORE})"  # the store by its name
    mine = [c for c in push_service.pull(central.ctx, STORE, 0, 10_000)["changes"] if c["topic"] == "loyalty_allowance"]
    assert [(c["data"]["member_id"], c["data"]["points"], c["data"]["used"]) for c in mine] == [(member["id"], 25, 0)]
    theirs = push_service.pull(central.ctx, "TOKO-02", 0, 10_000)["changes"]
    assert not [c for c in theirs if c["topic"] == "loyalty_allowance"]


def test_a_member_who_overspent_offline_is_on_the_debts_page_with_the_store_and_amount(admin, central, member):
    allowance = offline_allowances.grant_allowance(central.ctx, member["id"], STORE, 60, 7)
    with central.ctx.db.unit_of_work() as s:  # the store's offline redemption, as its pushed event books it
        offline_allowances.redeem_offline_in(
            s,
            central.ctx,
            STORE,
            member["id"],
            55,
            allowance["id"],
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            None,
        )
    html = admin.get("/admin/debts").get_data(as_text=True)
    number, name, _phone, debt, worth, where = row_cells(html, f'data-member="{member["id"]}"')
    assert (number, name, debt, worth) == (member["number"], "Siti Rahmawati", "15", "Rp 1.500")
    assert where == "Redeemed offline at Omnitoko Kemang: 55 points"  # the store by its name
    assert cell(admin.get(f"/admin/members/{member['id']}").get_data(as_text=True), "debt") == "15"
    assert "1 member in points debt" in admin.get("/admin/").get_data(as_text=True)
    loyalty.adjust(central.ctx, member["id"], 15, "debt settled")
    assert "None: every member" in admin.get("/admin/debts").get_data(as_text=True)


def test_a_debt_made_by_a_head_office_adjustment_says_so_in_either_language(admin, central, member):
    loyalty.adjust(central.ctx, member["id"], -100, "returned goods bought with points")  # 40 points: 60 owed
    html = admin.get("/admin/debts").get_data(as_text=True)
    *_, debt, _worth, where = row_cells(html, f'data-member="{member["id"]}"')
    assert (debt, where) == ("60", "Head office adjustments: -100 points")
    assert "or head office took the balance below zero" in html
    indonesian = admin.get("/admin/debts?lang=id").get_data(as_text=True)
    assert row_cells(indonesian, f'data-member="{member["id"]}"')[-1] == "Penyesuaian kantor pusat: -100 poin"


def test_a_big_adjustment_and_allowance_are_said_with_grouped_thousands(admin, central, member):
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    done = admin.post(
        f"/admin/members/{member['id']}/adjust",
        data={"csrf_token": csrf(page), "points": "1500", "note": "complaint"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "+1.500 points: new balance 1.540." in done, "as the balance above it shows them, not +1500 and 1540"
    granted = admin.post(
        f"/admin/members/{member['id']}/allowance",
        data={"csrf_token": csrf(done), "store_id": STORE, "points": "2000", "days": "30"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Offline allowance: 2.000 points at TOKO-01 · Omnitoko Kemang." in granted  # the store by its name too


def test_an_unknown_member_link_lists_the_newest_members_under_its_heading(admin, central, member):
    resp = admin.get("/admin/members/no-such-member")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 404 and f'data-member="{member["id"]}"' in page, "not 'none match' under Newest"


def test_the_members_own_history_groups_thousands_as_their_balance_does(central, member):
    loyalty.adjust(central.ctx, member["id"], 1500, "welcome back")
    app = central.extra["app"]
    with app.test_request_context():
        from central.web.loyalty_pages import account_url

        link = account_url(member)
    page = app.test_client().get(link).get_data(as_text=True)
    history = page.split('id="history"')[1].split("</table>")[0]
    assert "+1.500<" in history and "+1500" not in history and 'id="balance">1.540<' in page


def test_an_adjustment_taking_the_balance_below_zero_asks_to_be_confirmed(admin, central, member):
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    typo = {"csrf_token": csrf(page), "points": "-99999", "note": "salah input"}  # meant -9, say
    asked = admin.post(f"/admin/members/{member['id']}/adjust", data=typo)
    said = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "The balance of 40 points would become -99.959" in said
    assert (
        'name="into_debt"' in said
        and cell(said, "balance") == "40"
        and loyalty.ledger_sum(central.ctx, member["id"]) == 40
    )
    taken = admin.post(f"/admin/members/{member['id']}/adjust", data={**typo, "into_debt": "y"})
    assert taken.status_code == 302 and loyalty.ledger_sum(central.ctx, member["id"]) == -99_959, (
        "when meant, it is done"
    )
    within = admin.post(f"/admin/members/{member['id']}/adjust", data={**typo, "points": "99999"})
    assert within.status_code == 302
    fine = admin.post(f"/admin/members/{member['id']}/adjust", data={**typo, "points": "-40"})
    assert fine.status_code == 302 and loyalty.ledger_sum(central.ctx, member["id"]) == 0, "down to 0 needs no question"


def test_the_ledgers_own_notes_are_in_the_admins_language_and_an_admins_reason_as_typed(admin, central, member):
    from central.services.online_points import ONLINE_EARN

    with central.ctx.db.unit_of_work() as s:
        for note, points in (("sale", 5), (ONLINE_EARN, 2)):
            s.add(PointsEntry(member_id=member["id"], kind="earn", points=points, store_id=STORE, note=note))
    admin.get("/admin/?lang=id")
    page = admin.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    notes = [row_cells(page[i:], 'data-kind="')[-1] for i in [m.start() for m in re.finditer('data-kind="', page)]]
    assert "penjualan" in notes and "pesanan online" in notes and "opening balance" in notes, notes
    assert "sale" not in notes and "online order" not in notes, "no English system words on an Indonesian page"


def test_the_debts_table_downloads_as_csv_in_the_admins_words(admin, central, member):
    loyalty.adjust(central.ctx, member["id"], -100, "returned goods bought with points")  # 40 points: 60 owed
    page = admin.get("/admin/debts?lang=id").get_data(as_text=True)
    assert 'id="debts-csv"' in page
    sheet = admin.get("/admin/debts?format=csv")
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert sheet.mimetype == "text/csv" and lines[0] == "No. anggota,Nama,HP,Utang (poin),Nilai,Asal utang"
    assert lines[1].startswith(f"{member['number']},Siti Rahmawati,")
    assert lines[1].endswith(",60,6000,Penyesuaian kantor pusat: -100 poin")


def test_a_search_finding_more_members_than_a_page_says_how_many_and_pages_through_them(admin, central, member):
    for i in range(51):
        loyalty.sign_up(central.ctx, f"Siti Uji {i}", f"0813-0000-{i:04d}")
    page = admin.get("/admin/members?q=Siti&lang=id").get_data(as_text=True)
    assert page.count('<tr data-member="') == 50 and "menampilkan 1–50 dari 52" in page
    assert 'id="members-next" href="/admin/members?q=Siti&amp;page=2"' in page and "Halaman 1 dari 2" in page
    second = admin.get("/admin/members?q=Siti&page=2&lang=en").get_data(as_text=True)
    assert second.count('<tr data-member="') == 2 and "showing 51–52 of 52" in second and "members-next" not in second
    ids = set(re.findall(r'<tr data-member="([^"]+)"', page)) | set(re.findall(r'<tr data-member="([^"]+)"', second))
    assert len(ids) == 52, "each member on one page, none twice"
    one = admin.get("/admin/members?q=Rahmawati").get_data(as_text=True)
    assert "showing 1–1 of 1" in one and "members-pages" not in one


def test_the_members_a_search_finds_download_as_csv_in_the_admins_words_all_of_them(admin, central, member):
    loyalty.sign_up(central.ctx, "Budi Santoso", "0813-1111-2222")
    page = admin.get("/admin/members?q=Siti&lang=id").get_data(as_text=True)
    assert 'id="members-csv" href="/admin/members?q=Siti&amp;format=csv"' in page
    sheet = admin.get("/admin/members?q=Siti&format=csv")
    assert sheet.mimetype == "text/csv" and sheet.headers["Content-Disposition"] == 'attachment; filename="members.csv"'
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "No. anggota,Nama,HP,E-mail,Saldo,Ditahan,Status,Sejak"
    assert len(lines) == 2, "the search's members only: not Budi"
    assert re.fullmatch(rf"{member['number']},Siti Rahmawati,0812-3456-7890,,40,0,aktif,\d{{4}}-\d\d-\d\d", lines[1])
    loyalty.set_blocked(central.ctx, member["id"], True)
    english = admin.get("/admin/members?q=Siti&format=csv&lang=en").get_data(as_text=True).lstrip("\ufeff")
    assert english.splitlines()[0] == "Member no.,Name,Phone,E-mail,Balance,Held,Status,Since"
    assert english.splitlines()[1].startswith(f"{member['number']},Siti Rahmawati,") and ",blocked," in english
    for i in range(51):
        loyalty.sign_up(central.ctx, f"Siti Uji {i}", f"0813-0000-{i:04d}")
    every = admin.get("/admin/members?q=Siti&format=csv").get_data(as_text=True).lstrip("\ufeff")
    assert len(every.splitlines()) == 1 + 52, "every member the search finds, not only the 50 a page lists"
    signed_out = central.extra["app"].test_client().get("/admin/members?format=csv")
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]
