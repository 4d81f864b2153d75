"""The manager's staff screen: a new cashier signs in at the till with the PIN given, a new PIN unlocks a code and
ends its sessions, a code turned off cannot sign in; refused in words: a taken code, a bad PIN, two PINs that
differ, a cashier at the screen, a form without its token, the last manager or one's own code turned off; two
managers adding one code at once, or turning each other off at once, never leave two codes or no manager."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from test_manager_pages import Browser, error_of

from common.errors import DomainError
from pos.adapters.tables import AuditEntry, Staff
from pos.services import auth, setup, staff_admin
from pos.services.context import StoreContext


def screens(store: StoreContext, code: str = "9001", pin: str = "4321") -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in(code, pin).status_code == 302
    return web


def row(page: str, code: str) -> str:
    found = re.search(rf'<tr id="staff-{code}".*?</tr>', page, re.S)
    assert found, code
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def flash(resp: Any) -> str:
    said = re.findall(r'class="flash (?:ok|error)"[^>]*>([^<]+)<', resp.get_data(as_text=True))
    return said[-1].strip() if said else ""  # the last: a sign-in's welcome may still be above it


def test_a_new_cashier_signs_in_at_the_till_and_a_new_pin_unlocks_a_locked_code(store: StoreContext) -> None:
    web = screens(store)
    added = web.post(
        "/manager/staff",
        {"code": "1010", "name": "  Rina   Wati ", "role": "cashier", "pin": "5566", "pin_again": "5566"},
    )
    assert added.status_code == 302
    page = web.get("/manager/staff?lang=id")
    assert flash(page) == "Kasir Rina Wati ditambahkan dengan kode 1010."
    assert row(page.get_data(as_text=True), "1010").startswith("1010 Rina Wati Kasir Aktif")
    token, who = auth.sign_in(store, "1010", "5566", "T1")
    assert who.name == "Rina Wati" and who.role == "cashier"

    with store.db.unit_of_work() as s:  # five wrong PINs locked it
        s.execute(update(Staff).where(Staff.code == "1010").values(locked_until=store.clock() + timedelta(minutes=5)))
    assert "Terkunci (PIN salah)" in row(web.get("/manager/staff").get_data(as_text=True), "1010")
    web.post("/manager/staff/1010/pin", {"pin": "7788", "pin_again": "7788"})
    assert "Aktif" in row(web.get("/manager/staff").get_data(as_text=True), "1010")
    with pytest.raises(DomainError):
        auth.authenticate(store, token)  # the session on the old PIN ended
    assert auth.sign_in(store, "1010", "7788", "T1")[1].code == "1010"

    web.post("/manager/staff/1010/active", {"active": "0"})
    assert flash(web.get("/manager/staff")) == "Kode 1010 dinonaktifkan; sesinya diakhiri."
    with pytest.raises(DomainError):
        auth.sign_in(store, "1010", "7788", "T1")
    with store.db.sessions() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.ref_id == _id(store, "1010"))))
    assert sorted(actions) == ["staff_added", "staff_disabled", "staff_pin_set"]
    audit = web.get("/manager/audit?lang=en").get_data(as_text=True)
    assert "Rina Wati (1010) added" in audit and "Rina Wati (1010) turned off" in audit


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"code": "1001", "name": "Siti", "pin": "1234"}, "Kode staf 1001 sudah dipakai"),
        ({"code": "12", "name": "Ani", "pin": "1234"}, "Kode staf terdiri dari 3 sampai 8 angka"),
        ({"code": "abc1", "name": "Ani", "pin": "1234"}, "Kode staf terdiri dari 3 sampai 8 angka"),
        ({"code": "1011", "name": "Ani", "pin": "12"}, "PIN terdiri dari 4 sampai 8 angka"),
        ({"code": "1011", "name": "A" * 81, "pin": "1234"}, "Nama staf 1 sampai 80 huruf"),
        ({"code": "1011", "name": "Ani", "pin": "1234", "role": "owner"}, "Peran adalah kasir atau manajer"),
        ({"code": "1011", "name": "Ani", "pin": "1234", "pin_again": "4321"}, "Kedua PIN tidak sama"),
    ],
)
def test_a_bad_new_staff_code_is_refused_in_words_and_the_form_keeps_what_was_typed(
    store: StoreContext, form: dict[str, str], said: str
) -> None:
    web = screens(store)
    sent = {"role": "cashier", "pin_again": form["pin"], **form}
    resp = web.post("/manager/staff?lang=id", sent)
    assert 400 <= resp.status_code < 500 and said in error_of(resp), error_of(resp)
    page = resp.get_data(as_text=True)
    assert f'value="{form["code"]}"' in page and "1011" not in [p["code"] for p in staff_admin.staff(store)]


def test_a_cashier_or_a_form_without_its_token_changes_nobody(store: StoreContext) -> None:
    from pos.web.app import create_app

    cashier = Browser(create_app(store.config, store.db))
    cashier.sign_in("1001", "1234")
    refused = cashier.post(
        "/manager/staff", {"code": "1012", "name": "X", "role": "manager", "pin": "1234", "pin_again": "1234"}
    )
    assert refused.status_code in (401, 403)
    web = screens(store)
    no_token = web.post("/manager/staff/1001/active", {"active": "0"}, csrf=False)
    assert no_token.status_code == 400
    assert [p["code"] for p in staff_admin.staff(store) if p["active"]] == ["9001", "1001", "1002"]


def test_the_last_manager_and_ones_own_code_stay_on_and_the_command_line_may_turn_off_anyone(
    store: StoreContext,
) -> None:
    web = screens(store)
    web.post("/manager/staff/9001/active?lang=en", {"active": "0"})
    assert flash(web.get("/manager/staff")) == "a manager does not turn their own code off"
    setup.add_staff(store, "9002", "Agus", "manager", "2468")
    other = screens(store, "9002", "2468")
    other.post("/manager/staff/9001/active?lang=en", {"active": "0"})
    assert flash(other.get("/manager/staff")) == "Code 9001 is turned off; its sessions were ended."
    with pytest.raises(DomainError) as refused:  # 9002 is now the only active manager
        staff_admin.set_active(store, _id(store, "9001"), "9002", False)
    assert refused.value.code == "last_manager"
    assert "9002" in [p["code"] for p in staff_admin.staff(store) if p["active"]]
    setup.set_staff_active(store, "9002", False)  # the owner's command line may
    assert not [p for p in staff_admin.staff(store) if p["role"] == "manager" and p["active"]]


def _id(store: StoreContext, code: str) -> str:
    with store.db.sessions() as s:
        return str(s.scalar(select(Staff.id).where(Staff.code == code)))


def test_two_managers_at_once_add_one_code_once_and_never_turn_off_both_managers(store: StoreContext) -> None:
    setup.add_staff(store, "9002", "Agus", "manager", "2468")
    a, b = _id(store, "9001"), _id(store, "9002")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def add(by: str, name: str) -> None:
        start.wait()
        try:
            staff_admin.add(store, by, "1020", name, "cashier", "1357")
            outcomes.append("added")
        except DomainError as e:
            outcomes.append(e.code)

    runs = [threading.Thread(target=add, args=(by, name)) for by, name in ((a, "Rina"), (b, "Rini"))]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sorted(outcomes) == ["added", "staff_exists"]

    outcomes.clear()
    start = threading.Barrier(2)

    def turn_off(by: str, code: str) -> None:
        start.wait()
        try:
            staff_admin.set_active(store, by, code, False)
            outcomes.append("off")
        except DomainError as e:
            outcomes.append(e.code)

    runs = [threading.Thread(target=turn_off, args=args) for args in ((a, "9002"), (b, "9001"))]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sorted(outcomes) == ["last_manager", "off"]
    assert sum(1 for p in staff_admin.staff(store) if p["role"] == "manager" and p["active"]) == 1
