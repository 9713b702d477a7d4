"""Bulk import of public votes and conversation files into the store.

Invariants:

- Idempotent: a row whose ``id``/``question_id``/``conversation_id`` is already
  a battle's ``external_id`` (or a battle's own id, as in our own exports) is
  skipped, so importing the same file twice adds nothing.
- A bad row never stops the import: it is reported with its line (JSONL, CSV)
  or row number (Parquet) and the reason, and the rest goes in.
- Streaming: rows are read and written in batches, one transaction per batch
  (committed, so durability is the store's usual), straight through SQLAlchemy
  Core ``executemany`` rather than the app's one-write-at-a-time queue.
"""

from __future__ import annotations

import csv
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, insert, select

from arena.data.import_shapes import BadRow, ImportRecord, normalize
from arena.errors import InvalidInput
from arena.store.tables import BattleRow, EventRow, MessageRow, ModelRow, VoteRow

__all__ = ["BadRowReport", "ImportReport", "import_files", "read_rows"]

BATCH = 50_000
ID_CHUNK = 2_000  # ids per IN (...) lookup, well under SQLite's parameter limit
NAMESPACE = uuid.UUID("5b0c3f8e-7f0e-4f3b-9a51-0a4e2c1d6a11")
SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
SUFFIXES |= {".json": "json", ".csv": "csv"}


@dataclass(frozen=True, slots=True)
class BadRowReport:
    file: str
    line: int
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    skipped: int = 0
    models_created: list[str] = field(default_factory=list)
    bad: list[BadRowReport] = field(default_factory=list)
    bad_count: int = 0
    max_bad_kept: int = 1_000

    def add_bad(self, file: str, line: int, reason: str) -> None:
        self.bad_count += 1
        if len(self.bad) < self.max_bad_kept:
            self.bad.append(BadRowReport(file, line, reason))


# ---------------------------------------------------------------- reading


def _check(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(f"{path}: unsupported file type; use .parquet, .jsonl, .json or .csv")
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    return kind


def read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line or row number, raw row or the exception that made it unreadable), streamed."""
    kind = _check(path)
    try:
        if kind == "parquet":
            yield from _parquet_rows(path)
        elif kind == "csv":
            yield from _csv_rows(path)
        else:
            yield from _json_rows(path)
    except (OSError, pa.ArrowException, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, Any]]:
    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def _json_rows(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("r", encoding="utf-8") as fh:
        first = fh.read(1)
        while first.isspace():
            first = fh.read(1)
        fh.seek(0)
        if first == "[":  # a whole-array .json file: small files only
            try:
                rows = json.load(fh)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}: not valid JSON: {exc}") from None
            yield from enumerate(rows, start=1)
            return
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, BadRow(f"not valid JSON: {exc.msg} at column {exc.colno}")


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("r", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        start = 2
        for row in reader:
            if None in row:
                yield start, BadRow("more fields than the header")
            else:
                yield start, row
            start = reader.line_num + 1


# ---------------------------------------------------------------- writing


def battle_id_for(external_id: str) -> str:
    """A stable battle id, so the same file imported anywhere gives the same ids."""
    return str(uuid.uuid5(NAMESPACE, external_id))


def _existing(conn: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), ID_CHUNK):
        chunk = ids[i : i + ID_CHUNK]
        found.update(
            conn.execute(select(BattleRow.external_id).where(BattleRow.external_id.in_(chunk)))
            .scalars()
            .all()
        )
        found.update(
            conn.execute(select(BattleRow.id).where(BattleRow.id.in_(chunk))).scalars().all()
        )
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


def _write_batch(
    engine: Engine,
    records: list[ImportRecord],
    models: dict[str, int],
    report: ImportReport,
    now: datetime,
) -> int:
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            existing = _existing(conn, [r.external_id for r in records])
            fresh = [r for r in records if r.external_id not in existing]
            report.skipped += len(records) - len(fresh)
            if not fresh:
                return 0
            names = {r.model_a for r in fresh} | {r.model_b for r in fresh if r.model_b}
            _model_ids(conn, names, models, report)
            battles, messages, votes = [], [], []
            for r in fresh:
                bid = battle_id_for(r.external_id)
                created = r.created_at or now
                battles.append(
                    {
                        "id": bid,
                        "external_id": r.external_id,
                        "source": r.source,
                        "mode": r.mode,
                        "model_a_id": models[r.model_a],
                        "model_b_id": models[r.model_b] if r.model_b else None,
                        "sampling_policy": "import",
                        "pair_probability": None,
                        "status": "voted" if r.winner else "closed",
                        "failure_reason": None,
                        "turns": r.turns,
                        "turn_lock_until": None,
                        "client_hash": None,
                        "user_id": None,
                        "created_at": created,
                        "session_id": r.session_id,
                        "evaluation_order": r.evaluation_order,
                        "language": r.language,
                        "category_tag": r.category_tag,
                        "is_code": r.is_code,
                    }
                )
                for side, side_messages in (("a", r.messages_a), ("b", r.messages_b)):
                    for turn, role, content, tokens in side_messages:
                        messages.append(
                            {
                                "battle_id": bid,
                                "side": side,
                                "turn": turn,
                                "role": role,
                                "content": content,
                                "completion_tokens": tokens,
                                "created_at": created,
                            }
                        )
                if r.winner:
                    votes.append(
                        {
                            "battle_id": bid,
                            "winner": r.winner,
                            "flags": dict.fromkeys(r.flags, True),
                            "created_at": created,
                        }
                    )
            conn.execute(insert(BattleRow), battles)
            if messages:
                conn.execute(insert(MessageRow), messages)
            if votes:
                conn.execute(insert(VoteRow), votes)
    return len(fresh)


def import_files(
    engine: Engine,
    paths: list[Path],
    *,
    batch_size: int = BATCH,
    on_rows: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every file; raises :class:`InvalidInput` before writing if one is unreadable."""
    for path in paths:
        _check(path)
    report = ImportReport()
    models: dict[str, int] = {}
    now = datetime.now(UTC)
    for path in paths:
        before = report.imported
        seen: set[str] = set()
        batch: list[ImportRecord] = []
        for number, raw in read_rows(path):
            report.read += 1
            try:
                if isinstance(raw, Exception):
                    raise raw
                record = normalize(raw, source=path.name[:64])
            except BadRow as exc:
                report.add_bad(str(path), number, str(exc))
                continue
            if record.external_id in seen:
                report.skipped += 1
                continue
            seen.add(record.external_id)
            batch.append(record)
            if len(batch) >= batch_size:
                report.imported += _write_batch(engine, batch, models, report, now)
                if on_rows:
                    on_rows(len(batch))
                batch = []
        if batch:
            report.imported += _write_batch(engine, batch, models, report, now)
            if on_rows:
                on_rows(len(batch))
        _log_import(engine, path, report.imported - before)
    return report


def _log_import(engine: Engine, path: Path, imported: int) -> None:
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            conn.execute(
                insert(EventRow).values(
                    kind="data_imported",
                    subject=path.name[:128],
                    actor="cli",
                    payload={"file": str(path), "imported": imported},
                )
            )
