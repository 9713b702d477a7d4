"""Stream voted battles out of the store as a public-schema votes file.

Invariant: rows leave in (timestamp, id) order, grouped into row groups of a
fixed size whatever the database's fetch size, with fixed writer options, so
the same rows always give the same bytes. Memory is bounded by one row group:
battles are read with a streaming cursor and their messages fetched one
partition at a time on a second connection.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, Text, and_, func, select, type_coerce
from sqlalchemy.orm import aliased

from arena.data.public_schema import (
    CATEGORY_TAG,
    CONV_METADATA_FIELDS,
    CRITERIA_NAMES,
    VOTES_SCHEMA,
)
from arena.data.published import JSON_TEXT_KEYS, complete_metadata, content_parts
from arena.data.scrub import Scrubber
from arena.store.server_secrets import public_battle_id
from arena.store.tables import PUBLIC_VISIBILITY, BattleRow, BattleTagRow, ModelRow, VoteRow
from arena.store.votes_repo import not_deduplicated, not_from_flagged_client

__all__ = ["ExportOptions", "ExportResult", "count_rows", "export_votes", "iter_rows"]

Format = Literal["parquet", "jsonl"]
FETCH = 2_000  # battles per message query (well under SQLite's bound-parameter limit)
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "data_page_version": "1.0",
    "write_statistics": True,
    "use_dictionary": ["model_a", "model_b", "winner", "language"],
}


@dataclass(frozen=True)
class ExportOptions:
    """What to export.

    ``release`` keeps only the votes the public board counts (anonymous, valid,
    not from a flagged client, between public or deprecated models), scrubs
    personal data and replaces session ids by a salted hash. A plain export is
    the operator's full backup.
    """

    fmt: Format = "parquet"
    since: datetime | None = None
    until: datetime | None = None
    release: bool = False
    salt: str = ""
    names_by_user: dict[str, list[str]] = field(default_factory=dict)
    row_group_size: int = 10_000
    id_key: str | None = None
    """With a key, our own battle ids leave as ``public_battle_id(key, id)``: a release
    never shows the internal id (ids taken from imported files are public already)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _battle_query(opts: ExportOptions, count: bool = False) -> Any:
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    export_id = func.coalesce(BattleRow.external_id, BattleRow.id)
    # A battle its owner deleted leaves every export and release (see arena.store.history).
    where = [BattleRow.status != "deleted"]
    if opts.since is not None:
        where.append(BattleRow.created_at >= opts.since)
    if opts.until is not None:
        where += [BattleRow.created_at < opts.until, VoteRow.created_at < opts.until]
    if opts.release:
        where += [
            BattleRow.mode == "anonymous",
            BattleRow.status != "failed",
            model_a.visibility.in_(PUBLIC_VISIBILITY),
            model_b.visibility.in_(PUBLIC_VISIBILITY),
            # The public board's rules: a release holds exactly the votes it counts.
            VoteRow.valid.is_(True),
            not_from_flagged_client(),
            not_deduplicated(),
        ]
    cols = (
        [func.count()]
        if count
        else [
            BattleRow.id,
            export_id.label("export_id"),
            model_a.name.label("model_a"),
            model_b.name.label("model_b"),
            VoteRow.winner,
            type_coerce(VoteRow.flags, Text).label("flags"),  # decoded in _row
            BattleRow.client_hash,
            BattleRow.session_id,
            BattleRow.user_id,
            BattleRow.evaluation_order,
            BattleRow.turns,
            BattleRow.mode,
            BattleRow.language,
            BattleRow.created_at,
            BattleRow.category_tag,
            BattleRow.is_code,
            BattleTagRow.tags.label("our_tags"),
            BattleTagRow.language.label("our_language"),
            BattleTagRow.criteria.label("our_criteria"),
            BattleRow.source,
            type_coerce(BattleRow.conv_metadata, Text).label("conv_metadata"),
            type_coerce(BattleRow.published, Text).label("published"),
            BattleRow.arena,
        ]
    )
    stmt = (
        select(*cols)
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .outerjoin(BattleTagRow, BattleTagRow.battle_id == BattleRow.id)
        .where(and_(True, *where))
    )
    return stmt if count else stmt.order_by(BattleRow.created_at, export_id)


def count_rows(conn: Connection, opts: ExportOptions) -> int:
    """The rows an export writes (for the progress bar)."""
    return int(conn.execute(_battle_query(opts, count=True)).scalar_one())


def _messages(conn: Connection, ids: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    """(battle_id, side, role, content, completion_tokens, prompt_tokens, parts) per battle,
    in conversation order (parts as JSON text).

    Plain driver SQL and ``fetchall``: SQLAlchemy's per-row processing cost more
    than the query (the columns need no conversion).
    """
    cols = "battle_id, side, role, content, completion_tokens, prompt_tokens, parts"
    if conn.dialect.name != "sqlite":
        cols += "::text"  # JSON as text on both backends, decoded in _row
    order = "ORDER BY battle_id, side, turn, id"
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT {cols} FROM messages WHERE battle_id IN ({marks}) {order}"
        params: Any = tuple(ids)
    else:
        sql = f"SELECT {cols} FROM messages WHERE battle_id = ANY(%s) {order}"
        params = (list(ids),)
    out: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.exec_driver_sql(sql, params).fetchall():
        group = out.get(row[0])
        if group is None:
            out[row[0]] = [row]
        else:
            group.append(row)
    return out


def _flags(value: Any) -> list[str]:
    """The vote's flag names, sorted, from JSON text (SQLite, see _battle_query) or a dict."""
    if type(value) is str:
        value = None if value == "{}" else json.loads(value)
    return sorted(value) if value else []


def _session(row: Any, opts: ExportOptions) -> str | None:
    raw = row.session_id or row.client_hash
    if raw is None or not opts.release:
        return raw
    return hashlib.sha256(f"{opts.salt}\x00{raw}".encode()).hexdigest()[:32]


def _json(value: Any) -> Any:
    """A JSON column's value: text on SQLite (see _battle_query), decoded already elsewhere."""
    return json.loads(value) if type(value) is str else value


def _scrub_parts(parts: list[dict[str, Any]], user_id: Any, scrub: Scrubber) -> list[Any]:
    return [{**p, "text": scrub(p["text"], user_id)} if "text" in p else p for p in parts]


def _category_tag(
    published: dict[str, Any], tag: str | None, ours: Any = None, criteria: Any = None
) -> dict[str, Any] | None:
    """The releases' category_tag struct: as published, plus Arena's own tags.

    A battle the file did not tag (one of ours) gets the published flags from our
    classifier too (``math_v0.1``, ``if_v0.1``, ``creative_writing_v0.1``,
    ``criteria_v0.1``), so an export reads like LMArena's own; ``tags`` lists every tag
    name, the file's and ours.
    """
    given = published.get("category_tag")
    tags = set(given.get("tags") or ()) if isinstance(given, dict) else set()
    if tag:
        tags.add(tag)
    tags |= set(ours or ())
    if not isinstance(given, dict) and not tags:
        return None
    names = [CATEGORY_TAG.field(i).name for i in range(CATEGORY_TAG.num_fields)]
    if isinstance(given, dict):
        struct = {k: given.get(k) for k in names}
    else:
        held = set(criteria or ())
        struct = {
            "criteria_v0.1": {
                name: (("real_world_application" if name == "real_world" else name) in held)
                for name in CRITERIA_NAMES
            }
            if criteria is not None
            else None,
            "creative_writing_v0.1": {
                "creative_writing": "creative_writing" in tags,
                "score": None,
            },
            "if_v0.1": {"if": "instruction_following" in tags, "score": None},
            "math_v0.1": {"math": "math" in tags},
        }
    return {**struct, "tags": sorted(tags)}


def _row(battle: Any, messages: list[Any], opts: ExportOptions, scrub: Scrubber) -> dict[str, Any]:
    """One public-schema row; ``messages`` as :func:`_messages` gives them."""
    conv: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    numbered: dict[str, list[tuple[Any, ...]]] = {"a": [], "b": []}
    release = opts.release
    any_code = False
    for _, side, role, content, completion_tokens, prompt_tokens, parts in messages:
        if release:
            content = scrub(content, battle.user_id)
        parts = _json(parts)
        if parts is not None and release:
            parts = _scrub_parts(parts, battle.user_id, scrub)
        tokens = completion_tokens if role == "assistant" else prompt_tokens
        conv[side].append(
            {"role": role, "content": content_parts(content, parts), "num_tokens": tokens}
        )
        numbered[side].append((0, role, content, tokens, parts))
        any_code = any_code or "```" in content
    flags = _flags(battle.flags)
    is_code = any_code if battle.is_code is None else battle.is_code
    published = _json(battle.published) or {}
    meta, computed = complete_metadata(_json(battle.conv_metadata), numbered["a"], numbered["b"])
    # An imported row's computed fields are marked (its file did not publish them); once
    # marked, an export of that export keeps the mark. Live battles are our own data.
    computed = published.get("computed") or (computed if battle.source is not None else [])
    extras = {}
    for key in ("judge", "judge_hash", "is_refusal", "dedup_tag", *JSON_TEXT_KEYS):
        value = published.get(key)
        if key in JSON_TEXT_KEYS and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        extras[key] = value
    return {
        "id": _public_id(battle, opts),
        "model_a": battle.model_a,
        "model_b": battle.model_b,
        "winner": battle.winner,
        "evaluation_session_id": _session(battle, opts),
        "evaluation_order": battle.evaluation_order,
        "conversation_a": conv["a"],
        "conversation_b": conv["b"],
        "conv_metadata": {k: meta.get(k) for k in CONV_METADATA_FIELDS},
        "category_tag": _category_tag(
            published, battle.category_tag, battle.our_tags, battle.our_criteria
        ),
        "language": battle.language or battle.our_language,
        "is_code": bool(is_code),
        "timestamp": _aware(battle.created_at),
        "arena": battle.arena,
        "anony": battle.mode == "anonymous",
        "is_flagged": bool(flags),
        "moderation_flags": flags,
        "computed_fields": list(computed),
        **extras,
    }


def _public_id(battle: Any, opts: ExportOptions) -> str:
    if opts.id_key and battle.export_id == battle.id:
        return public_battle_id(opts.id_key, battle.id)
    return str(battle.export_id)


def iter_rows(engine: Engine, opts: ExportOptions) -> Iterator[dict[str, Any]]:
    """Public-schema rows in (timestamp, id) order, streamed."""
    scrub = Scrubber(opts.names_by_user)
    with engine.connect() as battles_conn, engine.connect() as messages_conn:
        result = battles_conn.execution_options(yield_per=FETCH).execute(_battle_query(opts))
        for part in result.partitions():
            messages = _messages(messages_conn, [b.id for b in part])
            for battle in part:
                yield _row(battle, messages.get(battle.id, []), opts, scrub)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_rows(
    rows: Iterator[dict[str, Any]],
    path: Path,
    fmt: Format,
    row_group_size: int = 10_000,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write rows to ``path`` (via a temporary file, so a crash leaves no half file)."""
    tmp = path.with_name(path.name + ".partial")
    total = 0
    if fmt == "parquet":
        with pq.ParquetWriter(tmp, VOTES_SCHEMA, **PARQUET_OPTIONS) as writer:
            for chunk in _chunks(rows, row_group_size):
                writer.write_table(pa.Table.from_pylist(chunk, schema=VOTES_SCHEMA))
                total += len(chunk)
                if on_rows:
                    on_rows(len(chunk))
    else:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for chunk in _chunks(rows, 1_000):
                for row in chunk:
                    fh.write(json.dumps(row, ensure_ascii=False, default=_json_default))
                    fh.write("\n")
                total += len(chunk)
                if on_rows:
                    on_rows(len(chunk))
    os.replace(tmp, path)
    return total


def export_votes(
    engine: Engine,
    out_dir: Path,
    opts: ExportOptions,
    on_rows: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write ``votes.parquet`` or ``votes.jsonl`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"votes.{opts.fmt}"
    rows = write_rows(iter_rows(engine, opts), path, opts.fmt, opts.row_group_size, on_rows)
    return ExportResult(path=path, rows=rows)
