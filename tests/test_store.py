"""Migrations build the same schema the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from arena.store import migrate
from arena.store.engine import create_store_engine, normalize_url
from arena.store.history import SEARCH_OBJECT_PREFIXES
from arena.store.tables import Base


def _declared(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    """The full-text search objects (SQLite's FTS5 table and its shadow tables, PostgreSQL's
    expression index) are made in SQL by revision 0016 and never used through the ORM; every
    other table, column and index must match the declared schema exactly."""
    return not (reflected and (name or "").startswith(SEARCH_OBJECT_PREFIXES))


def test_blank_database_migrates_to_the_declared_schema(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"models", "battles", "messages", "votes", "events"} <= tables
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _declared})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        migrate.upgrade(engine)  # running again is a no-op
    finally:
        engine.dispose()


def test_postgres_urls_route_to_psycopg3() -> None:
    assert normalize_url("postgres://u@h/db").startswith("postgresql+psycopg://")
    assert normalize_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_upgrading_a_database_that_holds_data_keeps_it(db_url: str) -> None:
    from sqlalchemy import text

    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO models (name, organization, license, provider, visibility,"
                    " created_at, status_changed_at) VALUES ('m', 'o', 'l', 'openai', 'public',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            model_id = conn.execute(text("SELECT id FROM models")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO battles (id, mode, model_a_id, model_b_id, sampling_policy,"
                    " status, turns, created_at) VALUES ('b1', 'anonymous', :m, :m, 'p', 'voted',"
                    " 1, CURRENT_TIMESTAMP)"
                ),
                {"m": model_id},
            )
            conn.execute(
                text(
                    "INSERT INTO messages (battle_id, side, turn, role, content, created_at)"
                    " VALUES ('b1', 'a', 1, 'user', 'hi', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO votes (battle_id, winner, flags, created_at)"
                    " VALUES ('b1', 'tie', '{}', CURRENT_TIMESTAMP)"
                )
            )
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM messages")).scalar_one() == 1
            assert conn.execute(text("SELECT valid FROM votes")).scalar_one() in (True, 1)
    finally:
        engine.dispose()
