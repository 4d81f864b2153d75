"""The store's hot-path transaction (`Database.transaction()` in common/db.py): statements run by the SQLite driver.

A `Tx` is begun and committed by the driver on a pooled connection; its Core statements are built once (at module
level), compiled once to SQLite text (`compiled_sql`) and run with no per-statement work in SQLAlchemy. A Core
connection and an ORM session join the same transaction only when asked for. `SessionTx` is the same handle over an
ORM session's unit of work, so code written against it (the after-sale steps) runs inside either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import ClauseElement, Connection, Engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

BEGUN = "omnitoko_begun"  # set on a pooled connection whose transaction a `Tx` began by the driver


_NAMED = sqlite.dialect(paramstyle="named")


@cache
def compiled_sql(stmt: ClauseElement) -> tuple[str, dict[str, Any]]:
    """A Core statement's SQLite text with `:name` parameters and the values of the literals it holds (`state ==
    "open"`), compiled once per statement object (build it once, at module level). Values go to the driver as they
    are: text, integers, None, and times through `sql_time`."""
    compiled = stmt.compile(dialect=_NAMED)
    return str(compiled), {k: v for k, v in compiled.params.items() if v is not None}


def run_sql(raw: sqlite3.Connection, stmt: ClauseElement, params: Mapping[str, Any] | None = None) -> sqlite3.Cursor:
    """A Core statement run by the SQLite driver as compiled once (`compiled_sql`)."""
    sql, literals = compiled_sql(stmt)
    return raw.execute(sql, {**literals, **(params or {})} if literals else params or {})


def run_sql_many(raw: sqlite3.Connection, stmt: ClauseElement, rows: Iterable[Mapping[str, Any]]) -> None:
    sql, literals = compiled_sql(stmt)
    raw.executemany(sql, [{**literals, **r} for r in rows] if literals else rows)


def sql_time(at: datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it (so the ORM reads back what a raw statement wrote)."""
    return at.isoformat(" ", "microseconds")[:26]  # no zone: the store's clock is naive UTC, as SQLAlchemy keeps it


def read_time(value: str | datetime) -> datetime:
    """A stored SQLite DateTime (the driver's text) as the ORM would read it (naive)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


class Tx:
    """One open transaction of `Database.transaction()`: Core statements run by the driver (`run`, `run_many`), a
    Core connection for anything else and an ORM session on the same transaction, each made when first asked for
    (most of the hot path's transactions need neither)."""

    def __init__(self, engine: Engine, fairy: Any) -> None:
        self.engine = engine
        self.raw: sqlite3.Connection = fairy.driver_connection  # SQLite only
        self.info: dict[str, Any] = {}  # the session's own info once it is made (Session.info)
        self._fairy = fairy
        self._conn: Connection | None = None
        self._session: Session | None = None

        self._after_commit: list[Callable[[], None]] = []

    def run(self, stmt: ClauseElement, params: Mapping[str, Any] | None = None) -> sqlite3.Cursor:
        if self._session is not None:
            self._session.flush()  # what the session holds is written first, as its autoflush would
        return run_sql(self.raw, stmt, params)

    def run_many(self, stmt: ClauseElement, rows: Iterable[Mapping[str, Any]]) -> None:
        if self._session is not None:
            self._session.flush()
        run_sql_many(self.raw, stmt, rows)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """What the block writes is undone if it raises (the error goes on); the rest of the transaction stands."""
        if self._session is not None:  # through the session, so that it forgets what the savepoint undoes
            with self._session.begin_nested():
                yield
            return
        name = f"sp_{id(self)}"
        self.raw.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.raw.execute(f"ROLLBACK TO {name}")
            self.raw.execute(f"RELEASE {name}")
            raise
        self.raw.execute(f"RELEASE {name}")

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Call `fn` once this transaction has committed (not if it rolls back)."""
        self._after_commit.append(fn)

    @property
    def conn(self) -> Connection:
        """A Core connection inside this transaction (made on first use): it joins the transaction already begun,
        and from then on commits or rolls it back, so engine events see it end."""
        if self._conn is None:
            conn = Connection(self.engine, connection=self._fairy)
            self._fairy.info[BEGUN] = True  # do_begin: already begun, only join
            try:
                conn.begin()
            finally:
                self._fairy.info.pop(BEGUN, None)
            self._conn = conn
        return self._conn

    @property
    def session(self) -> Session:
        """An ORM session inside this transaction (made on first use; flushed before the commit)."""
        if self._session is None:
            self._session = Session(bind=self.conn, info=self.info, expire_on_commit=False)
            self.info = self._session.info
        return self._session

    def _commit(self) -> None:
        if self._session is not None:
            self._session.flush()
        if self._conn is not None:
            self._conn.commit()
        else:
            self.raw.commit()

    def _end(self, committed: bool, keep: bool = False) -> bool:
        """Roll back what was not committed, close the session and give the connection back to the pool; with
        `keep`, a connection that ended cleanly and that no Core connection took over is kept instead (True)."""
        kept = False
        try:
            try:
                if not committed:
                    if self._conn is not None:
                        self._conn.rollback()
                    else:
                        self.raw.rollback()
            finally:
                if self._session is not None:
                    self._session.close()
            kept = keep and self._conn is None and not self.raw.in_transaction
        finally:
            if self._conn is not None:
                self._conn.close()  # it owns the pooled connection now
            elif not kept:
                self._fairy.close()
        return kept


class Writes(Protocol):
    """What code inside either kind of transaction uses: `Tx` (the hot path) or `SessionTx` (an ORM unit of work)."""

    @property
    def info(self) -> dict[str, Any]: ...

    def run(self, stmt: ClauseElement, params: Mapping[str, Any] | None = None) -> Any: ...

    def run_many(self, stmt: ClauseElement, rows: Iterable[Mapping[str, Any]]) -> None: ...

    @property
    def session(self) -> Session: ...

    def savepoint(self) -> AbstractContextManager[Any]: ...

    def after_commit(self, fn: Callable[[], None]) -> None: ...


class SessionTx:
    """A `Tx`'s handle over an ORM session's transaction (SQLite): statements run by the driver on the session's
    connection, after what the session holds is flushed; values go as the driver takes them (times by `sql_time`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def info(self) -> dict[str, Any]:
        return self.session.info

    def _raw(self) -> sqlite3.Connection:
        self.session.flush()
        return self.session.connection().connection.driver_connection  # type: ignore[return-value]  # SQLite only

    def run(self, stmt: ClauseElement, params: Mapping[str, Any] | None = None) -> sqlite3.Cursor:
        return run_sql(self._raw(), stmt, params)

    def run_many(self, stmt: ClauseElement, rows: Iterable[Mapping[str, Any]]) -> None:
        run_sql_many(self._raw(), stmt, rows)

    def savepoint(self) -> AbstractContextManager[Any]:
        return self.session.begin_nested()

    def after_commit(self, fn: Callable[[], None]) -> None:
        event.listen(self.session, "after_commit", lambda _s: fn(), once=True)
