"""Schema migrations, run by ``arena db upgrade`` and on ``arena serve`` start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to run on every start.

    On SQLite, some schema changes rebuild a table (copy, drop, rename). Foreign keys
    are switched off around that, as SQLite's documentation prescribes; otherwise
    dropping a table that other rows point at fails on any database with data.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _raw(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config = _config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                _raw(connection, "PRAGMA foreign_keys=ON")


def _raw(connection: Connection, sql: str) -> None:
    """Run outside any transaction (PRAGMA foreign_keys is ignored inside one)."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()
