"""Engines and units of work: SQLite in WAL, write transactions BEGIN IMMEDIATE, synchronous per transaction.

A unit of work commits with synchronous=FULL (its commit survives a power cut) unless it asks for
`durable=False`: the scans and edits of a sale under way commit with NORMAL, which survives a crash of the
process and loses, on a power cut, only the last such commits (WAL order: the sale's FULL completion makes all
before it durable too). The mode is set on the connection as the transaction begins, and only when it changes.

`transaction()` is the same unit of work for a store's hot path (a scan, a sale's completion): a Core connection
whose statements run as SQL compiled once (`compiled_sql`) straight on the SQLite driver, with no per-statement
work in SQLAlchemy; an ORM session joins it only when a caller asks for one (the after-sale steps).
"""

from __future__ import annotations

import collections
import functools
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import ClauseElement, Connection, CursorResult, Dialect, Engine, Result, Select, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

_SYNC = "omnitoko_synchronous"  # the pooled connection's current mode
_MODE: ContextVar[str] = ContextVar(_SYNC, default="FULL")  # the mode the unit of work under way commits with


def make_engine(url: str, **kwargs: object) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see do_begin below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        _record.info[_SYNC] = "FULL"
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    dialect = engine.dialect

    def do_begin(fairy: Any) -> None:
        # Take the write lock up front so two writers queue instead of failing on upgrade. On the dialect, not
        # a "begin" event: any connection event makes SQLAlchemy dispatch events around every statement.
        dbapi, info = fairy.dbapi_connection, fairy.info
        mode = _MODE.get()
        if mode != "FULL":
            _MODE.set("FULL")  # for this one transaction: any other begun inside it is durable
        if info.get(_SYNC) != mode:  # outside the transaction: SQLite refuses to change it inside one
            dbapi.execute(f"PRAGMA synchronous={mode}")
            info[_SYNC] = mode
        dbapi.execute("BEGIN IMMEDIATE")

    # This engine's own dialect instance: BEGIN IMMEDIATE with no connection event (see above).
    dialect.do_begin = do_begin  # type: ignore[method-assign,assignment]  # an instance's method, replaced


_NAMED = sqlite.dialect(paramstyle="named")


@cache
def compiled_sql(stmt: ClauseElement) -> tuple[str, dict[str, Any]]:
    """A Core statement's SQLite text with `:name` parameters and the values of the literals it holds (`state ==
    "open"`), compiled once per statement object (build it once, at module level). Values go to the driver as they
    are: text, integers, None, and times through `sql_time`."""
    compiled = stmt.compile(dialect=_NAMED)
    return str(compiled), {k: v for k, v in compiled.params.items() if v is not None}


def sql_time(at: datetime) -> str:
    """A time as SQLAlchemy's SQLite DateTime stores it (so the ORM reads back what a raw statement wrote)."""
    return at.isoformat(" ", "microseconds")[:26]  # no zone: the store's clock is naive UTC, as SQLAlchemy keeps it


def read_time(value: str | datetime) -> datetime:
    """A stored SQLite DateTime (the driver's text) as the ORM would read it (naive)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


class Tx:
    """One open transaction of `Database.transaction()`: Core statements run by the driver (`run`, `run_many`), the
    Core connection for anything else, and an ORM session on the same transaction when one is asked for."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.raw: sqlite3.Connection = conn.connection.dbapi_connection  # type: ignore[assignment]  # SQLite only
        self.info: dict[str, Any] = {}  # the session's own info once it is made (Session.info)
        self._session: Session | None = None

    def run(self, stmt: ClauseElement, params: Mapping[str, Any] | None = None) -> sqlite3.Cursor:
        sql, literals = compiled_sql(stmt)
        return self.raw.execute(sql, {**literals, **(params or {})} if literals else params or {})

    def run_many(self, stmt: ClauseElement, rows: Iterable[Mapping[str, Any]]) -> None:
        sql, literals = compiled_sql(stmt)
        self.raw.executemany(sql, [{**literals, **r} for r in rows] if literals else rows)

    @property
    def session(self) -> Session:
        """An ORM session inside this transaction (made on first use; flushed before the commit)."""
        if self._session is None:
            self._session = Session(bind=self.conn, info=self.info, expire_on_commit=False)
            self.info = self._session.info
        return self._session

    def flush_session(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close_session(self) -> None:
        if self._session is not None:
            self._session.close()


class Database:
    """The engine and a session factory; `unit_of_work()` is one transaction, committed or rolled back."""

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self, *, durable: bool = True) -> Iterator[Session]:
        """One transaction; `durable=False` only for edits a power cut may lose (a sale under way)."""
        token = _MODE.set("FULL" if durable else "NORMAL")  # read as the transaction begins (ignored but by SQLite)
        try:
            with self.sessions() as session, session.begin():
                yield session
        finally:
            _MODE.reset(token)

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Tx]:
        """A unit of work (as `unit_of_work`, same modes) for the store's hot path on SQLite: see `Tx`."""
        token = _MODE.set("FULL" if durable else "NORMAL")
        try:
            with self.engine.connect() as conn:
                tx = Tx(conn)
                try:
                    with conn.begin():
                        yield tx
                        tx.flush_session()
                finally:
                    tx.close_session()
        finally:
            _MODE.reset(token)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A pooled connection in autocommit, for a request that only reads, a statement at a time: no BEGIN and
        no ROLLBACK round trips (each statement sees what was committed when it started)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    def read_row(self, statement: Select[Any], params: dict[str, Any]) -> Any:
        """The first row of a SELECT (or None), on a pooled connection straight through the driver, in autocommit:
        the cheapest read there is, for the hottest one (a store's idle pull). Columns come back as the driver
        gives them, so only for statements whose columns need no conversion (numbers, text, booleans)."""
        sql, order, fixed, row_type = _compiled(statement, self.engine.dialect)
        params = {**fixed, **params}
        fairy = self.engine.raw_connection()
        try:
            driver: Any = fairy.driver_connection  # the driver's own connection (psycopg's has `autocommit`)
            postgres = self.engine.dialect.name == "postgresql"
            if postgres:
                driver.autocommit = True  # no BEGIN, no ROLLBACK: one round trip (a client-side switch)
            values = [params[name] for name in order] if order is not None else params
            try:
                cursor = fairy.cursor()
                cursor.execute(sql, values)
                row = cursor.fetchone()
                cursor.close()
            except self.engine.dialect.loaded_dbapi.Error as e:  # as SQLAlchemy would raise it (a 503, not a 500)
                gone = self.engine.dialect.is_disconnect(e, driver, None)
                if gone:
                    fairy.invalidate(e)
                raise DBAPIError.instance(sql, values, e, self.engine.dialect.loaded_dbapi.Error, gone) from e
            finally:
                if postgres:
                    driver.autocommit = False
        finally:
            fairy.close()  # back to the pool
        return None if row is None else row_type(*row)

    def dispose(self) -> None:
        self.engine.dispose()


@functools.cache
def _compiled(statement: Select[Any], dialect: Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any], type]:
    """A statement's SQL for the driver, the order of its parameters (positional drivers), the values it holds
    itself (its literals) and a row type."""
    compiled = statement.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    row_type = collections.namedtuple("Row", [c.key for c in statement.selected_columns])  # type: ignore[misc]
    return str(compiled), order, dict(compiled.params), row_type


def driver_message(err: DBAPIError) -> str:
    """The database driver's own first line (what went wrong), without SQLAlchemy's statement and parameters."""
    return (str(err.orig).strip() or type(err.orig).__name__).splitlines()[0][:200]


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """Rows an UPDATE or DELETE without RETURNING matched. Session.execute types every result as Result (it cannot
    promise a cursor for any statement), but for these it returns a CursorResult, which is what counts them."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount
