"""The votes files of a path, streamed a record batch at a time, and ids read again.

A path is a file or a directory of them (a release directory's JSON metadata is not
votes). Parquet is read a row group at a time and only the columns asked for; JSON
Lines and CSV in large blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from arena.data.vote_columns import vote_ids
from arena.errors import InvalidInput

__all__ = ["iter_batches", "repeated_rows", "votes_files"]

ONE_HOT = ("winner_model_a", "winner_model_b", "winner_tie")
# Every column a shape may keep its ids in (arena.data.shapes).
ID_COLUMNS = ["id", "question_id", "conversation_id", "system_a_metadata"]
SUFFIXES = (".parquet", ".pq", ".jsonl", ".json", ".ndjson", ".csv")
# A release directory also holds these JSON files; they describe the votes, they are not votes.
RELEASE_METADATA = {"leaderboard.json", "MANIFEST.json"}


def votes_files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        files = sorted(
            f
            for f in p.rglob("*")
            if f.is_file() and f.suffix.lower() in SUFFIXES and f.name not in RELEASE_METADATA
        )
        if not files:
            raise InvalidInput(f"no votes files ({', '.join(SUFFIXES)}) in {p}")
        return files
    if not p.exists():
        raise InvalidInput(f"votes file not found: {p}")
    if p.suffix.lower() not in SUFFIXES:
        raise InvalidInput(f"unsupported votes file type {p.suffix!r}; use Parquet, JSONL or CSV")
    return [p]


def iter_batches(
    path: str | Path, batch_size: int = 1 << 17, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Stream record batches from a file or every votes file under a directory.

    ``columns`` limits what Parquet files read (missing ones are skipped);
    JSONL and CSV are parsed whole and yield every column.
    """
    wanted = wanted_columns() if columns is None else columns
    for f in votes_files(path):
        suffix = f.suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                import pyarrow.parquet as pq

                names = set(pq.read_schema(f).names)
                dictionary = [c for c in ("model_a", "model_b", "winner") if c in names]
                # No pre-buffering: it holds every row group's columns at once (peak
                # memory grew with the file); one thread: the decode is not worth two.
                pf = pq.ParquetFile(f, read_dictionary=dictionary, pre_buffer=False)
                cols = [c for c in wanted if c in names]
                yield from pf.iter_batches(batch_size=batch_size, columns=cols, use_threads=False)
            elif suffix == ".csv":
                import pyarrow.csv as pcsv

                reader = pcsv.open_csv(
                    f,
                    read_options=pcsv.ReadOptions(block_size=64 << 20),
                    parse_options=pcsv.ParseOptions(newlines_in_values=True),
                )
                yield from reader
            else:
                import pyarrow.json as pj

                opts = pj.ReadOptions(block_size=64 << 20)
                if hasattr(pj, "open_json"):
                    yield from pj.open_json(f, read_options=opts)
                else:  # older pyarrow: whole file, then batches
                    yield from pj.read_json(f, read_options=opts).to_batches(batch_size)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidInput(f"cannot read {f}: {exc}") from None


def wanted_columns() -> list[str]:
    return [
        "model_a",
        "model_b",
        "winner",
        *ONE_HOT,
        "anony",
        "flagged",
        "is_flagged",
        "timestamp",
        "tstamp",
        "category_tag",
        "is_code",
        "language",
        "conv_metadata",
        "dedup_tag",
    ]


def repeated_rows(
    h0_parts: list[np.ndarray], path: str | Path, batch_size: int
) -> np.ndarray | None:
    """Rows whose id appeared on an earlier row; None when every id is new.

    Candidates are rows sharing the first 64-bit lane of the id hash (one sort); the
    file's ids are read again only for those rows, so a repeat is decided on the id
    itself and a hash collision never drops a vote.
    """
    s = np.concatenate(h0_parts) if h0_parts else np.zeros(0, np.uint64)
    s.sort()  # in place: one copy of the lane, not two
    same = s[1:] == s[:-1]
    if not same.any():
        return None
    values = s[1:][same]
    del s
    h0 = np.concatenate(h0_parts)
    candidates = np.flatnonzero(np.isin(h0, values))
    ids = _ids_at(path, candidates, batch_size)
    repeat = np.zeros(h0.size, dtype=bool)
    seen: set[str] = set()
    for row, vote_id in zip(candidates.tolist(), ids, strict=True):
        if vote_id in seen:
            repeat[row] = True
        seen.add(vote_id)
    return repeat if repeat.any() else None


def _ids_at(path: str | Path, rows: np.ndarray, batch_size: int) -> list[str]:
    """The ids of the given rows (ascending row numbers), read again from the file."""
    out: list[str] = []
    start = 0
    for batch in iter_batches(path, batch_size, ID_COLUMNS):
        lo, hi = np.searchsorted(rows, [start, start + batch.num_rows])
        if hi > lo:
            ids = vote_ids(batch)
            out += ids.take(pa.array(rows[lo:hi] - start)).to_pylist()  # type: ignore[union-attr]
        start += batch.num_rows
    return out


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetched(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """The same batches, read ahead in a thread.

    Arrow decodes the next row group without holding the GIL while this thread
    tallies the current one, so on two cores the read mostly hides behind the work.
    An error reading is raised here, where the batch would have been.
    """
    import queue
    import threading

    ahead: queue.Queue = queue.Queue(maxsize=depth)
    end = object()
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                ahead.put(batch)
        except BaseException as exc:
            ahead.put(_Failed(exc))
            return
        ahead.put(end)

    worker = threading.Thread(target=read, name="votes-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = ahead.get()
            if item is end:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let a blocked put finish so the thread can end
            try:
                ahead.get_nowait()
            except queue.Empty:
                worker.join(0.01)
