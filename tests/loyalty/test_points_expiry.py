"""Points expiry at central (FIFO: spending uses the oldest points first), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from loyaltykit import new_member, use_test_key
from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401

from central.services import loyalty
from central.services.loyalty_expiry import expire_points
from central.tables import Member, PointsEntry


def book(central, member_id, kind, points, days_ago):
    """A ledger entry written as if `days_ago` days back (the earn/redeem events of a store at that time)."""
    real = central.ctx.clock
    central.ctx.clock = lambda: real() - timedelta(days=days_ago)
    try:
        with central.ctx.db.unit_of_work() as s:
            loyalty.add_entry(s, central.ctx, member_id, kind, points, store_id="TOKO-01")
    finally:
        central.ctx.clock = real


def balance(central, member_id):
    with central.ctx.db.sessions() as s:
        return s.get(Member, member_id).balance


def expired_entries(central, member_id):
    with central.ctx.db.sessions() as s:
        return list(
            s.scalars(
                select(PointsEntry.points).where(PointsEntry.member_id == member_id, PointsEntry.kind == "expire")
            )
        )


def test_old_unspent_points_expire_once_and_recent_or_spent_points_stay(central):
    use_test_key(central, expire_after_days=365)
    a, b, c = (new_member(central) for _ in range(3))
    book(central, a["id"], "earn", 100, 400)  # old, 30 spent since -> 70 expire
    book(central, a["id"], "redeem", -30, 10)
    book(central, a["id"], "earn", 50, 30)  # recent: stays
    book(central, b["id"], "earn", 40, 400)  # old but all spent -> nothing
    book(central, b["id"], "redeem", -40, 300)
    book(central, c["id"], "earn", 20, 100)  # recent only -> nothing

    first = expire_points(central.ctx)
    assert (first.members, first.points) == (1, 70)
    assert balance(central, a["id"]) == 50 and expired_entries(central, a["id"]) == [-70]
    assert balance(central, b["id"]) == 0 and balance(central, c["id"]) == 20
    assert loyalty.ledger_sum(central.ctx, a["id"]) == 50  # balance = sum of the ledger, still

    again = expire_points(central.ctx)
    assert (again.members, again.points) == (0, 0)
    assert expired_entries(central, a["id"]) == [-70]


def test_expiry_never_puts_a_member_into_debt_and_is_off_at_zero_days(central):
    use_test_key(central, expire_after_days=0)
    m = new_member(central)
    book(central, m["id"], "earn", 100, 800)
    book(central, m["id"], "adjust", -60, 5)  # head office took 60: only 40 are left to expire
    assert expire_points(central.ctx).cutoff is None
    assert balance(central, m["id"]) == 40

    central.ctx.config.loyalty.expire_after_days = 365
    done = expire_points(central.ctx)
    assert (done.members, done.points) == (1, 40)
    assert balance(central, m["id"]) == 0
    assert expire_points(central.ctx).points == 0


def test_the_cli_prints_how_many_points_of_how_many_members_expired(tmp_path, capsys):
    from omnitoko.cli import main

    cfg = tmp_path / "central.toml"
    db = tmp_path / "central.db"
    cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n[loyalty]\nexpire_after_days = 365\n', encoding="utf-8")
    assert main(["central", "init", "--config", str(cfg)]) == 0
    capsys.readouterr()
    assert main(["central", "expire-points", "--config", str(cfg)]) == 0
    assert "0 points of 0 members expired" in capsys.readouterr().out
