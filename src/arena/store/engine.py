"""Engines for the two supported stores: SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` so a committed vote survives
a crash, and with explicit ``BEGIN IMMEDIATE`` so writers queue on the lock
instead of failing half way. PostgreSQL uses the same code through psycopg 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from arena.errors import InvalidInput


def default_db_url() -> str:
    folder = Path(user_data_dir("arena", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'arena.db'}"


def normalize_url(url: str) -> str:
    """Accept the common spellings people paste, and route PostgreSQL to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def create_store_engine(url: str | None = None) -> Engine:
    url = normalize_url(url or default_db_url())
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if backend == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise InvalidInput(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


@contextmanager
def write_transaction(conn: Connection, durable: bool = True) -> Iterator[None]:
    """A write transaction whose commit waits for the disk only if ``durable``.

    Votes and turns must survive a crash. A turn's lease (the claim that no other
    turn runs) need not: after a crash the turn is gone anyway. A durable commit
    also flushes everything written before it, so skipping the flush for leases
    never loses anything durable. SQLite sets the level per connection, outside
    any transaction, so it is lowered for this one and restored after it: a
    pooled connection always leaves here at FULL.
    """
    relax_sqlite = not durable and conn.dialect.name == "sqlite"
    if relax_sqlite:
        _driver(conn).execute("PRAGMA synchronous=NORMAL")
    try:
        with conn.begin():
            if not durable and conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield
    finally:
        if relax_sqlite:
            _driver(conn).execute("PRAGMA synchronous=FULL")


def _driver(conn: Connection) -> Any:
    """The driver's own connection: a PRAGMA sent here does not open a transaction."""
    return conn.connection.driver_connection
