"""Bulk import of public votes and conversation files into the store.

Invariants:

- Idempotent: a row whose ``id``/``question_id``/``conversation_id`` is already
  a battle's ``external_id`` (or a battle's own id, as in our own exports) is
  skipped, so importing the same file twice adds nothing. A row that reuses an
  id for a different vote (other models or winner) is skipped too, but reported
  as a conflict, never hidden among the "already present".
- Published metadata survives: ``conv_metadata`` as published (computed fields
  marked), the ``category_tag`` struct and the older releases' extras
  (:mod:`arena.data.published`), and typed content parts per message.
- A bad row never stops the import: it is reported with its line (JSONL, CSV)
  or row number (Parquet) and the reason, and the rest goes in.
- Streaming: rows are read (:mod:`arena.data.import_reading`) and written in
  batches, one transaction per batch (committed, so durability is the store's
  usual), straight through the driver's ``executemany`` rather than the app's
  one-write-at-a-time queue.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from arena.data.import_reading import check_file, read_records, read_rows
from arena.data.import_shapes import BadRow, ImportRecord
from arena.store.tables import EventRow, ModelRow

__all__ = ["BadRowReport", "ImportReport", "import_files", "read_records", "read_rows"]

BATCH = 50_000
ID_CHUNK = 2_000  # ids per IN (...) lookup, well under SQLite's parameter limit
BULK_CACHE_KB = 128 * 1024  # SQLite page cache for the import connection
NAMESPACE = uuid.UUID("5b0c3f8e-7f0e-4f3b-9a51-0a4e2c1d6a11")
_NS = NAMESPACE.bytes


@dataclass(frozen=True, slots=True)
class BadRowReport:
    file: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ConflictReport:
    file: str
    external_id: str
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    skipped: int = 0
    conflicts: list[ConflictReport] = field(default_factory=list)
    conflict_count: int = 0
    models_created: list[str] = field(default_factory=list)
    bad: list[BadRowReport] = field(default_factory=list)
    bad_count: int = 0
    max_bad_kept: int = 1_000

    def add_bad(self, file: str, line: int, reason: str) -> None:
        self.bad_count += 1
        if len(self.bad) < self.max_bad_kept:
            self.bad.append(BadRowReport(file, line, reason))

    def add_conflict(self, file: str, external_id: str, reason: str) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < self.max_bad_kept:
            self.conflicts.append(ConflictReport(file, external_id, reason))


# ---------------------------------------------------------------- writing


def battle_id_for(external_id: str, created_at: datetime) -> str:
    """A stable, time-ordered (UUIDv7 layout) battle id for an imported row.

    The same row gets the same id wherever it is imported, and ids of a file in
    time order arrive in index order, so SQLite appends to its B-trees instead of
    splitting pages at random (this alone made the bulk import several times faster).
    """
    ms = max(0, int(created_at.timestamp() * 1000)) & 0xFFFFFFFFFFFF
    tail = hashlib.sha1(_NS + external_id.encode()).hexdigest()
    variant = "89ab"[int(tail[3], 16) & 0x3]
    return f"{ms >> 16:08x}-{ms & 0xFFFF:04x}-7{tail[:3]}-{variant}{tail[4:7]}-{tail[7:19]}"


def _existing(conn: Connection, ids: list[str]) -> set[str]:
    """The ids that are already a battle's external id or id (plain driver SQL: cheap)."""
    found: set[str] = set()
    if conn.dialect.name != "sqlite":  # PostgreSQL: one array parameter per column
        for column in ("external_id", "id"):
            sql = f"SELECT {column} FROM battles WHERE {column} = ANY(%s)"
            found.update(r[0] for r in conn.exec_driver_sql(sql, (ids,)))
        return found
    for i in range(0, len(ids), ID_CHUNK):
        chunk = tuple(ids[i : i + ID_CHUNK])
        marks = ", ".join("?" * len(chunk))
        for column in ("external_id", "id"):
            sql = f"SELECT {column} FROM battles WHERE {column} IN ({marks})"
            found.update(r[0] for r in conn.exec_driver_sql(sql, chunk))
    return found


def _model_ids(
    conn: Connection, names: set[str], cache: dict[str, int], report: ImportReport
) -> None:
    """Create unknown models as public, imported ones; fill ``cache`` with name -> id."""
    missing = sorted(names - cache.keys())
    if not missing:
        return
    for i in range(0, len(missing), ID_CHUNK):
        chunk = missing[i : i + ID_CHUNK]
        rows = conn.execute(select(ModelRow.name, ModelRow.id).where(ModelRow.name.in_(chunk)))
        cache.update({name: model_id for name, model_id in rows})
    new = [n for n in missing if n not in cache]
    if new:
        now = datetime.now(UTC)
        conn.execute(
            insert(ModelRow),
            [
                {
                    "name": n,
                    "provider": "external",
                    "visibility": "public",
                    "organization": "unknown",
                    "license": "unknown",
                    "created_at": now,
                    "status_changed_at": now,
                }
                for n in new
            ],
        )
        rows = conn.execute(select(ModelRow.name, ModelRow.id).where(ModelRow.name.in_(new)))
        cache.update({name: model_id for name, model_id in rows})
        report.models_created += new


BATTLE_COLUMNS = (
    "id", "external_id", "source", "mode", "model_a_id", "model_b_id", "sampling_policy",
    "status", "turns", "created_at", "session_id", "evaluation_order", "language",
    "category_tag", "is_code", "conv_metadata", "published", "arena",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "battle_id", "side", "turn", "role", "content", "prompt_tokens", "completion_tokens",
    "parts", "created_at",
)  # fmt: skip
VOTE_COLUMNS = ("battle_id", "winner", "flags", "valid", "created_at")


class _RawInserts:
    """Plain DBAPI ``executemany`` with tuples, converting values as SQLAlchemy would.

    SQLAlchemy's per-row parameter processing cost more than SQLite's own work;
    the conversions it would do are few and fixed here: SQLite stores
    datetimes as naive UTC text and JSON as text, PostgreSQL takes both natively
    (JSON as text cast by the server).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        mark = "?" if self.sqlite else "%s"
        self.sql = {
            table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
            f"({', '.join([mark] * len(cols))})"
            for table, cols in (
                ("battles", BATTLE_COLUMNS),
                ("messages", MESSAGE_COLUMNS),
                ("votes", VOTE_COLUMNS),
            )
        }

    def time(self, value: datetime) -> Any:
        if not self.sqlite:
            return value
        if value.tzinfo is UTC:  # the common case: "YYYY-MM-DD HH:MM:SS.ffffff+00:00"
            return value.isoformat(sep=" ", timespec="microseconds")[:26]
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(sep=" ", timespec="microseconds")

    def flags(self, flags: list[str]) -> str:
        return json.dumps(dict.fromkeys(flags, True)) if flags else "{}"

    def json(self, value: Any) -> str | None:
        """JSON text for a nullable JSON column (SQL NULL for None)."""
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, default=str)

    def run(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.exec_driver_sql(self.sql[table], rows)


def _write_batch(
    conn: Connection,
    records: list[ImportRecord],
    models: dict[str, int],
    report: ImportReport,
    now: datetime,
) -> int:
    """Insert one batch in one transaction; returns how many battles were new."""
    with conn.begin():
        existing = _existing(conn, [r.external_id for r in records])
        fresh = [r for r in records if r.external_id not in existing]
        conflicts = 0
        if existing:
            conflicts = _report_conflicts(
                conn, [r for r in records if r.external_id in existing], report
            )
        report.skipped += len(records) - len(fresh) - conflicts
        if not fresh:
            return 0
        _model_ids(conn, {r.model_a for r in fresh} | {r.model_b for r in fresh if r.model_b},
                   models, report)  # fmt: skip
        raw = _RawInserts(conn)
        battles, messages, votes = [], [], []
        tagged: list[tuple[str, tuple[tuple[str, ...], tuple[str, ...]]]] = []
        for r in fresh:
            created = r.created_at or now
            bid = battle_id_for(r.external_id, created)
            tags = _file_tags(r)
            if tags is not None:
                tagged.append((bid, tags))
            at = raw.time(created)
            battles.append(
                (
                    bid, r.external_id, r.source, r.mode, models[r.model_a],
                    models[r.model_b] if r.model_b else None, "import",
                    "voted" if r.winner else "closed", r.turns, at, r.session_id,
                    r.evaluation_order, r.language, r.category_tag, r.is_code,
                    raw.json(r.conv_metadata), raw.json(r.published), r.arena,
                )
            )  # fmt: skip
            for side, side_messages in (("a", r.messages_a), ("b", r.messages_b)):
                for turn, role, content, tokens, parts in side_messages:
                    # num_tokens: a reply's completion tokens, a prompt's own tokens
                    prompt = tokens if role != "assistant" else None
                    completion = tokens if role == "assistant" else None
                    messages.append(
                        (bid, side, turn, role, content, prompt, completion, raw.json(parts), at)
                    )
            if r.winner:
                votes.append((bid, r.winner, raw.flags(r.flags), not r.flags, at))  # as record_vote
        raw.run("battles", battles)
        raw.run("messages", messages)
        raw.run("votes", votes)
        _save_file_tags(conn, tagged)
    return len(fresh)


def _vote_key(r: ImportRecord) -> tuple[str, str | None, str | None]:
    return (r.model_a, r.model_b, r.winner)


def _describe(key: tuple[str | None, str | None, str | None]) -> str:
    a, b, winner = key
    return f"{a} vs {b}, {winner or 'no vote'}" if b else f"{a}, {winner or 'no vote'}"


def _report_conflicts(conn: Connection, records: list[ImportRecord], report: ImportReport) -> int:
    """Rows whose id is already in the store for a different vote: report, don't hide."""
    from sqlalchemy import or_
    from sqlalchemy.orm import aliased

    from arena.store.tables import BattleRow, VoteRow

    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stored: dict[str, tuple[str | None, str | None, str | None]] = {}
    for i in range(0, len(records), ID_CHUNK):
        ids = [r.external_id for r in records[i : i + ID_CHUNK]]
        stmt = (
            select(BattleRow.external_id, BattleRow.id, model_a.name, model_b.name, VoteRow.winner)
            .select_from(BattleRow)
            .join(model_a, model_a.id == BattleRow.model_a_id)
            .outerjoin(model_b, model_b.id == BattleRow.model_b_id)
            .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
            .where(or_(BattleRow.external_id.in_(ids), BattleRow.id.in_(ids)))
        )
        for ext, bid, a, b, winner in conn.execute(stmt):
            stored[ext or bid] = stored[bid] = (a, b, winner)
    count = 0
    for r in records:
        old = stored.get(r.external_id)
        if old is not None and old != _vote_key(r):
            count += 1
            report.add_conflict(
                r.source,
                r.external_id,
                f"id {r.external_id!r} is already in the store for a different vote "
                f"({_describe(old)}; this row: {_describe(_vote_key(r))}); row not imported",
            )
    return count


def _file_tags(r: ImportRecord) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The tags the file brought (a release's ``category_tag`` struct or our export's),
    in our vocabulary; kept as the published struct too (``battles.published``)."""
    given = (r.published or {}).get("category_tag")
    if given is None:
        return None
    from arena.categories.imported import file_tags

    return file_tags(given)


def _save_file_tags(
    conn: Connection, tagged: list[tuple[str, tuple[tuple[str, ...], tuple[str, ...]]]]
) -> None:
    """Imported data keeps its own tags (issue 11); ``arena categories retag`` leaves them."""
    if not tagged:
        return
    from arena.categories import imported
    from arena.store.battle_tags import save_many

    save_many(
        conn,
        [
            {
                "battle_id": battle_id,
                "classifier": imported.CLASSIFIER,
                "version": imported.VERSION,
                "language": None,
                "tags": list(tags),
                "criteria": list(criteria),
            }
            for battle_id, (tags, criteria) in tagged
        ],
    )


def _pragma(conn: Connection, pragma: str) -> None:
    """Outside any transaction, on the driver connection (a SQLAlchemy call would autobegin)."""
    conn.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _bulk_connection(engine: Engine) -> Connection:
    """A dedicated write connection; on SQLite with a larger page cache for the bulk load.

    Durability is unchanged (synchronous stays FULL, each batch commits).
    """
    conn = engine.connect()
    conn.info["write"] = True
    if conn.dialect.name == "sqlite":
        _pragma(conn, f"cache_size=-{BULK_CACHE_KB}")
    return conn


def import_files(
    engine: Engine,
    paths: list[Path],
    *,
    batch_size: int = BATCH,
    on_rows: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every file; raises :class:`InvalidInput` before writing if one is unreadable."""
    for path in paths:
        check_file(path)
    report = ImportReport()
    models: dict[str, int] = {}
    now = datetime.now(UTC)
    with _bulk_connection(engine) as conn:
        try:
            for path in paths:
                before = report.imported
                _import_file(conn, path, batch_size, models, report, now, on_rows)
                _log_import(conn, path, report.imported - before)
        finally:
            if conn.dialect.name == "sqlite":
                _pragma(conn, "cache_size=-2000")  # back to the default
            conn.info.pop("write", None)
    return report


def _import_file(
    conn: Connection,
    path: Path,
    batch_size: int,
    models: dict[str, int],
    report: ImportReport,
    now: datetime,
    on_rows: Callable[[int], None] | None,
) -> None:
    seen: dict[str, tuple[str, str | None, str | None]] = {}
    batch: list[ImportRecord] = []
    source = path.name[:64]
    for number, record in read_records(path, source):
        report.read += 1
        if isinstance(record, BadRow):
            report.add_bad(str(path), number, str(record))
            continue
        first = seen.get(record.external_id)
        if first is not None:
            if first == _vote_key(record):
                report.skipped += 1
            else:
                report.add_conflict(
                    str(path),
                    record.external_id,
                    f"line {number}: id {record.external_id!r} already used earlier in the file "
                    f"for a different vote ({_describe(first)}; this row: "
                    f"{_describe(_vote_key(record))}); row not imported",
                )
            continue
        seen[record.external_id] = _vote_key(record)
        batch.append(record)
        if len(batch) >= batch_size:
            report.imported += _write_batch(conn, batch, models, report, now)
            if on_rows:
                on_rows(len(batch))
            batch = []
    if batch:
        report.imported += _write_batch(conn, batch, models, report, now)
        if on_rows:
            on_rows(len(batch))


def _log_import(conn: Connection, path: Path, imported: int) -> None:
    with conn.begin():
        conn.execute(
            insert(EventRow).values(
                kind="data_imported",
                subject=path.name[:128],
                actor="cli",
                payload={"file": str(path), "imported": imported},
            )
        )
