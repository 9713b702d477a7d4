"""Reads and writes, as plain functions over a SQLAlchemy connection.

Writes take the connection the ``Writer`` opened (inside its transaction);
reads take any connection. Nothing here knows about HTTP or statistics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from arena.errors import Conflict, NotFound
from arena.store.server_secrets import public_battle_id
from arena.store.tables import (
    PUBLIC_VISIBILITY,
    BattleRow,
    EventRow,
    FlaggedClientRow,
    MessageRow,
    ModelRow,
    PreviewOutcomeRow,
    VoteRow,
    utcnow,
)

# ---------------------------------------------------------------- models


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
                _event(conn, "model_registered", spec["name"], "registry", spec)
                continue
            row = conn.execute(select(ModelRow).where(ModelRow.name == spec["name"])).one()
        ids[row.name] = row.id
        # After registration the status is owned by `arena models set-status` and the
        # admin API (each change audited), so the registry no longer sets it.
        changes = {k: v for k, v in spec.items() if k != "visibility" and getattr(row, k) != v}
        if changes:
            conn.execute(update(ModelRow).where(ModelRow.id == row.id).values(**changes))
            _event(conn, "model_updated", row.name, "registry", _jsonable(changes))
    return ids


def list_models(conn: Connection) -> list[StoredModel]:
    rows = conn.execute(select(ModelRow).order_by(ModelRow.name))
    return [_stored_model(r) for r in rows]


def _stored_model(r: Any) -> StoredModel:
    return StoredModel(
        id=r.id,
        name=r.name,
        codename=r.codename,
        organization=r.organization,
        license=r.license,
        provider=r.provider,
        visibility=r.visibility,
        status_changed_at=as_utc(r.status_changed_at),
        released_at=as_utc(r.released_at),
        provisional=bool(r.provisional),
    )


# ---------------------------------------------------------------- battles


@dataclass(frozen=True, slots=True)
class StoredBattle:
    id: str
    mode: str
    model_a: str
    model_b: str | None
    status: str
    failure_reason: str | None
    turns: int
    turn_lock_until: datetime | None
    created_at: datetime
    winner: str | None
    arena: str = "text"
    owner_key: str | None = None
    """Keyed hash of the creating client's cookie; see ``arena.battles.ownership``."""
    user_id: str | None = None


def insert_battle(conn: Connection, **values: Any) -> None:
    conn.execute(insert(BattleRow).values(**values))
    payload = {"mode": values["mode"], "arena": values.get("arena", "text")}
    _event(conn, "battle_created", values["id"], None, payload)


def get_battle(conn: Connection, battle_id: str) -> StoredBattle | None:
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(
            BattleRow.__table__,
            model_a.name.label("a_name"),
            model_b.name.label("b_name"),
            VoteRow.winner,
        )
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .outerjoin(model_b, model_b.id == BattleRow.model_b_id)
        .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
        .where(BattleRow.id == battle_id)
    )
    row = conn.execute(stmt).first()
    if row is None:
        return None
    battle = row
    return StoredBattle(
        id=battle.id,
        mode=battle.mode,
        model_a=row.a_name,
        model_b=row.b_name,
        status=battle.status,
        failure_reason=battle.failure_reason,
        turns=battle.turns,
        turn_lock_until=as_utc(battle.turn_lock_until),
        created_at=as_utc(battle.created_at),
        winner=row.winner,
        arena=battle.arena,
        owner_key=battle.owner_key,
        user_id=battle.user_id,
    )


Owners = tuple[str | None, str | None]
"""A battle's (``owner_key``, ``user_id``) as a caller last saw them."""


def _idle_at(
    battle_id: str, expected_turns: int, now: datetime | None, owners: Owners | None = None
) -> Any:
    """The battle is open, no turn holds it at ``now``, and it has exactly
    ``expected_turns`` turns; with ``owners``, its owners are still those (signing out
    everywhere or deleting the account clears them, and a worker's cached snapshot must
    not keep a browser in)."""
    clauses = [
        BattleRow.id == battle_id,
        BattleRow.status == "open",
        BattleRow.turns == expected_turns,
        or_(BattleRow.turn_lock_until.is_(None), BattleRow.turn_lock_until < (now or utcnow())),
    ]
    if owners is not None:
        clauses.append(BattleRow.owner_key.is_not_distinct_from(owners[0]))
        clauses.append(BattleRow.user_id.is_not_distinct_from(owners[1]))
    return and_(*clauses)


def lock_turn(
    conn: Connection,
    battle_id: str,
    expected_turns: int,
    until: datetime,
    owner: str | None = None,
    now: datetime | None = None,
    owners: Owners | None = None,
) -> bool:
    """Claim the battle for one turn; fails if another turn runs or the battle moved on.

    ``owner`` is the claiming worker, so a restart can free a dead worker's lease
    (``arena.store.workers``); ``now`` is the caller's clock (the system's if None);
    ``owners`` the battle's owners the caller checked (the claim fails if they changed)."""
    result = conn.execute(
        update(BattleRow)
        .where(_idle_at(battle_id, expected_turns, now, owners))
        .values(turn_lock_until=until, turn_lock_owner=owner)
    )
    return result.rowcount == 1


def release_turn(conn: Connection, battle_id: str) -> None:
    conn.execute(update(BattleRow).where(BattleRow.id == battle_id).values(turn_lock_until=None))


def save_turn(
    conn: Connection,
    battle_id: str,
    turn: int,
    messages: Sequence[dict[str, Any]],
    failure_reason: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Store a finished turn (prompt and replies per side) and unlock the battle."""
    if messages:
        # An executemany takes its columns from the first row: give every row the same
        # keys, or the replies' token counts and timings after a prompt row are dropped.
        keys = dict.fromkeys(k for m in messages for k in m)
        rows = [
            {"battle_id": battle_id, "turn": turn, **{k: m.get(k) for k in keys}} for m in messages
        ]
        conn.execute(insert(MessageRow), rows)
    values: dict[str, Any] = {"turns": turn, "turn_lock_until": None, **(details or {})}
    if failure_reason:
        values["status"] = "failed"
        values["failure_reason"] = failure_reason
    conn.execute(update(BattleRow).where(BattleRow.id == battle_id).values(**values))


def list_messages(conn: Connection, battle_id: str) -> list[dict[str, Any]]:
    stmt = (
        select(
            MessageRow.side,
            MessageRow.turn,
            MessageRow.role,
            MessageRow.content,
            MessageRow.completion_tokens,
            MessageRow.created_at,
            MessageRow.image_ids,
            MessageRow.parts,
            MessageRow.extra,
        )
        .where(MessageRow.battle_id == battle_id)
        .order_by(MessageRow.turn, MessageRow.id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def reply_text(
    conn: Connection, battle_id: str, side: str, turn: int | None
) -> tuple[int, str] | None:
    """(turn, text) of one side's stored reply: the given turn, or the latest one."""
    stmt = select(MessageRow.turn, MessageRow.content).where(
        MessageRow.battle_id == battle_id, MessageRow.side == side, MessageRow.role == "assistant"
    )
    if turn is not None:
        stmt = stmt.where(MessageRow.turn == turn)
    row = conn.execute(stmt.order_by(MessageRow.turn.desc()).limit(1)).first()
    return (int(row.turn), row.content) if row is not None else None


def record_preview_outcome(conn: Connection, **values: Any) -> bool:
    """Keep the first report of a side's preview; True if this one was stored."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(PreviewOutcomeRow).values(**values).on_conflict_do_nothing()
    return conn.execute(stmt).rowcount == 1


def preview_outcomes(conn: Connection, battle_id: str) -> list[dict[str, Any]]:
    stmt = (
        select(
            PreviewOutcomeRow.side,
            PreviewOutcomeRow.turn,
            PreviewOutcomeRow.kind,
            PreviewOutcomeRow.status,
            PreviewOutcomeRow.error,
        )
        .where(PreviewOutcomeRow.battle_id == battle_id)
        .order_by(PreviewOutcomeRow.turn, PreviewOutcomeRow.side)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


# ---------------------------------------------------------------- votes


def record_vote(
    conn: Connection,
    battle_id: str,
    winner: str,
    client_hash: str | None,
    user_id: str | None,
    flags: dict[str, Any],
    expected_turns: int | None = None,
    now: datetime | None = None,
    owners: Owners | None = None,
) -> bool:
    """Insert the vote unless the battle already has one; True if this call counted it.

    A vote with any flag is stored as not valid: kept in the data, off the board.
    With ``expected_turns`` (a vote judged on a cached snapshot) the vote counts only
    if the battle is still open, unlocked and has exactly that many turns. ``now`` is
    the caller's clock (the system's if None): the vote's time, and the lease check;
    ``owners`` (with ``expected_turns``) the owners the snapshot was checked against.
    """
    if expected_turns is not None:
        still = conn.execute(
            update(BattleRow)
            .where(_idle_at(battle_id, expected_turns, now, owners))
            .values(status="voted")
        )
        if still.rowcount != 1:
            return False
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    values = {
        "battle_id": battle_id,
        "winner": winner,
        "client_hash": client_hash,
        "user_id": user_id,
        "flags": flags,
        "valid": not flags,
        "created_at": now or utcnow(),
    }
    stmt = (
        dialect.insert(VoteRow)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["battle_id"])
        .returning(VoteRow.id)
    )
    counted = conn.execute(stmt).first() is not None
    if counted:
        if expected_turns is None:  # otherwise already marked voted above
            conn.execute(update(BattleRow).where(BattleRow.id == battle_id).values(status="voted"))
        _event(conn, "vote_cast", battle_id, user_id, {"winner": winner, "flags": flags})
    return counted


def _counted(
    after_vote_id: int, last_id: int, modes: Sequence[str], arena: str | None = "text"
) -> Any:
    """The votes a public board counts: valid, in the given modes and arena (``None``: every
    arena), from unflagged clients."""
    conditions = [
        VoteRow.id > after_vote_id,
        VoteRow.id <= last_id,
        VoteRow.valid.is_(True),
        not_from_flagged_client(),
        BattleRow.mode.in_(modes),
        not_deduplicated(),
    ]
    if arena is not None:
        conditions.append(BattleRow.arena == arena)
    return and_(*conditions)


def not_deduplicated() -> Any:
    """Not a row an imported release marked ``dedup_tag.sampled = false`` (a prompt LMArena
    down-sampled); LMArena's boards and ``arena leaderboard --votes`` leave those out too."""
    sampled = BattleRow.published[("dedup_tag", "sampled")].as_boolean()
    return or_(BattleRow.published.is_(None), sampled.is_(None), sampled.is_(True))


#: Statuses whose votes stay off the board: flagged for review, or a new identity held back.
OFF_BOARD_STATUSES = ("flagged", "held")


def not_from_flagged_client() -> Any:
    """Votes whose client is neither flagged nor held back (cleared/trusted clients count)."""
    flagged = select(FlaggedClientRow.client_hash).where(
        FlaggedClientRow.status.in_(OFF_BOARD_STATUSES)
    )
    return or_(VoteRow.client_hash.is_(None), VoteRow.client_hash.not_in(flagged))


def grouped_votes(
    conn: Connection,
    after_vote_id: int = 0,
    modes: Sequence[str] = ("anonymous",),
    arena: str | None = "text",
) -> tuple[list[tuple[str, str, str, int]], int]:
    """(model_a, model_b, winner, count) for votes after ``after_vote_id``, and the last id seen."""
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    last_id = conn.execute(select(func.coalesce(func.max(VoteRow.id), 0))).scalar_one()
    stmt = (
        select(model_a.name, model_b.name, VoteRow.winner, func.count())
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(_counted(after_vote_id, last_id, modes, arena))
        .group_by(model_a.name, model_b.name, VoteRow.winner)
    )
    return [(a, b, w, int(n)) for a, b, w, n in conn.execute(stmt)], int(last_id)


def count_votes(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(VoteRow)).scalar_one())


# ---------------------------------------------------------------- events


def _event(
    conn: Connection, kind: str, subject: str | None, actor: str | None, payload: dict[str, Any]
) -> None:
    conn.execute(insert(EventRow).values(kind=kind, subject=subject, actor=actor, payload=payload))


def append_event(
    conn: Connection, kind: str, subject: str | None, actor: str | None, payload: dict[str, Any]
) -> None:
    _event(conn, kind, subject, actor, payload)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# ---------------------------------------------------------------- model status


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
    _event(conn, "model_status_changed", name, actor, payload)


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


def flagged_clients_version(conn: Connection) -> tuple[int, str, str]:
    """Changes whenever a client is flagged, reviewed or released, so cached counts rebuild.

    Holding a new identity does not change it: held votes never entered the counts.
    """
    count, flagged, reviewed = conn.execute(
        select(
            func.count(),
            func.max(FlaggedClientRow.flagged_at),
            func.max(FlaggedClientRow.reviewed_at),
        ).where(or_(FlaggedClientRow.status != "held", FlaggedClientRow.reviewed_at.is_not(None)))
    ).one()
    return int(count), str(flagged), str(reviewed)


def board_models(conn: Connection) -> frozenset[str]:
    """Models whose votes a public board fits and a release publishes (public or deprecated)."""
    stmt = select(ModelRow.name).where(ModelRow.visibility.in_(PUBLIC_VISIBILITY))
    return frozenset(conn.execute(stmt).scalars())


def counted_votes(
    conn: Connection,
    after_vote_id: int = 0,
    modes: Sequence[str] = ("anonymous",),
    arena: str | None = "text",
    id_key: str | None = None,
) -> tuple[list[tuple[Any, ...]], int, datetime | None]:
    """Votes the public board counts, newer than ``after_vote_id``.

    Rows: (vote set id, model a, model b, winner, is_code, turns, category_tag,
    conv_metadata), where the id is the one a release publishes (an imported
    battle keeps its original id; with ``id_key``, one of ours is its keyed public id),
    so a release's fingerprint can match the board's.

    Also returns the last vote id and its time: the board's cut-off.
    """
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    last_id, last_at = conn.execute(
        select(VoteRow.id, VoteRow.created_at).order_by(VoteRow.id.desc()).limit(1)
    ).first() or (0, None)
    stmt = (
        select(
            func.coalesce(BattleRow.external_id, BattleRow.id),
            BattleRow.external_id.is_(None),
            model_a.name,
            model_b.name,
            VoteRow.winner,
            BattleRow.is_code,
            BattleRow.turns,
            BattleRow.category_tag,
            BattleRow.conv_metadata,
        )
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(_counted(after_vote_id, last_id, modes, arena))
    )
    rows = [
        (public_battle_id(id_key, r[0]) if id_key and r[1] else r[0], *r[2:])
        for r in conn.execute(stmt.order_by(VoteRow.id))
    ]
    return rows, int(last_id), as_utc(last_at)


def battle_shares(
    conn: Connection, since: datetime, until: datetime | None = None, arena: str = "text"
) -> list[tuple[str, str, str, int, int]]:
    """Per model: (name, organization, license, battles, turns) of the anonymous battles
    whose vote is in and was cast in ``[since, until)``, in one arena.

    Only voted battles count, by the time of their vote: an open battle, whose pair its
    voter must not know yet, is never in the figures. Turns are what a model's provider
    received (each turn sends it the conversation).
    """
    rows: dict[str, list[Any]] = {}
    window = [VoteRow.created_at >= since]
    if until is not None:
        window.append(VoteRow.created_at < until)
    for side in (BattleRow.model_a_id, BattleRow.model_b_id):
        stmt = (
            select(
                ModelRow.name,
                ModelRow.organization,
                ModelRow.license,
                func.count(),
                func.coalesce(func.sum(BattleRow.turns), 0),
            )
            .select_from(VoteRow)
            .join(BattleRow, BattleRow.id == VoteRow.battle_id)
            .join(ModelRow, ModelRow.id == side)
            .where(*window, BattleRow.mode == "anonymous", BattleRow.arena == arena)
            .group_by(ModelRow.name, ModelRow.organization, ModelRow.license)
        )
        for name, org, lic, battles, turns in conn.execute(stmt):
            entry = rows.setdefault(name, [name, org, lic, 0, 0])
            entry[3] += int(battles)
            entry[4] += int(turns)
    return [tuple(r) for r in rows.values()]  # type: ignore[misc]


# ---------------------------------------------------------------- anomalous voters


def client_votes(
    conn: Connection, modes: Sequence[str] = ("anonymous",)
) -> list[tuple[str, str, str, str]]:
    """(client hash, model a, model b, winner) of every valid vote that has a client hash.

    Flagged clients' votes are included on purpose: the scan re-scores them too.
    """
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(VoteRow.client_hash, model_a.name, model_b.name, VoteRow.winner)
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(
            VoteRow.valid.is_(True),
            VoteRow.client_hash.is_not(None),
            BattleRow.mode.in_(modes),
        )
    )
    return [(c, a, b, w) for c, a, b, w in conn.execute(stmt)]


def flagged_client_hashes(conn: Connection, status: str | None = None) -> set[str]:
    """Clients with a flag row; ``status`` narrows to ``flagged`` or ``cleared`` ones."""
    stmt = select(FlaggedClientRow.client_hash)
    if status is not None:
        stmt = stmt.where(FlaggedClientRow.status == status)
    return set(conn.execute(stmt).scalars())


REVIEW_DECISIONS = {"clear": "cleared", "flag": "flagged"}


def review_client(
    conn: Connection, client_hash: str, decision: str, actor: str, reason: str
) -> FlaggedClientRow:
    """Record a reviewer's decision on a flagged client, with one audit event.

    ``clear`` puts the client's votes back on the board; ``flag`` takes them off
    again. Raises NotFound for a client that was never flagged and Conflict when
    the client already has that status.
    """
    status = REVIEW_DECISIONS[decision]
    row = conn.execute(
        select(FlaggedClientRow).where(FlaggedClientRow.client_hash == client_hash)
    ).first()
    if row is None:
        raise NotFound(f"client {client_hash!r} has never been flagged")
    if row.status == status:
        raise Conflict(f"client {client_hash!r} is already {status}")
    now = utcnow()
    conn.execute(
        update(FlaggedClientRow)
        .where(FlaggedClientRow.client_hash == client_hash)
        .values(status=status, reviewed_at=now, reviewed_by=actor, review_reason=reason)
    )
    kind = "client_cleared" if status == "cleared" else "client_flagged"
    _event(conn, kind, client_hash, actor, {"reason": reason, "review": True})
    return conn.execute(
        select(FlaggedClientRow).where(FlaggedClientRow.client_hash == client_hash)
    ).one()


def flag_client(
    conn: Connection,
    client_hash: str,
    score: float,
    reason: str,
    actor: str | None,
    payload: dict[str, Any],
) -> bool:
    """Flag a client unless it already is flagged or cleared; True (and one audit event)
    if this call flagged it. A held-back or trusted identity can still be flagged."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert_stmt = dialect.insert(FlaggedClientRow).values(
        client_hash=client_hash, score=score, reason=reason, flagged_at=utcnow()
    )
    stmt = insert_stmt.on_conflict_do_update(
        index_elements=["client_hash"],
        set_={"status": "flagged", "score": score, "reason": reason, "flagged_at": utcnow()},
        where=FlaggedClientRow.status.in_(("held", "trusted")),
    ).returning(FlaggedClientRow.client_hash)
    flagged = conn.execute(stmt).first() is not None
    if flagged:
        _event(conn, "client_flagged", client_hash, actor, {"reason": reason, **payload})
    return flagged
