"""Engines and units of work: SQLite in WAL, write transactions BEGIN IMMEDIATE, synchronous per transaction.

A unit of work commits with synchronous=FULL (its commit survives a power cut) unless it asks for
`durable=False`: the scans and edits of a sale under way commit with NORMAL, which survives a crash of the
process and loses, on a power cut, only the last such commits (WAL order: the sale's FULL completion makes all
before it durable too). The mode is set on the connection as the transaction begins, and only when it changes.

`transaction()` is the same unit of work for a store's hot path (a scan, a sale's completion): begun and committed
by the SQLite driver on a pooled connection, its statements run as SQL compiled once, with no per-statement work in
SQLAlchemy; a Core connection and an ORM session join it only when asked for (common/tx.py).
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Dialect, Engine, Result, Select, create_engine, event
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from common.tx import BEGUN, Tx, compiled_sql, read_time, sql_time

__all__ = ["Database", "Tx", "compiled_sql", "driver_message", "make_engine", "read_time", "rowcount", "sql_time"]

_SYNC = "omnitoko_synchronous"  # the pooled connection's current mode
_MODE: ContextVar[str] = ContextVar(_SYNC, default="FULL")  # the mode the unit of work under way commits with
_FRESH = "omnitoko_fresh"  # a pooled connection just made: no need to ping it
_UNPINGED: ContextVar[bool] = ContextVar("omnitoko_unpinged", default=False)  # a checkout `read_row` makes


def make_engine(url: str, **kwargs: object) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    ping = kwargs.pop("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if ping:
        _ping_on_checkout(engine)
    return engine


def _ping_on_checkout(engine: Engine) -> None:
    """The pool's pre-ping (a round trip proving a pooled connection still works before it is handed out), as a
    checkout listener that `read_row` passes by: a read is safe to send again, so it pays for a dead connection
    when it meets one instead of a round trip on every checkout. Every other checkout is pinged as SQLAlchemy's
    `pool_pre_ping` does: a connection made just now is not; a dead one makes the pool replace every connection
    older than it (the database restarted) and hand out a new one."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _made(_dbapi_conn: Any, record: Any) -> None:
        record.info[_FRESH] = True

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _fairy: Any) -> None:
        if record.info.pop(_FRESH, False) or _UNPINGED.get():
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as e:
            if dialect.is_disconnect(e, dbapi_conn, None):
                raise InvalidatePoolError(str(e)) from e
            raise


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
        if fairy.info.pop(BEGUN, False):  # a Core connection joining the transaction `Tx` has begun itself
            return
        mode = _MODE.get()
        if mode != "FULL":
            _MODE.set("FULL")  # for this one transaction: any other begun inside it is durable
        _begin_immediate(fairy, mode)

    # This engine's own dialect instance: BEGIN IMMEDIATE with no connection event (see above).
    dialect.do_begin = do_begin  # type: ignore[method-assign,assignment]  # an instance's method, replaced


def _begin_immediate(fairy: Any, mode: str) -> None:
    """BEGIN IMMEDIATE on a pooled SQLite connection, its synchronous mode set first when it differs (SQLite
    refuses to change it inside a transaction)."""
    dbapi, info = fairy.dbapi_connection, fairy.info
    if info.get(_SYNC) != mode:
        dbapi.execute(f"PRAGMA synchronous={mode}")
        info[_SYNC] = mode
    dbapi.execute("BEGIN IMMEDIATE")


class Database:
    """The engine and a session factory; `unit_of_work()` is one transaction, committed or rolled back."""

    # Pooled connections that `transaction()` keeps between its transactions (at most this many), so the store's
    # hot path skips the pool's check-out and check-in (reset, events, queue: about a tenth of a scan's CPU).
    HOT_IDLE = 2

    def __init__(self, url: str, **engine_kwargs: object) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._hot: list[Any] = []  # idle pooled connections, each ended cleanly (list.pop/append: thread-safe)

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
        """A unit of work (as `unit_of_work`, same modes) for the store's hot path on SQLite: see `Tx`. Begun and
        committed by the driver on a pooled connection, with no Core connection unless one is asked for, or
        engine events are listened to (they then see it begin and end as any other transaction)."""
        fairy = self._hot_connection()
        try:
            _begin_immediate(fairy, "FULL" if durable else "NORMAL")
        except BaseException:
            fairy.close()
            raise
        tx = Tx(self.engine, fairy)
        token = _MODE.set("FULL")  # any transaction begun inside this one is durable (as do_begin does)
        committed = False
        try:
            if self.engine._has_events or Connection._has_events:
                tx.conn  # noqa: B018 - made now, so listeners see the transaction from its start
            yield tx
            tx._commit()
            committed = True
        finally:
            _MODE.reset(token)
            if tx._end(committed, keep=len(self._hot) < self.HOT_IDLE):
                self._hot.append(fairy)
        for fn in tx._after_commit:
            fn()

    def _hot_connection(self) -> Any:
        """A pooled connection for `transaction()`: one kept from an earlier one, else the pool's. One kept from
        before the engine was disposed (a restore swaps the file) is closed, not used."""
        pool = self.engine.pool
        while self._hot:
            try:
                fairy = self._hot.pop()
            except IndexError:  # another thread took the last one
                break
            if fairy._pool is pool and fairy.is_valid:
                return fairy
            fairy.invalidate()  # its pool is gone: close it for good
        return self.engine.raw_connection()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A pooled connection in autocommit, for a request that only reads, a statement at a time: no BEGIN and
        no ROLLBACK round trips (each statement sees what was committed when it started)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    def read_row(self, statement: Select[Any], params: dict[str, Any]) -> Any:
        """The first row of a SELECT (or None), on a pooled connection straight through the driver, in autocommit:
        the cheapest read there is, for the hottest one (a store's idle pull). Columns come back as the driver
        gives them, so only for statements whose columns need no conversion (numbers, text, booleans).

        The connection is not pinged first (`_ping_on_checkout`): if the database closed it (a restart, an idle
        timeout, a terminated backend), the read is sent once more on a connection the pool pings first."""
        sql, order, fixed, row_type = _compiled(statement, self.engine.dialect)
        params = {**fixed, **params}
        values = [params[name] for name in order] if order is not None else params
        try:
            row = self._fetch_one(sql, values, pinged=False)
        except _Closed:
            row = self._fetch_one(sql, values, pinged=True)
        return None if row is None else row_type(*row)

    def _fetch_one(self, sql: str, values: Any, *, pinged: bool) -> Any:
        dialect = self.engine.dialect
        dbapi_error = dialect.loaded_dbapi.Error
        token = _UNPINGED.set(not pinged)
        try:
            fairy = self.engine.raw_connection()
        except dbapi_error as e:  # the pool gives the driver's error: wrapped as a Connection would wrap it, so a
            # database that does not answer is a 503 (retry.py), not a 500
            raise DBAPIError.instance(None, None, e, dbapi_error, True) from e
        finally:
            _UNPINGED.reset(token)
        try:
            driver: Any = fairy.driver_connection  # the driver's own connection (psycopg's has `autocommit`)
            postgres = dialect.name == "postgresql"
            try:
                if postgres:
                    driver.autocommit = True  # no BEGIN, no ROLLBACK: one round trip (a client-side switch)
                try:
                    cursor = fairy.cursor()
                    cursor.execute(sql, values)
                    row = cursor.fetchone()
                    cursor.close()
                finally:
                    if postgres and not driver.closed:
                        driver.autocommit = False
            except dbapi_error as e:  # as SQLAlchemy would raise it (a 503, not a 500)
                gone = dialect.is_disconnect(e, driver, None)
                if gone:
                    fairy.invalidate(e)
                    if not pinged:
                        raise _Closed from e
                raise DBAPIError.instance(sql, values, e, dbapi_error, gone) from e
        finally:
            fairy.close()  # back to the pool
        return row

    def dispose(self) -> None:
        while self._hot:
            self._hot.pop().close()
        self.engine.dispose()


class _Closed(Exception):
    """The pooled connection `read_row` was given had been closed by the database."""


@functools.cache
def _compiled(statement: Select[Any], dialect: Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any], type]:
    """A statement's SQL for the driver, the order of its parameters (positional drivers), the values it holds
    itself (its literals) and a row type."""
    compiled = statement.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    row_type = collections.namedtuple("Row", [c.key for c in statement.selected_columns])  # type: ignore[misc]  # fields known at run time
    return str(compiled), order, dict(compiled.params), row_type


def driver_message(err: DBAPIError) -> str:
    """The database driver's own first line (what went wrong), without SQLAlchemy's statement and parameters."""
    return (str(err.orig).strip() or type(err.orig).__name__).splitlines()[0][:200]


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """Rows an UPDATE or DELETE without RETURNING matched. Session.execute types every result as Result (it cannot
    promise a cursor for any statement), but for these it returns a CursorResult, which is what counts them."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount
