"""``arena leaderboard --votes`` against arena-rank on a published-shape file, whole processes.

Usage::

    bash scripts/install_reference.sh          # arena-rank in .venv-reference (once)
    .venv/bin/python bench/leaderboard_cli.py [--votes 1e6 --votes 5e6] [--models 150]
        [--runs 3] [--dir /tmp/arena-bench] [--arena-rank-python PATH]

The file has the columns LMArena publishes (arena-human-preference-100k/140k): a
36-character ``id``, ``model_a``, ``model_b``, ``winner`` (with ``both_bad``),
``timestamp``, ``anony`` (5% named), ``language``, ``is_code`` and ``conv_metadata``
with the style counts; it is written once under ``--dir`` (not in the repository)
and reused. Each run times, interleaved and in a rotating order, whole processes:
``arena leaderboard --votes FILE --format json`` with sandwich and with 100
bootstrap rounds, and arena-rank doing the same (pandas ``read_parquet`` of the
columns it needs, anonymous votes, ``PairDataset.from_pandas``, ``BradleyTerry``
with sandwich intervals, or its bootstrap with 100 rounds). Like is compared with
like: sandwich with sandwich, bootstrap with bootstrap. Printed: wall and CPU
seconds (user + system, all threads) of the best run, and peak RSS of each process.

Targets (issue 23): >= 10x arena-rank at 5M in wall and CPU time, <= 1 s wall at 1M,
<= 0.5 GB peak at 5M.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ARENA = str(Path(sys.executable).parent / "arena")
REFERENCE_PYTHON = ROOT / ".venv-reference" / "bin" / "python"
ARENA_RANK_SCRIPT = """
import json, sys
import pandas as pd
from arena_rank.models.bradley_terry import BradleyTerry
from arena_rank.utils.data_utils import PairDataset
path, interval = sys.argv[1], sys.argv[2]
df = pd.read_parquet(path, columns=["model_a", "model_b", "winner", "anony"])
df = df[df["anony"]].drop(columns="anony")
for col in ("model_a", "model_b", "winner"):
    df[col] = df[col].astype(str)
data = PairDataset.from_pandas(df)
model = BradleyTerry(n_competitors=len(data.competitors))
if interval == "sandwich":
    out = model.compute_ratings_and_cis(data)
else:
    out = model.compute_ratings_and_cis(data, ci_method="bootstrap", num_bootstrap=100)
rows = [
    {"model": m, "score": float(s), "ci_lower": float(lo), "ci_upper": float(hi)}
    for m, s, lo, hi in zip(
        out["competitors"], out["ratings"], out["rating_lower"], out["rating_upper"]
    )
]
print(json.dumps({"models": rows}))
"""
STYLE_PARTS = {
    "header_count": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "list_count": ("ordered", "unordered"),
    "bold_count": ("**", "__"),
}


def _uuids(rng: np.random.Generator, n: int):
    """n random UUID strings (36 characters), built in bulk."""
    import pyarrow as pa

    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    nibbles = rng.integers(0, 16, (n, 32), dtype=np.uint8)
    chars = np.full((n, 36), ord("-"), dtype=np.uint8)
    cols = [c for c in range(36) if c not in (8, 13, 18, 23)]
    chars[:, cols] = hexdigits[nibbles]
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())]
    )


def _counts(rng: np.random.Generator, n: int, mean: float):
    import pyarrow as pa

    return pa.array(rng.poisson(mean, n).astype(np.int64))


def write_votes(path: Path, n: int, k: int, seed: int = 0) -> None:
    """Votes with planted strengths, in the published columns (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 0.8, k)
    names = np.array([f"provider-{i % 17}/model-{i:04d}-2025" for i in range(k)], dtype=object)
    schema_done = None
    writer = None
    step = 1 << 19
    for lo in range(0, n, step):
        m = min(step, n - lo)
        ia = rng.integers(0, k, m)
        ib = (ia + rng.integers(1, k, m)) % k
        p = 1 / (1 + np.exp(-(theta[ia] - theta[ib])))
        u = rng.random(m)
        a_won = np.where(u < 0.17 + 0.83 * p, "model_a", "model_b")
        winner = np.where(u < 0.07, "both_bad", np.where(u < 0.17, "tie", a_won))
        meta = {"sum_user_tokens": _counts(rng, m, 80), "turns": pa.array(np.ones(m, np.int64))}
        for side in ("a", "b"):
            meta[f"sum_assistant_{side}_tokens"] = _counts(rng, m, 600)
            meta[f"context_{side}_tokens"] = _counts(rng, m, 700)
            for field, parts in STYLE_PARTS.items():
                meta[f"{field}_{side}"] = pa.StructArray.from_arrays(
                    [_counts(rng, m, 1.5) for _ in parts], list(parts)
                )
        start = np.datetime64("2025-01-01T00:00:00", "us")
        seconds = np.sort(rng.integers(0, 300 * 86400, m))
        stamps = start + (seconds * 1_000_000).astype("timedelta64[us]")
        languages = np.array(["en", "zh", "ru", "de", "ja"])[rng.integers(0, 5, m)]
        table = pa.table(
            {
                "id": _uuids(rng, m),
                "model_a": pa.array(names[ia].tolist()),
                "model_b": pa.array(names[ib].tolist()),
                "winner": pa.array(winner.tolist()),
                "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                "anony": pa.array(rng.random(m) < 0.95),
                "language": pa.array(languages.tolist()),
                "is_code": pa.array(rng.random(m) < 0.2),
                "conv_metadata": pa.StructArray.from_arrays(list(meta.values()), list(meta)),
            }
        )
        if writer is None:
            schema_done = table.schema
            writer = pq.ParquetWriter(path, schema_done)
        writer.write_table(table, row_group_size=1 << 17)
    if writer is not None:
        writer.close()


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (GB) of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1e6


def _reference(given: str | None) -> str | None:
    for py in [given] if given else [str(REFERENCE_PYTHON)]:
        if py and Path(py).exists():
            probe = subprocess.run([py, "-c", "import arena_rank"], capture_output=True)
            if probe.returncode == 0:
                return py
    return None


Timings = dict[str, list[tuple[float, float, float]]]


def bench_file(path: Path, runs: int, rank_py: str | None) -> Timings:
    cmds = {
        "ours sandwich": [ARENA, "leaderboard", "--votes", str(path), "--format", "json",
                          "--interval", "sandwich"],
        "ours bootstrap": [ARENA, "leaderboard", "--votes", str(path), "--format", "json"],
    }  # fmt: skip
    if rank_py:
        cmds["arena-rank sandwich"] = [rank_py, "-c", ARENA_RANK_SCRIPT, str(path), "sandwich"]
        cmds["arena-rank bootstrap"] = [rank_py, "-c", ARENA_RANK_SCRIPT, str(path), "bootstrap"]
    names = list(cmds)
    times: Timings = {k: [] for k in names}
    for r in range(runs):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate the order
            times[name].append(_run(cmds[name]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=float, action="append")
    parser.add_argument("--models", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/arena-bench"))
    parser.add_argument("--arena-rank-python", default=None)
    args = parser.parse_args()
    rank_py = _reference(args.arena_rank_python)
    if rank_py is None:
        print("arena-rank not found: run `bash scripts/install_reference.sh` (ours only)")
    args.dir.mkdir(parents=True, exist_ok=True)
    for n in [int(v) for v in args.votes or [1e6, 5e6]]:
        path = args.dir / f"published-{n}-{args.models}.parquet"
        if not path.exists():
            write_votes(path.with_suffix(".tmp"), n, args.models)
            path.with_suffix(".tmp").rename(path)
        print(
            f"\n{n:,} votes, {args.models} models, {path.stat().st_size / 1e6:.0f} MB Parquet "
            f"({path}); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        times = bench_file(path, args.runs, rank_py)
        # Best wall time of the runs with that run's CPU; peak RSS the largest seen.
        best = {k: min(v) for k, v in times.items()}
        peak = {k: max(t[2] for t in v) for k, v in times.items()}
        for k, (wall, cpu, _) in best.items():
            print(f"  {k:22s} {wall:6.2f} s wall {cpu:6.2f} s CPU  peak {peak[k]:.2f} GB")
        for kind in ("sandwich", "bootstrap"):
            ref = best.get(f"arena-rank {kind}")
            if ref:
                ours = best[f"ours {kind}"]
                print(
                    f"  ratio arena-rank / ours ({kind}): {ref[0] / ours[0]:.1f}x wall, "
                    f"{ref[1] / ours[1]:.1f}x CPU (target >= 10x at 5M)"
                )
    print("targets: <= 1 s wall at 1M, <= 0.5 GB peak at 5M")


if __name__ == "__main__":
    main()
