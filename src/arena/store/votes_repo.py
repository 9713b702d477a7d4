"""Votes in and counted votes out: casting a vote once, and the one definition of
"counted by a public board" that the board, the export and the shares all read.

Kept apart from the battle rows so the counting rule is written in one place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from arena.store.audit import append_event, as_utc
from arena.store.battles_repo import Owners, idle_at
from arena.store.server_secrets import public_battle_id
from arena.store.tables import (
    BattleRow,
    FlaggedClientRow,
    ModelRow,
    VoteRow,
    utcnow,
)


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
            .where(idle_at(battle_id, expected_turns, now, owners))
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
        append_event(conn, "vote_cast", battle_id, user_id, {"winner": winner, "flags": flags})
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
