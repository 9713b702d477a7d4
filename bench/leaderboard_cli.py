"""``arena leaderboard`` on a big votes file against arena-rank, whole processes, same run.

Usage::

    .venv/bin/python bench/leaderboard_cli.py [--votes 5e6] [--models 100] [--runs 3]
        [--arena-rank-python /path/to/venv/bin/python]

Writes a Parquet votes file (``model_a``, ``model_b``, ``winner``, dictionary
encoded, as ``bench/ratings.py`` writes them; no ``id`` column, so no fingerprint
is computed), then times, alternating, the whole ``arena leaderboard --votes FILE
--format json`` process (start-up and imports included) and a whole process that
does the same with arena-rank (LMArena's package: pandas ``read_parquet``,
``PairDataset.from_pandas``, ``BradleyTerry.compute_ratings_and_cis`` with its
default sandwich intervals, JSON out). Targets (issue 18): at least 10x faster
than arena-rank, and under 2 s.

arena-rank pins ``numpy==2.3.3`` and needs JAX, pandas and ``datasets``, so it
cannot share Arena's environment (that would downgrade NumPy); install it in a
separate one and pass its interpreter::

    python -m venv /tmp/arvenv && /tmp/arvenv/bin/pip install arena-rank pyarrow
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ARENA = str(Path(sys.executable).parent / "arena")
ARENA_RANK_SCRIPT = """
import json, sys
import pandas as pd
from arena_rank.models.bradley_terry import BradleyTerry
from arena_rank.utils.data_utils import PairDataset
df = pd.read_parquet(sys.argv[1], columns=["model_a", "model_b", "winner"])
for col in ("model_a", "model_b", "winner"):
    df[col] = df[col].astype(str)
data = PairDataset.from_pandas(df)
model = BradleyTerry(n_competitors=len(data.competitors))
out = model.compute_ratings_and_cis(data)
rows = [
    {"model": m, "score": float(s), "ci_lower": float(lo), "ci_upper": float(hi)}
    for m, s, lo, hi in zip(
        out["competitors"], out["ratings"], out["rating_lower"], out["rating_upper"]
    )
]
print(json.dumps({"models": rows}))
"""


def write_votes(path: Path, n: int, k: int, seed: int = 0) -> None:
    """Synthetic votes with planted strengths (dictionary-encoded columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 0.8, k)
    ia = rng.integers(0, k, n)
    ib = (ia + rng.integers(1, k, n)) % k
    p = 1 / (1 + np.exp(-(theta[ia] - theta[ib])))
    u = rng.random(n)
    code = np.where(u < 0.1, 2, np.where(u < 0.1 + 0.9 * p, 0, 1)).astype(np.int8)
    names = pa.array([f"model-{i:04d}" for i in range(k)])
    table = pa.table(
        {
            "model_a": pa.DictionaryArray.from_arrays(pa.array(ia.astype(np.int32)), names),
            "model_b": pa.DictionaryArray.from_arrays(pa.array(ib.astype(np.int32)), names),
            "winner": pa.DictionaryArray.from_arrays(
                pa.array(code), pa.array(["model_a", "model_b", "tie"])
            ),
        }
    )
    pq.write_table(table, path, row_group_size=1 << 20)


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of the whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _arena_rank_python(given: str | None) -> str | None:
    candidates = [given] if given else [sys.executable]
    for py in candidates:
        probe = subprocess.run([py, "-c", "import arena_rank"], capture_output=True)
        if probe.returncode == 0:
            return py
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=float, default=5e6)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--arena-rank-python", default=None)
    args = parser.parse_args()
    n = int(args.votes)
    env = {**os.environ}
    rank_py = _arena_rank_python(args.arena_rank_python)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "votes.parquet"
        write_votes(path, n, args.models)
        print(
            f"{n:,} votes, {args.models} models, {path.stat().st_size / 1e6:.0f} MB Parquet; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        ours_cmd = [ARENA, "leaderboard", "--votes", str(path), "--format", "json"]
        sandwich_cmd = [*ours_cmd, "--interval", "sandwich"]
        times: dict[str, list[tuple[float, float]]] = {
            "ours": [],
            "ours_sandwich": [],
            "arena_rank": [],
        }
        for _ in range(args.runs):
            times["ours"].append(_time(ours_cmd, env))
            times["ours_sandwich"].append(_time(sandwich_cmd, env))
            if rank_py:
                times["arena_rank"].append(
                    _time([rank_py, "-c", ARENA_RANK_SCRIPT, str(path)], env)
                )
    # Best wall time of the runs, and the CPU seconds of that run: on a shared machine
    # the wall clock mostly measures the other tenants, the CPU figure the work done.
    best = {k: min(v) for k, v in times.items() if v}
    wall = {k: v[0] for k, v in best.items()}
    cpu = {k: v[1] for k, v in best.items()}
    print(
        f"arena leaderboard --format json (bootstrap, 100 rounds): best of {args.runs} "
        f"{wall['ours']:.2f}s wall, {cpu['ours']:.2f}s CPU (target < 2 s)"
    )
    print(
        "arena leaderboard --format json --interval sandwich: "
        f"{wall['ours_sandwich']:.2f}s wall, {cpu['ours_sandwich']:.2f}s CPU"
    )
    if "arena_rank" in best:
        print(
            f"arena-rank whole process (sandwich intervals): {wall['arena_rank']:.2f}s wall, "
            f"{cpu['arena_rank']:.2f}s CPU"
        )
        for label, key in (("100 bootstrap rounds", "ours"), ("sandwich", "ours_sandwich")):
            print(
                f"ratio arena-rank / ours ({label}): {wall['arena_rank'] / wall[key]:.1f}x wall,"
                f" {cpu['arena_rank'] / cpu[key]:.1f}x CPU (target >= 10x)"
            )
    else:
        print("arena-rank not importable here: pass --arena-rank-python (see the docstring)")


if __name__ == "__main__":
    main()
