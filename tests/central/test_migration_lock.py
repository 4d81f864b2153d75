"""Services that start together on a fresh PostgreSQL: each runs the migrations, one at a time under a lock.

Four processes (as four hosts' `central init`) migrate one empty schema at once; without the lock they trip over
each other's half-made tables; with it, all succeed and the schema is at the heads once.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from synckit import pg_schema

from central.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def test_four_central_starts_at_once_migrate_once_and_all_succeed() -> None:
    with pg_schema("omnitoko_mig") as url:
        code = f"from central.migrate import upgrade; upgrade({url!r})"
        procs = [
            subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(4)
        ]
        outs = [(p.wait(timeout=240), p.stdout.read().decode() if p.stdout else "") for p in procs]
        assert all(rc == 0 for rc, _ in outs), [out[-800:] for rc, out in outs if rc]
        engine = create_engine(url)
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        engine.dispose()
        assert current == set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
