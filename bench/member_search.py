"""Head office's member search at chain scale on PostgreSQL, without and with the trigram indexes (migration 0024).

Bulk-loads N members (BENCH_MEMBERS, default 1,000,000; INSERT ... SELECT generate_series, one statement) with
Indonesian names from 40 first names x 60 surnames, a rare surname on one member in 50,000, an e-mail on two in
three, unique phones and member numbers, into the schema as it was before migration 0024, runs ANALYZE, then times
what the admin's page and CSV run (loyalty_admin: the count and the first 50, or the CSV's first 5,000-member
chunk), BENCH_MEMBERS_REPEAT times each (default 10), searching by a common name part, a rare one, a phone and a
member number. Then migrates to the head (the index build is timed), runs ANALYZE and times the same again.
Figures: p50 and p95 of each with the indexes, compared with the same without (ratio = with / without), the whole
CSV of a common name part, and whether the name search's plan reads the name index.

Run: python -m bench.member_search (or `make bench`). OMNITOKO_BENCH_PG names the PostgreSQL; works in a schema of
its own, dropped at the end.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from bench import Row, percentile, pg_schema, print_table, row
from central.bootstrap import central_context
from central.config import CentralConfig
from central.db import central_database
from central.migrate import alembic_config
from central.migrate import upgrade as central_upgrade
from central.services import loyalty_admin
from central.tables import Member

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
N_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000000"))
REPEAT = int(os.environ.get("BENCH_MEMBERS_REPEAT", "10"))
INDEXED = "0024_member_search_trgm"

FIRST = (  # noqa: SIM905 - a list of names reads best as names
    "Siti Budi Agus Dewi Ahmad Sri Putri Eko Rina Andi Nur Wahyu Yuni Rudi Fitri Hendra Lestari Joko Ayu Bambang "
    "Indah Dedi Ratna Fajar Maya Irfan Wulan Teguh Sari Rizky Dian Yusuf Intan Hadi Nia Arif Tuti Bayu Lina Gita"
).split()
LAST = (  # noqa: SIM905
    "Santoso Wijaya Rahmawati Saputra Hidayat Kusuma Setiawan Pratama Nugroho Susanto Lestari Wibowo Kurniawan "
    "Hakim Siregar Nasution Simanjuntak Harahap Lubis Tanjung Gunawan Halim Tanoto Salim Sulistyo Purnomo Utami "
    "Permata Anggraini Suryadi Firmansyah Ramadhan Maulana Syahputra Hasibuan Pangaribuan Sembiring Ginting "
    "Tarigan Manurung Sitompul Pardede Situmorang Sinaga Panjaitan Hutapea Damanik Purba Saragih Napitupulu "
    "Effendi Iskandar Budiman Hartono Wirawan Suharto Sudirman Kartika Puspita Cahyani"
).split()
RARE = "Wibisono"  # one member in 50,000
COMMON = ["siti", "wati", "budi", "santoso", "putri"]  # a first name in 40, a surname in 60, a part of several


def _pick(words: list[str], salt: int) -> str:
    array = "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"
    return f"({array})[1 + ((hashint4(g + {salt})::bigint & 2147483647) % {len(words)})]"


def load(ctx: Any) -> float:
    """N members straight into the table (its unique indexes on); seconds taken."""
    first, last = _pick(FIRST, 0), _pick(LAST, 1_000_003)
    started = time.perf_counter()
    with ctx.db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO members (id, number, name, phone, email, blocked, balance, held, version, signed_up_at, "
                f"created_at) SELECT gen_random_uuid()::text, '70' || lpad(((g::bigint * 104729) % 10000000000)::text,"
                f" 10, '0'), {first} || ' ' || CASE WHEN g % 50000 = 7 THEN '{RARE}' ELSE {last} END, "
                "'628' || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0'), "
                f"CASE WHEN g % 3 = 0 THEN NULL ELSE lower({first}) || '.' || g || '@contoh.id' END, false, g % 500,"
                " 0, 1, 'online', now() - make_interval(mins => g) FROM generate_series(1, CAST(:n AS int)) g"
            ),
            {"n": N_MEMBERS},
        )
    return time.perf_counter() - started


def _analyze(ctx: Any) -> None:
    with ctx.db.engine.begin() as c:
        c.execute(text("ANALYZE members"))


def _samples(ctx: Any) -> dict[str, list[str]]:
    """Searches of each kind: phones typed as people write them (0812...) and member numbers of members there."""
    with ctx.db.sessions() as s:
        picked = s.execute(select(Member.phone, Member.number).order_by(func.random()).limit(REPEAT)).all()
    return {
        "common name part": COMMON,
        "rare name part": [RARE.lower(), RARE, RARE.upper()],
        "phone": ["0" + phone[2:] for phone, _ in picked],
        "member number": [number for _, number in picked],
    }


def _time(fn: Callable[[str], Any], terms: list[str]) -> list[float]:
    fn(terms[0])  # warm: the first of a kind pays for the plan and the cache
    took = []
    for i in range(REPEAT):
        started = time.perf_counter()
        fn(terms[i % len(terms)])
        took.append(time.perf_counter() - started)
    return took


def measure(ctx: Any) -> dict[str, list[float]]:
    terms = _samples(ctx)
    got = {
        f"search page (count + first 50), {kind}": _time(lambda q: loyalty_admin.search_page(ctx, q, 1, 50), found)
        for kind, found in terms.items()
    }
    got["CSV first chunk (5,000), common name part"] = _time(
        lambda q: next(iter(loyalty_admin.MemberExport(ctx, q)), None), COMMON
    )
    got["CSV first chunk (5,000), rare name part"] = _time(
        lambda q: next(iter(loyalty_admin.MemberExport(ctx, q)), None), terms["rare name part"]
    )
    started = time.perf_counter()
    export = loyalty_admin.MemberExport(ctx, "siti")
    for _ in export:
        pass
    got[f"whole CSV of 'siti' ({export.count:,} members, one run)"] = [time.perf_counter() - started]
    return got


def uses_index(ctx: Any) -> int:
    """1 if the plan of a name search's page reads the name's trigram index."""
    where, order, _ = loyalty_admin._search("rahmawati")
    stmt = select(Member).where(*where).order_by(*order).limit(50)
    with ctx.db.engine.connect() as c:
        sql = str(stmt.compile(ctx.db.engine, compile_kwargs={"literal_binds": True}))
        plan = "\n".join(r[0] for r in c.execute(text("EXPLAIN " + sql)))
    return int("ix_members_name_trgm" in plan)


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_members") as (url, _schema):
        before = ScriptDirectory.from_config(alembic_config(url)).get_revision(INDEXED).down_revision
        central_upgrade(url, str(before))
        config = CentralConfig()
        config.database.url = url
        config.server.secret_key = uuid.uuid4().hex * 2
        ctx = central_context(config, central_database(url))
        loaded = load(ctx)
        _analyze(ctx)
        print(f"  {N_MEMBERS:,} members loaded in {loaded:.1f} s; timing without the indexes", flush=True)
        without = measure(ctx)
        plain_plan = uses_index(ctx)
        started = time.perf_counter()
        central_upgrade(url)
        built = time.perf_counter() - started
        _analyze(ctx)
        with ctx.db.sessions() as s:
            size = s.scalar(
                text("SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'members'::regclass")
            )
            table = s.scalar(text("SELECT pg_relation_size('members')"))
        print(f"  indexes built in {built:.1f} s; timing with them", flush=True)
        with_index = measure(ctx)
        index_plan = uses_index(ctx)
        ctx.db.dispose()
    rows = [
        row(f"{N_MEMBERS:,} members bulk-loaded (INSERT ... SELECT)", loaded, "s"),
        row("migration 0024: the 4 trigram indexes built", built, "s"),
        row("members table / all its indexes", table / 1e6, f"MB / {int(size or 0) / 1e6:,.0f} MB"),
    ]
    for name, after in with_index.items():
        was = without[name]
        p50, was50 = percentile(after, 50) * 1000, percentile(was, 50) * 1000
        rows.append(
            row(
                f"{name}: p50 (p95)",
                p50,
                f"ms ({percentile(after, 95) * 1000:,.1f} ms)",
                baseline=f"no index: {was50:,.0f} ms ({percentile(was, 95) * 1000:,.0f} ms)",
                ratio=p50 / was50,
            )
        )
    rows.append(
        row("name search's plan reads ix_members_name_trgm", index_plan, f"1 = yes (without: {plain_plan})", "1")
    )
    return rows


if __name__ == "__main__":
    print_table(run())
