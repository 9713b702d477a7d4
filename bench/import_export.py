"""Benchmark: import N synthetic battles into a fresh SQLite store, then export them.

Each phase runs in its own process so its peak RSS (``resource.getrusage``) is
its own. The issue's target: 1M battles imported in under 2 minutes and under
1 GB of memory. Each phase is printed as a ratio against a reference run in the
same run on the same rows: for import, pyarrow reading the file plus a plain
SQLite ``executemany`` of the rows into one table (same WAL and synchronous=FULL,
no normalisation); for export, pyarrow writing the same rows to Parquet.

Usage: .venv/bin/python bench/import_export.py [--battles 1000000] [--dir /tmp/arena-bench]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CHUNK = 100_000
MODELS = [f"model-{i:02d}" for i in range(40)]
WINNERS = ["model_a", "model_b", "tie", "both_bad"]
# A minimal votes file in the 100k release's shape (string message content, turn, anony):
# the most common input, and the importer's fast path.
_MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("conversation_a", pa.list_(_MESSAGE)),
        ("conversation_b", pa.list_(_MESSAGE)),
        ("turn", pa.int32()),
        ("anony", pa.bool_()),
        ("language", pa.string()),
        ("timestamp", pa.timestamp("us", tz="UTC")),
    ]
)


def generate(path: Path, n: int, seed: int = 0) -> None:
    """One short turn per battle, random pairs and outcomes, increasing timestamps."""
    rng = np.random.default_rng(seed)
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1e6)
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
        for lo in range(0, n, CHUNK):
            k = min(CHUNK, n - lo)
            a = rng.integers(0, len(MODELS), k)
            b = (a + rng.integers(1, len(MODELS), k)) % len(MODELS)
            w = rng.integers(0, 4, k)
            rows = {
                "id": [f"syn-{i:08d}" for i in range(lo, lo + k)],
                "model_a": [MODELS[i] for i in a],
                "model_b": [MODELS[i] for i in b],
                "winner": [WINNERS[i] for i in w],
                "conversation_a": [
                    [
                        {"role": "user", "content": f"Question {i}?"},
                        {"role": "assistant", "content": f"**Answer** {i} from A."},
                    ]
                    for i in range(lo, lo + k)
                ],
                "conversation_b": [
                    [
                        {"role": "user", "content": f"Question {i}?"},
                        {"role": "assistant", "content": f"- answer {i} from B"},
                    ]
                    for i in range(lo, lo + k)
                ],
                "turn": [1] * k,
                "anony": [True] * k,
                "language": ["English"] * k,
                "timestamp": pa.array(
                    start + np.arange(lo, lo + k, dtype=np.int64) * 1_000_000,
                    pa.timestamp("us", tz="UTC"),
                ),
            }
            writer.write_table(pa.table(rows, schema=SCHEMA))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _cpu() -> float:
    """CPU seconds of this process: on a shared machine, a steadier figure than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _import(url: str, path: Path, out: mp.Queue) -> None:
    from arena.data.importer import import_files
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(url)
    migrate.upgrade(engine)
    t0 = time.perf_counter()
    report = import_files(engine, [path])
    out.put((time.perf_counter() - t0, _peak_mb(), report.imported, report.bad_count, _cpu()))


def _export(url: str, folder: Path, out: mp.Queue) -> None:
    from arena.data.export import ExportOptions, export_votes
    from arena.store.engine import create_store_engine

    engine = create_store_engine(url)
    t0 = time.perf_counter()
    result = export_votes(engine, folder, ExportOptions())
    out.put((time.perf_counter() - t0, _peak_mb(), result.rows, 0, _cpu()))


def _reference_import(path: Path, db_file: Path, out: mp.Queue) -> None:
    """The floor for import: read with pyarrow, insert the rows into one SQLite table."""
    import json
    import sqlite3

    t0 = time.perf_counter()
    conn = sqlite3.connect(db_file)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE votes (id TEXT PRIMARY KEY, model_a TEXT, model_b TEXT, winner TEXT,"
        " conversation_a TEXT, conversation_b TEXT, ts INTEGER)"
    )
    rows = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=50_000):
        cols = batch.to_pydict()
        conn.executemany(
            "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(
                cols["id"],
                cols["model_a"],
                cols["model_b"],
                cols["winner"],
                map(json.dumps, cols["conversation_a"]),
                map(json.dumps, cols["conversation_b"]),
                (int(t.timestamp()) for t in cols["timestamp"]),
                strict=True,
            ),
        )
        conn.commit()
        rows += batch.num_rows
    conn.close()
    out.put((time.perf_counter() - t0, _peak_mb(), rows, 0, _cpu()))


def _reference_export(path: Path, folder: Path, out: mp.Queue) -> None:
    """The floor for export: pyarrow writing the same rows to Parquet."""
    t0 = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    table = pq.read_table(path)
    pq.write_table(table, folder / "reference.parquet", compression="zstd")
    out.put((time.perf_counter() - t0, _peak_mb(), table.num_rows, 0, _cpu()))


def _run(target, *args: object) -> tuple[float, float, int, int, float]:
    queue: mp.Queue = mp.Queue()
    proc = mp.get_context("fork").Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/arena-bench"))
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    source = args.dir / "synthetic.parquet"
    t0 = time.perf_counter()
    generate(source, args.battles)
    print(f"generated {args.battles} battles in {time.perf_counter() - t0:.1f} s -> {source}")
    url = f"sqlite:///{args.dir / 'bench.db'}"
    ref_secs, ref_peak, _, _, _ = _run(_reference_import, source, args.dir / "reference.db")
    secs, peak, rows, bad, cpu = _run(_import, url, source)
    print(
        f"import: {rows} battles in {secs:.1f} s wall, {cpu:.1f} s CPU "
        f"({rows / secs:,.0f}/s), peak RSS {peak:.0f} MB"
    )
    print(
        f"    reference (pyarrow read + plain SQLite executemany, same rows): {ref_secs:.1f} s,"
        f" peak RSS {ref_peak:.0f} MB -> import takes {secs / ref_secs:.2f}x the reference"
    )
    ref_secs, ref_peak, _, _, _ = _run(_reference_export, source, args.dir / "reference")
    secs, peak, rows, _, cpu = _run(_export, url, args.dir / "export")
    print(
        f"export: {rows} battles in {secs:.1f} s wall, {cpu:.1f} s CPU "
        f"({rows / secs:,.0f}/s), peak RSS {peak:.0f} MB"
    )
    print(
        f"    reference (pyarrow writing the same rows): {ref_secs:.1f} s, peak RSS "
        f"{ref_peak:.0f} MB -> export takes {secs / ref_secs:.2f}x the reference"
    )
    db = args.dir / "bench.db"
    print(f"database size {db.stat().st_size / 2**20:.0f} MB")
    if bad:
        sys.exit(f"{bad} rows were rejected")


if __name__ == "__main__":
    main()
