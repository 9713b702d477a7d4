"""Reads and writes of ``battle_tags``: each battle's categories and who decided them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from arena.store.audit import as_utc
from arena.store.server_secrets import public_battle_id
from arena.store.tables import (
    BattleRow,
    BattleTagRow,
    EventRow,
    MessageRow,
    VoteRow,
    utcnow,
)

# The classifier name of tags a votes file brought (arena.categories.imported.CLASSIFIER).
IMPORTED = "imported"
# Classifier names of LLM judges start with this ("llm-judge:<registry name>").
JUDGE_PREFIX = "llm-judge:"
# The audit event of one judge verdict: subject the battle, actor the judge's classifier name.
JUDGE_EVENT = "category_judge"
# Tag writes from several workers can commit out of time order: re-read this much.
TAG_OVERLAP = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StoredTags:
    tags: tuple[str, ...]
    language: str | None


def save_tags(
    conn: Connection,
    battle_id: str,
    classifier: str,
    version: str,
    result: dict[str, Any],
) -> None:
    """Replace a battle's tags (``result`` as ``PromptTags.as_json()``)."""
    row = {
        "battle_id": battle_id,
        "classifier": classifier,
        "version": version,
        "language": result.get("language"),
        "tags": list(result.get("tags", [])),
        "criteria": list(result.get("criteria", [])),
    }
    save_many(conn, [row])


def save_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the tags of many battles at once.

    An upsert, so the live tagger and a concurrent ``arena categories retag`` never
    collide on a battle's row: the later write wins.
    """
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(BattleTagRow)
    columns = ("classifier", "version", "language", "tags", "criteria", "tagged_at")
    stmt = stmt.on_conflict_do_update(
        index_elements=["battle_id"], set_={c: stmt.excluded[c] for c in columns}
    )
    now = utcnow()
    conn.execute(stmt, [{**r, "tagged_at": now} for r in rows])


def _needs_tags(version: str) -> Any:
    """Battles with a turn and no tags from this version, nor tags their file brought,
    nor tags an LLM judge decided (replace mode: the judge outranks the embedded one)."""
    tagged = select(BattleTagRow.battle_id).where(
        or_(
            BattleTagRow.version == version,
            BattleTagRow.classifier == IMPORTED,
            BattleTagRow.classifier.startswith(JUDGE_PREFIX),
        )
    )
    return and_(BattleRow.turns > 0, BattleRow.id.not_in(tagged))


def count_untagged(conn: Connection, version: str) -> int:
    """Battles with a turn whose tags are missing or from another classifier version."""
    return int(conn.execute(select(func.count()).where(_needs_tags(version))).scalar_one())


def untagged_batch(
    conn: Connection, version: str, after_id: str, limit: int
) -> list[tuple[str, int, list[str]]]:
    """The next ``limit`` battles (by id, after ``after_id``) to tag: (id, turns, prompts)."""
    battles = conn.execute(
        select(BattleRow.id, BattleRow.turns)
        .where(_needs_tags(version), BattleRow.id > after_id)
        .order_by(BattleRow.id)
        .limit(limit)
    ).all()
    return _with_prompts(conn, [(b.id, int(b.turns)) for b in battles])


def _with_prompts(
    conn: Connection, battles: Sequence[tuple[str, int]]
) -> list[tuple[str, int, list[str]]]:
    """(id, turns, the user's prompts in turn order): side a's user messages, never a reply."""
    if not battles:
        return []
    prompts: dict[str, list[str]] = {b: [] for b, _ in battles}
    rows = conn.execute(
        select(MessageRow.battle_id, MessageRow.content)
        .where(
            MessageRow.battle_id.in_(list(prompts)),
            MessageRow.side == "a",
            MessageRow.role == "user",
        )
        .order_by(MessageRow.battle_id, MessageRow.turn)
    )
    for battle_id, content in rows:
        prompts[battle_id].append(content)
    return [(b, turns, prompts[b]) for b, turns in battles]


def _needs_judge(classifier: str) -> Any:
    """Battles with a turn that this judge has not given a verdict on yet (imported
    battles keep the tags their votes file brought, so the judge leaves them out)."""
    judged = select(EventRow.subject).where(
        EventRow.kind == JUDGE_EVENT, EventRow.actor == classifier
    )
    imported = select(BattleTagRow.battle_id).where(BattleTagRow.classifier == IMPORTED)
    return and_(BattleRow.turns > 0, BattleRow.id.not_in(judged), BattleRow.id.not_in(imported))


def count_unjudged(conn: Connection, classifier: str) -> int:
    return int(conn.execute(select(func.count()).where(_needs_judge(classifier))).scalar_one())


def unjudged_batch(
    conn: Connection, classifier: str, after_id: str, limit: int
) -> list[tuple[str, int, list[str]]]:
    """The next ``limit`` battles (by id, after ``after_id``) for this judge."""
    battles = conn.execute(
        select(BattleRow.id, BattleRow.turns)
        .where(_needs_judge(classifier), BattleRow.id > after_id)
        .order_by(BattleRow.id)
        .limit(limit)
    ).all()
    return _with_prompts(conn, [(b.id, int(b.turns)) for b in battles])


def save_judge_verdict(
    conn: Connection,
    battle_id: str,
    classifier: str,
    version: str,
    result: dict[str, Any],
    replace: bool,
) -> None:
    """Record an LLM judge's verdict as an audit event; with ``replace``, also make it
    the battle's tags (the one ``battle_tags`` row the boards read).

    The event keeps every verdict beside the embedded tags (check mode compares the two
    without a second tags table) and marks the battle judged for ``arena categories judge``.
    """
    payload = {
        "version": version,
        "mode": "replace" if replace else "check",
        "language": result.get("language"),
        "tags": list(result.get("tags", [])),
        "criteria": list(result.get("criteria", [])),
    }
    conn.execute(
        insert(EventRow).values(
            kind=JUDGE_EVENT, subject=battle_id, actor=classifier, payload=payload
        )
    )
    if replace:
        save_tags(conn, battle_id, classifier, version, result)


def judge_verdicts(conn: Connection, classifier: str) -> dict[str, dict[str, Any]]:
    """The latest verdict of this judge per battle (event payloads), for comparison."""
    rows = conn.execute(
        select(EventRow.subject, EventRow.payload)
        .where(EventRow.kind == JUDGE_EVENT, EventRow.actor == classifier)
        .order_by(EventRow.id)
    )
    return {str(subject): dict(payload) for subject, payload in rows}


def get_tags(conn: Connection, battle_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(BattleTagRow).where(BattleTagRow.battle_id == battle_id)).first()
    if row is None:
        return None
    tag = row[0]
    return {
        "classifier": tag.classifier,
        "version": tag.version,
        "language": tag.language,
        "tags": list(tag.tags),
        "criteria": list(tag.criteria),
    }


def tags_for_board(
    conn: Connection,
    after_vote_id: int,
    last_vote_id: int,
    since: datetime | None,
    id_key: str | None = None,
) -> tuple[dict[str, StoredTags], datetime | None]:
    """Tags of voted battles the board must (re)read, keyed like ``counted_votes`` rows
    (an imported battle's own id; one of ours by its keyed public id when ``id_key``).

    Those of the votes in ``(after_vote_id, last_vote_id]`` (new to the board) and
    those written since ``since`` (a retag, or a tag that came after its vote).
    Also returns the newest ``tagged_at`` seen, the next call's ``since``.
    """
    fresh = and_(VoteRow.id > after_vote_id, VoteRow.id <= last_vote_id)
    where = fresh if since is None else or_(fresh, BattleTagRow.tagged_at >= since - TAG_OVERLAP)
    rows = conn.execute(
        select(
            BattleRow.external_id,
            BattleRow.id,
            BattleTagRow.tags,
            BattleTagRow.language,
            BattleTagRow.tagged_at,
        )
        .select_from(BattleTagRow)
        .join(BattleRow, BattleRow.id == BattleTagRow.battle_id)
        .join(VoteRow, VoteRow.battle_id == BattleRow.id)
        .where(VoteRow.id <= last_vote_id, where)
    )
    found: dict[str, StoredTags] = {}
    # With nothing tagged yet, later tags of already counted votes start from now.
    newest = since if since is not None else utcnow()
    for external_id, battle_id, tags, language, tagged_at in rows:
        if external_id is not None:
            key = external_id
        else:
            key = public_battle_id(id_key, battle_id) if id_key else battle_id
        found[str(key)] = StoredTags(tuple(tags or ()), language)
        at = as_utc(tagged_at)
        if at is not None and (newest is None or at > newest):
            newest = at
    return found, newest
