"""Benchmark of the ratings engine on synthetic votes with known true strengths.

Usage::

    .venv/bin/python bench/ratings.py                      # K = 100, 200; N = 1e6, 1e7
    .venv/bin/python bench/ratings.py --sizes 1e6 --models 100 --naive-rounds 3

Each (K, N) configuration runs in a fresh child process, so the reported peak
memory (ru_maxrss) is that configuration's alone; the votes are simulated and
written by a separate process, so the peak covers reading and rating only
(it is taken before the reference, which needs the votes in memory). For each it prints the
seconds to read a public-schema Parquet file, aggregate, fit, compute sandwich
intervals, and bootstrap 100 and 1,000 rounds, raw and style-controlled; then
accuracy against the truth (Spearman, mean absolute error, interval
coverage). The reference is FastChat's own method (per round: resample vote
rows, group them by pair and winner, fit a weighted scikit-learn logistic
regression on the groups); it runs at N = 1M in the same child for a few rounds
and is extrapolated per round, as stated in its output. The style targets
(board with sandwich intervals at 1M under 3 s; 100 bootstrap rounds under
10 s) are printed against the measured figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _write_parquet(sv, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.array(sv.models)
    code = np.where(sv.outcome == 1.0, 0, np.where(sv.outcome == 0.0, 1, 2)).astype(np.int8)

    def counts(side: int, col: int) -> pa.Array:
        style = sv.style_a if side == 0 else sv.style_b
        return pa.array(style[:, col].astype(np.int32))

    meta_fields, meta_names = [], []
    for side, s in ((0, "a"), (1, "b")):
        meta_fields += [
            counts(side, 0),
            pa.StructArray.from_arrays([counts(side, 1)], ["h1"]),
            pa.StructArray.from_arrays([counts(side, 2)], ["ordered"]),
            pa.StructArray.from_arrays([counts(side, 3)], ["**"]),
        ]
        meta_names += [
            f"sum_assistant_{s}_tokens",
            f"header_count_{s}",
            f"list_count_{s}",
            f"bold_count_{s}",
        ]
    table = pa.table(
        {
            "model_a": pa.DictionaryArray.from_arrays(pa.array(sv.ia.astype(np.int32)), names),
            "model_b": pa.DictionaryArray.from_arrays(pa.array(sv.ib.astype(np.int32)), names),
            "winner": pa.DictionaryArray.from_arrays(
                pa.array(code), pa.array(["model_a", "model_b", "tie"])
            ),
            "conv_metadata": pa.StructArray.from_arrays(meta_fields, meta_names),
        }
    )
    pq.write_table(table, path, row_group_size=1 << 20)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _cpu_timed(fn):
    """Wall and CPU seconds (on a shared machine the CPU figure is the steadier one)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _accuracy(board, sv) -> dict[str, float]:
    from scipy.stats import spearmanr

    truth = dict(zip(sv.models, sv.true_scores(), strict=True))
    est = np.array([r.score for r in board.rows])
    tru = np.array([truth[r.model] for r in board.rows])
    cover = np.mean(
        [r.ci_lower is not None and r.ci_lower <= truth[r.model] <= r.ci_upper for r in board.rows]
    )
    return {
        "spearman": float(spearmanr(est, tru).statistic),
        "mae": float(np.mean(np.abs(est - tru))),
        "coverage": float(cover),
    }


def _grouped_reference(sv, rounds: int, seed: int = 0) -> dict[str, float | list[float]]:
    """FastChat's method, the honest reference: per round, resample vote rows, group them
    by (model A, model B, winner) and fit one weighted scikit-learn logistic regression
    on the groups (FastChat's ``compute_mle_elo`` groups with pandas; NumPy's bincount
    groups faster, so if anything this flatters the reference)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    k, n = len(sv.models), sv.outcome.size
    code = np.where(sv.outcome == 1.0, 0, np.where(sv.outcome == 0.0, 1, 2))

    def fit(ia, ib, c):
        cells = np.bincount((ia * k + ib) * 3 + c, minlength=k * k * 3).reshape(k * k, 3)
        # Ties count half a win each way, as in FastChat (a tie row for each side).
        pair = np.flatnonzero(cells.sum(axis=1) > 0)
        a, b = pair // k, pair % k
        wins = cells[pair, 0] + 0.5 * cells[pair, 2]
        losses = cells[pair, 1] + 0.5 * cells[pair, 2]
        m = pair.size
        rows = np.concatenate([np.arange(m), np.arange(m)])
        vals = np.concatenate([np.ones(m), -np.ones(m)])
        x1 = csr_matrix((vals, (rows, np.concatenate([a, b]))), shape=(m, k))
        from scipy.sparse import vstack

        x = vstack([x1, x1]).tocsr()
        y = np.concatenate([np.ones(m), np.zeros(m)]).astype(int)
        w = np.concatenate([wins, losses])
        nz = w > 0
        lr = LogisticRegression(fit_intercept=False, C=1e6, tol=1e-8, max_iter=1000)
        lr.fit(x[nz][:, 1:], y[nz], sample_weight=w[nz])
        theta = np.concatenate([[0.0], lr.coef_[0]])
        return 1000 + (theta - theta.mean()) * 400 / np.log(10)

    from arena.ratings import PairCounts, fit_bradley_terry

    full, t_fit = _timed(lambda: fit(sv.ia, sv.ib, code))
    rng = np.random.default_rng(seed)
    reps, same = [], []
    spent = 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        idx = rng.integers(0, n, n)
        reps.append(fit(sv.ia[idx], sv.ib[idx], code[idx]))
        spent += time.perf_counter() - t0
        # Our engine on the very same resample, for a like-for-like comparison.
        pc = PairCounts.from_indices(sv.models, sv.ia[idx], sv.ib[idx], sv.outcome[idx])
        same.append(fit_bradley_terry(pc))
    per_round = spent / max(rounds, 1)
    if rounds >= 2:
        a = np.percentile(np.array(reps), [2.5, 97.5], axis=0)
        b = np.percentile(np.array(same), [2.5, 97.5], axis=0)
        same_ci = float(np.max(np.abs(a - b)))
        same_score = float(np.max(np.abs(np.array(reps) - np.array(same))))
    else:
        same_ci = same_score = float("nan")
    return {
        "same_resamples_max_score_diff": same_score,
        "same_resamples_max_ci_diff": same_ci,
        "fit_s": t_fit,
        "per_round_s": per_round,
        "rounds_run": rounds,
        "scores": full.tolist(),
        "reps": np.array(reps).tolist(),
    }


def write_one(k: int, n: int, path: Path, seed: int) -> None:
    """Simulate and write the Parquet file (own process: keeps its memory out of the peak)."""
    from arena.ratings.synthetic import simulate_votes

    sv = simulate_votes(k, n, seed=seed, spread=0.8, with_style=True)
    _write_parquet(sv, path)
    np.save(path.with_suffix(".theta.npy"), sv.theta)


class _Truth:
    """What the accuracy figures need from the simulation."""

    def __init__(self, models: list[str], theta: np.ndarray) -> None:
        self.models = models
        self.theta = theta

    def true_scores(self) -> np.ndarray:
        return 1000 + (self.theta - self.theta.mean()) * 400 / np.log(10)


def run_one(k: int, n: int, args: argparse.Namespace) -> dict:
    from arena.data import read_votes
    from arena.ratings import build_leaderboard, build_style_leaderboard
    from arena.ratings.bt import fit_theta
    from arena.ratings.intervals import bootstrap_theta, sandwich_cov
    from arena.ratings.style import fit_style, style_bootstrap_beta

    out: dict = {"K": k, "N": n}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "votes.parquet"
        cmd = [
            sys.executable,
            __file__,
            "--write",
            str(k),
            str(n),
            str(path),
            f"--seed={args.seed}",
        ]
        _, out["simulate_and_write_s"] = _timed(lambda: subprocess.run(cmd, check=True))
        out["file_mb"] = path.stat().st_size / 1e6
        sv = _Truth([f"model-{i:04d}" for i in range(k)], np.load(path.with_suffix(".theta.npy")))
        table, out["read_s"] = _timed(lambda: read_votes(path))
        counts, out["aggregate_s"] = _timed(table.pair_counts)
        wa, wb = counts.half_win_weights()
        theta, out["fit_s"] = _timed(lambda: fit_theta(counts.a, counts.b, wa, wb, counts.n_models))
        _, out["sandwich_s"] = _timed(lambda: sandwich_cov(counts, theta))
        board_s, out["board_sandwich_s"] = _timed(
            lambda: build_leaderboard(counts, interval="sandwich")
        )
        out["raw_board_from_parquet_s"] = (
            out["read_s"] + out["aggregate_s"] + out["board_sandwich_s"]
        )
        _, out["bootstrap100_s"] = _timed(lambda: bootstrap_theta(counts, theta, rounds=100))
        if args.rounds_1000:
            _, out["bootstrap1000_s"] = _timed(lambda: bootstrap_theta(counts, theta, rounds=1000))
        board_b = build_leaderboard(counts, rounds=100, seed=args.seed)
        out["accuracy_bootstrap"] = _accuracy(board_b, sv)
        out["accuracy_sandwich"] = _accuracy(board_s, sv)
        del table
        # Style control: read the style counts too, then fit with sandwich intervals.
        stable, out["style_read_s"] = _timed(lambda: read_votes(path, style=True))
        sdata, out["style_prepare_s"] = _timed(stable.style_data)
        del stable
        sboard, out["style_board_sandwich_s"], out["style_board_sandwich_cpu_s"] = _cpu_timed(
            lambda: build_style_leaderboard(
                None, None, None, None, None, data=sdata, interval="sandwich"
            )
        )
        out["style_board_from_parquet_s"] = (
            out["style_read_s"] + out["style_prepare_s"] + out["style_board_sandwich_s"]
        )
        out["accuracy_style_sandwich"] = _accuracy(sboard, sv)
        if args.style_rounds:
            r = args.style_rounds
            beta = fit_style(sdata)
            _, t, cpu = _cpu_timed(
                lambda: style_bootstrap_beta(sdata, beta, rounds=r, seed=args.seed)
            )
            out["style_bootstrap_rounds_run"] = r
            out["style_bootstrap_per_round_s"] = t / r
            out["style_bootstrap_per_round_cpu_s"] = cpu / r
            out["style_bootstrap100_s_extrapolated"] = 100 * t / r
        sdata = None  # free before the reference
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_avg"] = os.getloadavg()[0]
    if n <= args.naive_max_n and args.naive_rounds:
        from arena.ratings.synthetic import simulate_votes

        # Same seed, same votes as the file (simulated again, after the peak was taken).
        sv = simulate_votes(k, n, seed=args.seed, spread=0.8, with_style=True)
        nv = _grouped_reference(sv, args.naive_rounds, seed=args.seed)
        ours = np.array([board_b.scores()[m] for m in sv.models])
        out["naive_fit_s"] = nv["fit_s"]
        out["naive_per_round_s"] = nv["per_round_s"]
        out["naive_rounds_run"] = nv["rounds_run"]
        out["same_resamples_max_score_diff"] = nv["same_resamples_max_score_diff"]
        out["same_resamples_max_ci_diff"] = nv["same_resamples_max_ci_diff"]
        out["naive_board100_s_extrapolated"] = nv["fit_s"] + 100 * nv["per_round_s"]
        out["naive_vs_ours_max_score_diff"] = float(np.max(np.abs(np.array(nv["scores"]) - ours)))
        ours_board = out["aggregate_s"] + out["fit_s"] + out["bootstrap100_s"]
        out["speedup_vs_naive_board100"] = out["naive_board100_s_extrapolated"] / ours_board
        # Intervals: each of our rounds is an exact refit of a multinomial resample (tested);
        # compare widths with the naive rounds run (Monte Carlo noise dominates when few).
        if nv["rounds_run"] >= 20:
            lo, hi = np.percentile(np.array(nv["reps"]), [2.5, 97.5], axis=0)
            rows = {r.model: r for r in board_b.rows}
            out["naive_vs_ours_max_ci_diff"] = float(
                max(
                    max(abs(rows[m].ci_lower - lo[i]), abs(rows[m].ci_upper - hi[i]))
                    for i, m in enumerate(sv.models)
                )
            )
    return out


def fingerprint(n: int) -> dict:
    """``vote_set_sha256`` of n votes: the bulk path over Arrow buffers (id hash lanes,
    pair sums) against the one-vote-at-a-time Python path the live board uses."""
    import pyarrow as pa

    from arena.data.vote_digest import PairSums, add_votes, id_lanes, limbs_to_int

    rng = np.random.default_rng(0)
    ids = pa.array([f"{i:08x}-vote" for i in range(n)])
    names = [f"model-{i:04d}" for i in range(100)]
    winners = ["model_a", "model_b", "tie"]
    a = rng.integers(0, 100, n)
    b = (a + rng.integers(1, 100, n)) % 100
    w = rng.integers(0, 3, n)
    c0 = time.process_time()
    sums = PairSums()
    sums.add(names, id_lanes(ids), a, b, w)
    new = limbs_to_int(sums.pairs()[2])
    new_s = time.process_time() - c0
    votes = zip(ids.to_pylist(), (names[i] for i in a), (names[i] for i in b),
                (winners[i] for i in w), strict=True)  # fmt: skip
    c0 = time.process_time()
    old = add_votes(0, votes)
    old_s = time.process_time() - c0
    assert new == old
    return {"n": n, "new_cpu_s": new_s, "reference_cpu_s": old_s}


def coverage(args: argparse.Namespace) -> dict:
    """Interval coverage of the true scores over repeated seeds (K=100, N=200k)."""
    from arena.ratings import PairCounts, build_leaderboard
    from arena.ratings.synthetic import simulate_votes

    res: dict[str, list[float]] = {"bootstrap": [], "sandwich": []}
    for s in range(args.coverage_seeds):
        sv = simulate_votes(100, 200_000, seed=10_000 + s, spread=0.8)
        counts = PairCounts.from_indices(sv.models, sv.ia, sv.ib, sv.outcome)
        for kind in res:
            board = build_leaderboard(counts, interval=kind, rounds=100, seed=s)
            res[kind].append(_accuracy(board, sv)["coverage"])
    return {k: {"mean": float(np.mean(v)), "min": float(np.min(v))} for k, v in res.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", default="1e6,1e7", help="comma-separated vote counts")
    p.add_argument("--models", default="100,200", help="comma-separated model counts K")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--naive-rounds", type=int, default=3, help="grouped-reference rounds actually run"
    )
    p.add_argument("--naive-max-n", type=float, default=1e6)
    p.add_argument("--style-rounds", type=int, default=5, help="style bootstrap rounds run")
    p.add_argument("--no-1000", dest="rounds_1000", action="store_false")
    p.add_argument("--coverage-seeds", type=int, default=20)
    p.add_argument("--one", nargs=2, type=float, metavar=("K", "N"), help=argparse.SUPPRESS)
    p.add_argument("--coverage-only", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--write", nargs=3, metavar=("K", "N", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.write:
        write_one(int(args.write[0]), int(args.write[1]), Path(args.write[2]), args.seed)
        return
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), int(args.one[1]), args)))
        return
    if args.coverage_only:
        print(json.dumps(coverage(args)))
        return
    passthrough = [
        f"--seed={args.seed}",
        f"--naive-rounds={args.naive_rounds}",
        f"--naive-max-n={args.naive_max_n}",
        f"--style-rounds={args.style_rounds}",
        f"--coverage-seeds={args.coverage_seeds}",
    ] + ([] if args.rounds_1000 else ["--no-1000"])
    for k in [int(float(x)) for x in args.models.split(",")]:
        for n in [int(float(x)) for x in args.sizes.split(",")]:
            cmd = [sys.executable, __file__, "--one", str(k), str(n), *passthrough]
            res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            _report(res)
    fp = fingerprint(int(float(args.sizes.split(",")[0])))
    print(
        f"fingerprint of {fp['n']:,} votes: {fp['new_cpu_s']:.2f}s CPU, per-vote Python "
        f"reference {fp['reference_cpu_s']:.2f}s CPU "
        f"({fp['reference_cpu_s'] / fp['new_cpu_s']:.1f}x), same hash"
    )
    if args.coverage_seeds:
        cmd = [sys.executable, __file__, "--coverage-only", *passthrough]
        cov = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print(
            f"coverage over {args.coverage_seeds} seeds (K=100, N=200k, 95% intervals): "
            + ", ".join(f"{k} mean {v['mean']:.3f} (min {v['min']:.3f})" for k, v in cov.items())
        )


def _report(r: dict) -> None:
    def f(key: str) -> str:
        return f"{r[key]:.2f}s" if key in r else "-"

    head = f"== K={r['K']} N={r['N']:,}  (file {r['file_mb']:.0f} MB"
    print(f"{head}, peak RSS {r['peak_rss_mb']:.0f} MB, load avg {r['load_avg']:.1f})")
    print(
        f"  raw: read {f('read_s')} aggregate {f('aggregate_s')} fit {f('fit_s')} "
        f"sandwich {f('sandwich_s')} | board+sandwich from Parquet "
        f"{f('raw_board_from_parquet_s')}"
    )
    print(f"  raw bootstrap: 100 rounds {f('bootstrap100_s')}, 1000 rounds {f('bootstrap1000_s')}")
    print(
        f"  style: read {f('style_read_s')} prepare {f('style_prepare_s')} "
        f"fit+sandwich {f('style_board_sandwich_s')} | from Parquet "
        f"{f('style_board_from_parquet_s')}"
    )
    if "style_bootstrap_per_round_s" in r:
        per, run = r["style_bootstrap_per_round_s"], r["style_bootstrap_rounds_run"]
        cpu = r["style_bootstrap_per_round_cpu_s"]
        print(
            f"  style bootstrap: {per:.3f}s/round ({run} run) -> 100 rounds "
            f"{100 * per:.1f}s wall, {100 * cpu:.1f}s CPU (target < 10 s at 1M)"
        )
    if "style_board_sandwich_s" in r:
        print(
            f"  style board with sandwich intervals: {r['style_board_sandwich_s']:.2f}s wall "
            f"({r['style_board_sandwich_cpu_s']:.2f}s CPU) from encoded votes, "
            f"{r['style_board_from_parquet_s']:.2f}s wall from Parquet (target < 3 s)"
        )
    for key in ("accuracy_bootstrap", "accuracy_sandwich", "accuracy_style_sandwich"):
        a = r[key]
        print(
            f"  {key}: spearman {a['spearman']:.4f} MAE {a['mae']:.2f} coverage {a['coverage']:.2f}"
        )
    if "naive_per_round_s" in r:
        print(
            "  grouped reference (FastChat: resample rows, group by pair and winner, weighted"
            f" sklearn logistic regression; {r['naive_rounds_run']} rounds run, extrapolated):"
            f" fit {r['naive_fit_s']:.2f}s + {r['naive_per_round_s']:.2f}s/round"
            f" -> board with 100 rounds {r['naive_board100_s_extrapolated']:.0f}s"
        )
        ci = r.get("naive_vs_ours_max_ci_diff")
        print(
            f"  ours {r['speedup_vs_naive_board100']:.0f}x faster (aggregate+fit+100 rounds); "
            f"max |score diff| {r['naive_vs_ours_max_score_diff']:.4f}"
            + (f"; max |CI bound diff| {ci:.2f} (Monte Carlo noise)" if ci is not None else "")
        )
        print(
            "  on the reference rounds' own resamples: max |score diff| "
            f"{r['same_resamples_max_score_diff']:.4f}, max |CI bound diff| "
            f"{r['same_resamples_max_ci_diff']:.4f}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
