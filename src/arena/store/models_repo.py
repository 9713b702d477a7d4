"""The model roster as stored: registration from the roster file, status changes, and
the questions the status rules ask (who is public, how many votes since a change).

Its own module because the roster changes on an admin's word, not on a battle's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from arena.store.audit import append_event, as_utc, jsonable
from arena.store.tables import (
    PUBLIC_VISIBILITY,
    BattleRow,
    ModelRow,
    VoteRow,
)


@dataclass(frozen=True, slots=True)
class StoredModel:
    id: int
    name: str
    codename: str | None
    organization: str
    license: str
    provider: str
    visibility: str
    status_changed_at: datetime
    released_at: datetime | None = None
    provisional: bool = False


def upsert_models(conn: Connection, specs: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Insert new models and refresh descriptive fields; return name -> id for all of them.

    Idempotent under concurrency: every worker of ``arena serve --workers N`` registers
    the same roster at start, so a new name goes in with ``ON CONFLICT DO NOTHING`` and
    the worker that loses the race reads the winner's row (one ``model_registered``
    event, no ``UniqueViolation``)."""
    existing = {row.name: row for row in conn.execute(select(ModelRow))}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    ids: dict[str, int] = {}
    for spec in specs:
        row = existing.get(spec["name"])
        if row is None:
            inserted = conn.execute(
                dialect.insert(ModelRow)
                .values(**spec)
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(ModelRow.id)
            ).scalar_one_or_none()
            if inserted is not None:
                ids[spec["name"]] = inserted
                append_event(conn, "model_registered", spec["name"], "registry", spec)
                continue
            row = conn.execute(select(ModelRow).where(ModelRow.name == spec["name"])).one()
        ids[row.name] = row.id
        # After registration the status is owned by `arena models set-status` and the
        # admin API (each change audited), so the registry no longer sets it.
        changes = {k: v for k, v in spec.items() if k != "visibility" and getattr(row, k) != v}
        if changes:
            conn.execute(update(ModelRow).where(ModelRow.id == row.id).values(**changes))
            append_event(conn, "model_updated", row.name, "registry", jsonable(changes))
    return ids


def list_models(conn: Connection) -> list[StoredModel]:
    rows = conn.execute(select(ModelRow).order_by(ModelRow.name))
    return [_stored_model(r) for r in rows]


def _stored_model(r: Any) -> StoredModel:
    """The row as a ``StoredModel``: times made UTC (SQLite hands them back naive)."""
    values = {f.name: getattr(r, f.name) for f in fields(StoredModel)}
    values.update(
        status_changed_at=as_utc(r.status_changed_at),
        released_at=as_utc(r.released_at),
        provisional=bool(r.provisional),
    )
    return StoredModel(**values)



def get_model(conn: Connection, name: str) -> StoredModel | None:
    row = conn.execute(select(ModelRow).where(ModelRow.name == name)).first()
    return _stored_model(row) if row is not None else None


def count_preview_variants(conn: Connection, organization: str) -> int:
    """Models of this organization that are, or were, in preview."""
    stmt = (
        select(func.count())
        .select_from(ModelRow)
        .where(
            ModelRow.organization == organization,
            or_(ModelRow.visibility == "preview", ModelRow.released_at.is_not(None)),
        )
    )
    return int(conn.execute(stmt).scalar_one())


def update_model_status(
    conn: Connection, name: str, values: dict[str, Any], actor: str, payload: dict[str, Any]
) -> None:
    conn.execute(update(ModelRow).where(ModelRow.name == name).values(**values))
    append_event(conn, "model_status_changed", name, actor, payload)


def votes_since(conn: Connection, name: str, since: datetime) -> int:
    """Valid anonymous votes involving ``name`` cast at or after ``since``."""
    model = select(ModelRow.id).where(ModelRow.name == name).scalar_subquery()
    stmt = (
        select(func.count())
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .where(
            VoteRow.created_at >= since,
            VoteRow.valid.is_(True),
            BattleRow.mode == "anonymous",
            or_(BattleRow.model_a_id == model, BattleRow.model_b_id == model),
        )
    )
    return int(conn.execute(stmt).scalar_one())



def board_models(conn: Connection) -> frozenset[str]:
    """Models whose votes a public board fits and a release publishes (public or deprecated)."""
    stmt = select(ModelRow.name).where(ModelRow.visibility.in_(PUBLIC_VISIBILITY))
    return frozenset(conn.execute(stmt).scalars())
