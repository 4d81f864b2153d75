"""Head office's member search reads trigram indexes on PostgreSQL (migration 0024) and finds what it found before:
part of a name or e-mail whatever its case, accents as typed, the phone as people write it, the start of a member
number, % and _ as themselves. A search of 1 or 2 letters is refused in the admin's words. Where the database user
may not create pg_trgm, the upgrade still completes and says what a DBA should run. Searches while members sign up
from other threads give whole, ordered pages, and a member who just signed up is found at once."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from sqlalchemy import Engine, event, or_, select, text
from synckit import central, central_config, pg_schema, pg_url  # noqa: F401
from test_central_admin import admin  # noqa: F401 - the signed-in admin client

from central.bootstrap import central_context
from central.db import central_database
from central.migrate import upgrade
from central.services import loyalty, loyalty_admin
from central.tables import Member

ON_POSTGRESQL = pytest.mark.parametrize("central", ["postgresql"], indirect=True)
TRGM = {"ix_members_name_trgm", "ix_members_email_trgm", "ix_members_phone_trgm", "ix_members_number_trgm"}

PEOPLE = [
    ("Siti Rahmawati", "0812-3456-7890", "siti.r@contoh.id"),
    ("SITI AMINAH", "0812-0000-1111", None),
    ("José Kurniawan", "0813-2222-3333", "JOSE.K@Contoh.ID"),
    ("Jose Santoso", "0813-4444-5555", None),
    ("Budi_Santoso 50%", "0857-6666-7777", "budi@contoh.id"),
    ("Dewi Lestari", "0858-8888-9999", "dewi.lestari@contoh.id"),
    ("Hadi Susanto", "0859-1212-3434", None),  # "di_s" and "ti%a" would find him if _ and % were wildcards
]


def names(central: Any, q: str) -> list[str]:
    return [m["name"] for m in loyalty_admin.search_members(central.ctx, q, limit=100)]


@pytest.fixture
def people(central: Any) -> dict[str, dict[str, Any]]:
    return {n: loyalty.sign_up(central.ctx, n, phone, email) for n, phone, email in PEOPLE}


def test_a_search_finds_the_same_members_by_name_email_phone_and_number(central, people):
    assert names(central, "siti") == names(central, "SITI") == ["SITI AMINAH", "Siti Rahmawati"]
    assert names(central, "rahma") == ["Siti Rahmawati"]
    assert names(central, "josé") == ["José Kurniawan"], "an accent is matched as typed"
    assert names(central, "jose") == ["Jose Santoso", "José Kurniawan"], "this one by her e-mail, JOSE.K@..."
    assert names(central, "santoso") == ["Budi_Santoso 50%", "Jose Santoso"]
    assert names(central, "di_s") == ["Budi_Santoso 50%"] and names(central, "o 50%") == ["Budi_Santoso 50%"]
    assert names(central, "ti%a") == [], "% and _ are no wildcards"
    assert names(central, "lestari@") == ["Dewi Lestari"]
    for typed in ("0812 3456 7890", "+62 812-3456-7890", "3456789", "6281234"):
        assert names(central, typed) == ["Siti Rahmawati"], typed
    siti = people["Siti Rahmawati"]["number"]
    assert names(central, siti) == names(central, siti[:6] + " " + siti[6:]) == ["Siti Rahmawati"]


@ON_POSTGRESQL
def test_on_postgresql_it_finds_exactly_what_the_old_ilike_search_found(central, people):
    for i in range(40):
        loyalty.sign_up(central.ctx, f"Member Ke-{i} Élodie Ñoño", f"0819-{i:08d}", f"m{i}@Contoh.ID")

    def old(q: str) -> list[str]:  # the search before migration 0024: ILIKE on name and e-mail, LIKE on the rest
        conds = [Member.name.icontains(q, autoescape=True), Member.email.icontains(q, autoescape=True)]
        digits = "".join(ch for ch in q if ch not in " ().-+")
        if digits.isdigit():
            conds.append(Member.number.startswith(digits, autoescape=True))
            conds.append(Member.phone.contains(digits[1:] if digits.startswith("0") else digits, autoescape=True))
        with central.ctx.db.sessions() as s:
            return list(s.scalars(select(Member.name).where(or_(*conds)).order_by(Member.name, Member.number)))

    for q in ("siti", "ÉLODIE", "élodie", "ñoño", "ke-1", "contoh.id", "0819 0000", "ma", "santoso 50", "%", "ose"):
        if not loyalty_admin.too_short(q):
            assert names(central, q) == old(q)[:100], q


@pytest.mark.parametrize("typed", ["ab", "Ab", "a b", "+62", "08", "--", "é"])
def test_a_search_of_one_or_two_letters_or_digits_is_refused_in_the_admins_words(admin, central, people, typed):
    for fmt in ({}, {"format": "csv"}):
        resp = admin.get("/admin/members", query_string={"q": typed, "lang": "en", **fmt})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 400 and resp.mimetype == "text/html", (typed, fmt)
        assert "Type at least 3 letters or digits" in page and "<tr data-member=" not in page
    indonesian = admin.get("/admin/members", query_string={"q": typed, "lang": "id"}).get_data(as_text=True)
    assert "Ketik paling sedikit 3 huruf atau angka" in indonesian
    newest = admin.get("/admin/members?lang=en")  # nothing typed: the newest members, as before
    assert newest.status_code == 200 and newest.get_data(as_text=True).count("<tr data-member=") == len(PEOPLE)
    three = admin.get("/admin/members", query_string={"q": "dew", "lang": "en"}).get_data(as_text=True)
    assert "Dewi Lestari" in three and "Type at least" not in three


def plan(central: Any, q: str) -> str:
    where, order, _ = loyalty_admin._search(q)
    stmt = select(Member).where(*where).order_by(*order).limit(50)
    with central.ctx.db.engine.connect() as c:
        c.execute(text("SET enable_seqscan = off"))  # a few members: PostgreSQL would rightly read the table
        sql = str(stmt.compile(central.ctx.db.engine, compile_kwargs={"literal_binds": True}))
        return "\n".join(r[0] for r in c.execute(text("EXPLAIN " + sql)))


@ON_POSTGRESQL
def test_on_postgresql_a_search_reads_the_trigram_indexes_not_every_member(central, people):
    by_name = plan(central, "rahmawati")
    assert "Bitmap Index Scan on ix_members_name_trgm" in by_name and "Seq Scan" not in by_name, by_name
    assert "Bitmap Index Scan on ix_members_email_trgm" in by_name, "the e-mail is searched too"
    by_phone = plan(central, "0812 3456 7890")
    assert "Seq Scan" not in by_phone and all(f"Bitmap Index Scan on {ix}" in by_phone for ix in TRGM), by_phone
    with central.ctx.db.engine.connect() as c:
        made = set(
            c.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'members' AND schemaname = current_schema()")
            ).scalars()
        )
    assert made >= TRGM


def _no_pg_trgm(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> tuple[str, Any]:
    """As a database whose migrating user may not create extensions (and has none yet) answers."""
    if "extname = 'pg_trgm'" in statement:
        statement = statement.replace("extname = 'pg_trgm'", "extname = 'not_installed'")
    if statement.startswith("CREATE EXTENSION"):
        statement = (
            "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', "
            "MESSAGE = 'permission denied to create extension \"pg_trgm\"'; END $$"
        )
    return statement, params


def test_an_upgrade_by_a_user_who_may_not_create_pg_trgm_completes_and_says_what_a_dba_should_run(caplog):
    with pg_schema("omnitoko_notrgm") as url:
        event.listen(Engine, "before_cursor_execute", _no_pg_trgm, retval=True)
        try:
            with caplog.at_level(logging.WARNING):
                upgrade(url)
        finally:
            event.remove(Engine, "before_cursor_execute", _no_pg_trgm)
        said = caplog.text
        assert "Member search by name stays slow" in said and 'permission denied to create extension "pg_trgm"' in said
        assert "CREATE EXTENSION IF NOT EXISTS pg_trgm" in said
        assert "CREATE INDEX IF NOT EXISTS ix_members_name_trgm ON members USING gin (lower(name) gin_trgm_ops)" in said
        ctx = central_context(central_config(url), central_database(url))
        try:
            with ctx.db.engine.connect() as c:
                made = set(
                    c.execute(
                        text(
                            "SELECT indexname FROM pg_indexes WHERE tablename = 'members' AND schemaname = current_schema()"
                        )
                    ).scalars()
                )
                tables = set(c.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
            assert not TRGM & made and len(tables) > 30, "every later table made: the upgrade went on"
            loyalty.sign_up(ctx, "Siti Rahmawati", "0812-3456-7890")
            assert [m["name"] for m in loyalty_admin.search_members(ctx, "rahma")] == ["Siti Rahmawati"]
        finally:
            ctx.db.dispose()


def test_pages_read_while_members_sign_up_are_whole_and_ordered_and_a_new_member_is_found_at_once(central):
    for i in range(60):
        loyalty.sign_up(central.ctx, f"Uji Cari M{i:03d}", f"0816-{i:08d}")
    stop, problems, unfound = threading.Event(), [], []

    def sign_up(worker: int) -> None:
        for i in range(40):
            if stop.is_set():
                return
            for prefix in ("Uji Cari A", "Uji Cari Z"):  # before and after the members already there
                name = f"{prefix} {worker}-{i:03d}"
                try:
                    loyalty.sign_up(central.ctx, name, f"0817-{worker}{prefix[-1] == 'Z':d}{i:06d}")
                    if [m["name"] for m in loyalty_admin.search_members(central.ctx, name)] != [name]:
                        unfound.append(name)
                except Exception as e:  # a failure shows in the test, not in a thread's log
                    problems.append(repr(e))

    threads = [threading.Thread(target=sign_up, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    pages = []
    try:
        for _ in range(15):
            listed = loyalty_admin.search_page(central.ctx, "uji cari", 2, 25)
            pages.append(listed)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not problems and not unfound, (problems, unfound)
    for listed in pages:
        got = [(m["name"], m["number"]) for m in listed["items"]]
        assert len(got) == 25 and got == sorted(got) and len(set(got)) == 25
        assert all(name.startswith("Uji Cari") for name, _ in got) and listed["total"] >= 60
    total = loyalty_admin.search_page(central.ctx, "uji cari", 1, 50)["total"]
    exported = [
        (m["name"], m["number"]) for chunk in loyalty_admin.MemberExport(central.ctx, "uji cari", size=7) for m in chunk
    ]
    paged = [
        (m["name"], m["number"])
        for p in range(1, total // 50 + 2)
        for m in loyalty_admin.search_page(central.ctx, "uji cari", p, 50)["items"]
    ]
    assert exported == paged == sorted(set(exported)) and len(exported) == total > 60
