"""Where a history's central database lives: a SQLite file (the default) or a PostgreSQL database.

On PostgreSQL each simulation process keeps three databases of its own on the test server: a template made
once (migrated, demo catalog, stores, members), the live one each history starts as a copy of
(`CREATE DATABASE ... TEMPLATE`), and the backup a history may take and restore. The same histories then run
against the production engine, where lock order and isolation are real.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_BASE = os.environ.get("OMNITOKO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")
_CHOSEN = {"backend": "sqlite"}


def use(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"central backend is one of {', '.join(BACKENDS)}, not {backend!r}")
    _CHOSEN["backend"] = backend


def backend() -> str:
    return _CHOSEN["backend"]


class PgCentral:
    """The process's PostgreSQL databases; `dispose(url)` closes this process's connections to one of them."""

    def __init__(self, dispose: Callable[[str], None]) -> None:
        prefix = f"omnitoko_sim_{os.getpid()}"
        self.live, self.template, self.saved = prefix, f"{prefix}_tpl", f"{prefix}_bak"
        self.dispose = dispose
        self.admin = create_engine(
            PG_BASE, isolation_level="AUTOCOMMIT", pool_size=1, connect_args={"options": "-csynchronous_commit=off"}
        )
        atexit.register(self.drop_all)

    def url_of(self, name: str) -> str:
        # No wait for the disk at commit (as the SQLite histories run on tmpfs): the simulation checks logic,
        # locks and isolation, which are the same; a crash of the server is not one of its faults.
        url = make_url(PG_BASE).set(database=name, query={"options": "-csynchronous_commit=off"})
        return url.render_as_string(hide_password=False)

    @property
    def url(self) -> str:
        return self.url_of(self.live)

    def new_template(self) -> str:
        self._copy(None, self.template)
        return self.url_of(self.template)

    def template_content(self) -> Any:
        self.dispose(self.url_of(self.template))
        return self.template

    def lay_out(self, content: Any) -> None:
        self._copy(str(content), self.live)

    def backup(self) -> None:
        self._copy(self.live, self.saved)

    def restore(self) -> None:
        self._copy(self.saved, self.live)

    def _copy(self, source: str | None, target: str) -> None:
        """Target made anew (from source, or empty); nobody of ours may be connected to either."""
        for name in (source, target):
            if name:
                self.dispose(self.url_of(name))
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{target}"' + (f' TEMPLATE "{source}"' if source else "")))

    def drop_all(self) -> None:
        try:
            for name in (self.live, self.saved, self.template):
                self.dispose(self.url_of(name))
                with self.admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()
        except Exception:  # noqa: BLE001 - leaving at exit: a server already gone has nothing to drop
            pass
