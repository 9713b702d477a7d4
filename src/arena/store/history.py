"""A requester's own battles: list and search them, delete them, their votes.

"Mine" is the ownership rule (:mod:`arena.battles.ownership`) turned into a query: the
battle's ``owner_key`` is the requester's client key, or its ``user_id`` the signed-in
user. Deleting a battle drops its conversation (messages, preview outcomes) and its share
link, clears both owners and marks it ``deleted``: it leaves the history, every export and
every future release, and any later request for it (or its share link) is the plain 404 of
an unknown id. Its vote, if any, stays counted on the live board: a vote is not personal
text, and letting a voter withdraw votes after seeing the board would be a way to shape it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Integer, and_, delete, or_, select, text, update
from sqlalchemy.orm import aliased

from arena.store.requester import Requester
from arena.store.tables import (
    PUBLIC_VISIBILITY,
    BattleRow,
    BattleShareRow,
    BattleTagRow,
    ExpertiseRow,
    MessageRow,
    ModelRow,
    PreviewOutcomeRow,
    VoteRow,
    utcnow,
)

# What revision 0016 makes in SQL for search, outside the declared tables.
SEARCH_OBJECT_PREFIXES = ("messages_fts", "ix_messages_content_fts")

__all__ = [
    "DELETED",
    "delete_mine",
    "expert_votes",
    "expertise_of",
    "list_mine",
    "my_votes",
    "owner_of",
    "set_expertise",
]

DELETED = "deleted"
MAX_SEARCH_WORDS = 16


def _mine(requester: Requester) -> Any:
    clauses = []
    if requester.client_key is not None:
        clauses.append(BattleRow.owner_key == requester.client_key)
    if requester.user_id is not None:
        clauses.append(BattleRow.user_id == requester.user_id)
    return or_(*clauses) if clauses else BattleRow.id.is_(None)


# The PostgreSQL index expression of revision 0016; a query must repeat it to use the index.
_PG_DOCUMENT = "to_tsvector('simple'::regconfig, left(messages.content, 100000))"


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased: letters, digits and underscores only, so
    nothing of the query syntax of either database gets through."""
    return [w.lower() for w in re.findall(r"\w+", text)][:MAX_SEARCH_WORDS]


def _matching(conn: Connection, words: list[str]) -> Any:
    """Ids of battles with a message holding every word (each as a prefix: "pelic"
    finds "pelican"), from the full-text index of revision 0016."""
    if conn.dialect.name == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        return (
            select(MessageRow.battle_id)
            .where(
                text(f"{_PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, :history_q)").bindparams(
                    history_q=query
                )
            )
            .scalar_subquery()
        )
    match = " ".join(f'"{w}"*' for w in words)
    return (
        select(MessageRow.battle_id)
        .where(
            MessageRow.id.in_(
                text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :history_q")
                .bindparams(history_q=match)
                .columns(rowid=Integer)
            )
        )
        .scalar_subquery()
    )


def list_mine(
    conn: Connection,
    requester: Requester,
    *,
    q: str | None,
    arena: str | None,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """One page of the requester's battles, newest first, with their messages.

    ``q`` finds battles with a prompt or reply holding all its words (SQLite FTS5,
    PostgreSQL full text); a query without a word finds nothing.
    """
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    where = [_mine(requester), BattleRow.status != DELETED]
    if arena is not None:
        where.append(BattleRow.arena == arena)
    if q is not None:
        words = search_words(q)
        if not words:
            return []
        where.append(BattleRow.id.in_(_matching(conn, words)))
    stmt = (
        select(
            BattleRow.id,
            BattleRow.mode,
            BattleRow.arena,
            BattleRow.status,
            BattleRow.turns,
            BattleRow.created_at,
            model_a.name.label("a_name"),
            model_b.name.label("b_name"),
            VoteRow.winner,
            BattleShareRow.share_id,
        )
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .outerjoin(model_b, model_b.id == BattleRow.model_b_id)
        .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
        .outerjoin(BattleShareRow, BattleShareRow.battle_id == BattleRow.id)
        .where(and_(*where))
        .order_by(BattleRow.created_at.desc(), BattleRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = conn.execute(stmt).all()
    ids = [r.id for r in rows]
    messages: dict[str, list[Any]] = {i: [] for i in ids}
    if ids:
        for m in conn.execute(
            select(MessageRow.battle_id, MessageRow.side, MessageRow.role, MessageRow.content)
            .where(MessageRow.battle_id.in_(ids))
            .order_by(MessageRow.battle_id, MessageRow.turn, MessageRow.id)
        ):
            messages[m.battle_id].append(m)
    return [
        {
            "battle_id": r.id,
            "mode": r.mode,
            "arena": r.arena,
            "status": r.status,
            "turns": r.turns,
            "created_at": r.created_at,
            "winner": r.winner,
            "share_id": r.share_id,
            "model_a": r.a_name,
            "model_b": r.b_name,
            "messages": messages[r.id],
        }
        for r in rows
    ]


def delete_mine(conn: Connection, requester: Requester, battle_id: str | None) -> list[str]:
    """Delete one of the requester's battles (or all when ``battle_id`` is None).

    Returns the ids deleted; none for an unknown id or someone else's.
    """
    where = [_mine(requester), BattleRow.status != DELETED]
    if battle_id is not None:
        where.append(BattleRow.id == battle_id)
    ids = list(conn.execute(select(BattleRow.id).where(and_(*where))).scalars())
    if not ids:
        return []
    conn.execute(delete(MessageRow).where(MessageRow.battle_id.in_(ids)))
    conn.execute(delete(PreviewOutcomeRow).where(PreviewOutcomeRow.battle_id.in_(ids)))
    # The battle row stays (its vote counts), so no cascade removes its share link.
    conn.execute(delete(BattleShareRow).where(BattleShareRow.battle_id.in_(ids)))
    conn.execute(
        update(BattleRow)
        .where(BattleRow.id.in_(ids))
        .values(
            status=DELETED,
            owner_key=None,
            user_id=None,
            session_id=None,
            conv_metadata=None,
            published=None,
        )
    )
    return ids


def my_votes(conn: Connection, requester: Requester) -> list[tuple[str, str, str]]:
    """(model_a, model_b, winner) of the requester's anonymous votes."""
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(model_a.name, model_b.name, VoteRow.winner)
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(_mine(requester), BattleRow.mode == "anonymous", BattleRow.status != DELETED)
    )
    return [(a, b, w) for a, b, w in conn.execute(stmt)]


def owner_of(requester: Requester) -> str | None:
    """The key expertise is stored under: the signed-in user first, else the cookie."""
    if requester.user_id is not None:
        return f"u:{requester.user_id}"
    if requester.client_key is not None:
        return f"c:{requester.client_key}"
    return None


def expertise_of(conn: Connection, owner: str) -> list[str]:
    row = conn.execute(select(ExpertiseRow.fields).where(ExpertiseRow.owner == owner)).first()
    return list(row[0]) if row else []


def set_expertise(conn: Connection, owner: str, fields: list[str]) -> None:
    """Replace the declared fields (an empty list forgets them)."""
    conn.execute(delete(ExpertiseRow).where(ExpertiseRow.owner == owner))
    if fields:
        conn.execute(
            ExpertiseRow.__table__.insert().values(owner=owner, fields=fields, updated_at=utcnow())
        )


def expert_votes(conn: Connection, field: str) -> list[tuple[str, str, str]]:
    """Valid anonymous votes on battles tagged ``field`` whose owner declared ``field``.

    Tags and declared fields are small JSON lists, filtered here in Python so the same
    code runs on SQLite and PostgreSQL.
    """
    experts = [
        owner
        for owner, fields in conn.execute(select(ExpertiseRow.owner, ExpertiseRow.fields))
        if field in (fields or [])
    ]
    if not experts:
        return []
    keys = [o[2:] for o in experts if o.startswith("c:")]
    users = [o[2:] for o in experts if o.startswith("u:")]
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(model_a.name, model_b.name, VoteRow.winner, BattleTagRow.tags)
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(BattleTagRow, BattleTagRow.battle_id == BattleRow.id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(
            BattleRow.mode == "anonymous",
            VoteRow.valid.is_(True),
            model_a.visibility.in_(PUBLIC_VISIBILITY),
            model_b.visibility.in_(PUBLIC_VISIBILITY),
            or_(BattleRow.owner_key.in_(keys), BattleRow.user_id.in_(users)),
        )
    )
    return [(a, b, w) for a, b, w, tags in conn.execute(stmt) if field in (tags or [])]
