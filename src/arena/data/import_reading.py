"""Reading public votes and conversation files for import, a row or a batch at a time.

Parquet is read and normalized column-wise, a record batch at a time (conversations
as tuples, not a dict per message); JSON Lines and CSV a line at a time. A row that
cannot be read or normalized comes out as the :class:`BadRow` saying why, with its
line or row number, so the import goes on. What each published shape needs is in
its module of :mod:`arena.data.shapes`, through :func:`normalize`.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from datetime import UTC
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from arena.data.import_shapes import BadRow, ImportRecord, normalize, normalize_columns
from arena.errors import InvalidInput

__all__ = ["SUFFIXES", "check_file", "read_records", "read_rows"]

PARQUET_BATCH = 10_000  # rows per record batch read from a Parquet file
SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
SUFFIXES |= {".json": "json", ".csv": "csv"}


def check_file(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(f"{path}: unsupported file type; use .parquet, .jsonl, .json or .csv")
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    return kind


def read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line or row number, raw row or the exception that made it unreadable), streamed."""
    kind = check_file(path)
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
    for columns, _ in _parquet_batches(path):
        names = list(columns)
        for values in zip(*columns.values(), strict=True):
            number += 1
            yield number, dict(zip(names, values, strict=True))


def _parquet_batches(path: Path) -> Iterator[tuple[dict[str, list[Any]], int]]:
    """(Python values by column name, number of rows) per record batch."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
        names = batch.schema.names
        yield {name: _column_values(name, batch.column(name)) for name in names}, batch.num_rows


def read_records(path: Path, source: str) -> Iterator[tuple[int, ImportRecord | BadRow]]:
    """(line or row number, normalized record or why the row is bad), streamed.

    Parquet is normalized a batch of columns at a time (:func:`normalize_columns`);
    only the rows that path leaves out get a dict and :func:`normalize`.
    """
    if check_file(path) != "parquet":
        for number, raw in read_rows(path):
            yield number, _normalize(raw, source)
        return
    number = 0
    try:
        for columns, rows in _parquet_batches(path):
            records = normalize_columns(columns, rows, source)
            for i, record in enumerate(records):
                if record is None:
                    raw = {name: values[i] for name, values in columns.items()}
                    yield number + i + 1, _normalize(raw, source)
                else:
                    yield number + i + 1, record
            number += rows
    except (OSError, pa.ArrowException) as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None


def _normalize(raw: Any, source: str) -> ImportRecord | BadRow:
    if isinstance(raw, BadRow):
        return raw
    try:
        return normalize(raw, source=source)
    except BadRow as exc:
        return exc


def _column_values(name: str, col: pa.Array) -> list[Any]:
    """Python values of one column; conversations and style counts without per-cell dicts.

    ``to_pylist`` on list<struct> builds a dict per message, which dominated
    the import time; here a conversation is a list of (role, content) tuples.
    """
    t = col.type
    if pa.types.is_list(t) and pa.types.is_struct(t.value_type):
        fields = {t.value_type.field(i).name for i in range(t.value_type.num_fields)}
        content = t.value_type.field("content").type if "content" in fields else None
        # Only plain (role, string content) messages take the fast path; typed parts
        # and num_tokens (100k, 140k shapes) come as dicts.
        if fields == {"role", "content"} and content is not None and pa.types.is_string(content):
            values = col.values
            pairs = list(
                zip(
                    values.field("role").to_pylist(),
                    values.field("content").to_pylist(),
                    strict=True,
                )
            )
            offsets = col.offsets.to_pylist()
            out = [pairs[a:b] for a, b in pairwise(offsets)]
            if col.null_count:
                out = [
                    v if ok else None for v, ok in zip(out, col.is_valid().to_pylist(), strict=True)
                ]
            return out
    if pa.types.is_timestamp(t) and t.unit != "ns":
        # UTC-aware datetimes with the standard library's UTC (pyarrow's own tzinfo
        # would send every value through a slower conversion later)
        naive = col.cast(pa.timestamp(t.unit)).to_pylist()
        return [None if v is None else v.replace(tzinfo=UTC) for v in naive]
    return col.to_pylist()


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
