"""The store's migrations at start (issue 19): one process at a time, never half applied.

The store server and the sync agent both migrate as they start. Two of them on one fresh database: the second
waits for the first's lock, then finds the database at head. A revision that fails (or that would leave rows
pointing nowhere) is rolled back alone: the database stays at the revision before it, its rows kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from common.migration_lock import lock_path, migration_lock
from pos.adapters.migrate import SCRIPTS, alembic_config, upgrade

ROOT = Path(__file__).resolve().parents[2]


def current(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def heads(scripts: Path = SCRIPTS) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("sqlite://", scripts)).get_heads())


def start_migrating(url: str) -> subprocess.Popen[str]:
    code = f"from pos.adapters.migrate import upgrade; print('applied', len(upgrade({url!r})), flush=True)"
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.mark.timeout(240)
def test_two_processes_starting_on_one_fresh_store_database_migrate_it_once_the_second_waits(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with migration_lock(url):  # held here until both have started and are waiting for it
        procs = [start_migrating(url), start_migrating(url)]
        for p in procs:
            assert p.stdout is not None
            line = p.stdout.readline()
            assert "waiting for the migration lock" in line, line
        assert not inspect(create_engine(url)).get_table_names()  # nobody migrated past the lock
    outs = [p.communicate(timeout=200)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    applied = sorted(int(out.split("applied ")[-1]) for out in outs)
    assert applied[0] == 0 and applied[1] >= len(heads())  # one did every revision, the other found it at head
    assert current(url) == heads()
    assert lock_path(url) == tmp_path / "store.db.migrate-lock"


FAILING = '''"""a revision that breaks half way

Revision ID: 9999_breaks
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "9999_breaks"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_made", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE products SET price = 1")
    {breaks}


def downgrade() -> None:
    pass
'''


@pytest.mark.parametrize(
    ("breaks", "says"),
    [
        ('raise RuntimeError("disk full")', "disk full"),
        # rows that refer to rows that are not there: refused inside the revision's own transaction
        (
            'op.execute("INSERT INTO sale_lines (id, sale_id, position, sku, name, unit_price, qty, tax_group, '
            "tax_rate_bp, line_discount, sale_discount, net, refunded_qty) "
            "VALUES ('l1', 'no-such-sale', 1, 'SKU-1', 'x', 1, 1, 'PPN', 1100, 0, 0, 1, 0)\")",
            "refer to missing rows",
        ),
    ],
)
def test_a_failing_revision_leaves_the_store_database_at_the_revision_before_it_with_its_rows(tmp_path, breaks, says):
    scripts = tmp_path / "scripts"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    [head] = heads()
    (scripts / "versions" / "9999_breaks.py").write_text(FAILING.format(down=head, breaks=breaks), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert upgrade(url, head) != []
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (id, sku, barcode, name, price, tax_group, unit, active) "
                "VALUES ('p', 'SKU-1', '899', 'Teh botol', 5000, 'PPN', 'pcs', 1)"
            )
        )

    with pytest.raises(Exception, match=says):
        upgrade(url, scripts=scripts)

    assert current(url) == {head}
    with engine.connect() as conn:
        assert "half_made" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT price FROM products")).scalar_one() == 5000
        assert conn.execute(text("SELECT count(*) FROM sale_lines")).scalar_one() == 0
    engine.dispose()
    assert upgrade(url) == []  # the shipped revisions: nothing left to do, and the lock was let go
