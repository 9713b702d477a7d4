"""The audit trail and the store's one time rule, shared by every table's writes.

Every write that changes what the board counts or who may vote leaves one event row;
the repositories of models, battles, votes and flags all append through here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert

from arena.store.tables import (
    EventRow,
)


def append_event(
    conn: Connection, kind: str, subject: str | None, actor: str | None, payload: dict[str, Any]
) -> None:
    """One audit row: who (``actor``) did what (``kind``) to which ``subject``."""
    conn.execute(insert(EventRow).values(kind=kind, subject=subject, actor=actor, payload=payload))


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
