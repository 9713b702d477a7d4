"""LMArena's 2025 board methods, each checked against an independent computation.

Reweighting is compared with arena-rank (numbers committed in a fixture, and recomputed
in a subprocess when the reference venv exists); rank spread and the lower-bound order
with a brute-force count; the rest with properties any correct board keeps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.ratings import PairCounts, build_leaderboard
from arena.ratings.intervals import rank_lower_bound, rank_upper_bound
from arena.ratings.leaderboard import order_rows

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "arena_rank_reweighted.json"
REFERENCE = ROOT / "tests" / "reference" / "arena_rank_reweighted.py"
REFERENCE_PYTHON = ROOT / ".venv-reference" / "bin" / "python"


def _fixture_counts(data: dict) -> PairCounts:
    a, b, w = [], [], []
    for model_a, model_b, winner, n in data["votes"]:
        a += [model_a] * n
        b += [model_b] * n
        w += [winner] * n
    return PairCounts.from_votes(a, b, w)


def _scores(counts: PairCounts, reweighted: bool) -> dict[str, float]:
    return build_leaderboard(counts, interval="sandwich", reweighted=reweighted).scores()


def test_reweighted_scores_match_arena_rank() -> None:
    data = json.loads(FIXTURE.read_text())
    counts = _fixture_counts(data)
    for key, reweighted in (("reweighted", True), ("plain", False)):
        ours = _scores(counts, reweighted)
        theirs = data["arena_rank"][key]
        assert ours.keys() == theirs.keys()
        assert max(abs(ours[m] - theirs[m]) for m in ours) < 0.01, key
    # The file is one where the choice matters: the two fits differ by whole points.
    plain, weighted = data["arena_rank"]["plain"], data["arena_rank"]["reweighted"]
    assert max(abs(plain[m] - weighted[m]) for m in plain) > 10


@pytest.mark.skipif(not REFERENCE_PYTHON.exists(), reason="needs .venv-reference with arena-rank")
def test_reweighted_scores_match_arena_rank_live(tmp_path: Path) -> None:
    """The committed numbers are arena-rank's own, as of the installed version."""
    out = subprocess.run(
        [str(REFERENCE_PYTHON), str(REFERENCE)], capture_output=True, text=True, check=True
    )
    live = json.loads(out.stdout)
    counts = _fixture_counts(live)
    ours = _scores(counts, True)
    theirs = live["arena_rank"]["reweighted"]
    assert max(abs(ours[m] - theirs[m]) for m in ours) < 0.01


def test_reweighting_is_on_the_json() -> None:
    counts = _fixture_counts(json.loads(FIXTURE.read_text()))
    body = build_leaderboard(counts, rounds=20, reweighted=True).to_json_obj("now")
    assert body["reweighted"] is True
    assert build_leaderboard(counts, rounds=20).to_json_obj("now")["reweighted"] is False


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(50, 400))
def test_equal_pair_counts_make_reweighting_a_no_op(seed: int, per_pair: int) -> None:
    """With every pair met equally often, every vote weighs the same: same scores, and
    the weighted bootstrap draws the same intervals as the plain one."""
    rng = np.random.default_rng(seed)
    models = ["a", "b", "c", "d"]
    a, b, w = [], [], []
    for i, x in enumerate(models):
        for y in models[i + 1 :]:
            a += [x] * per_pair
            b += [y] * per_pair
            w += rng.choice(["model_a", "model_b", "tie"], per_pair).tolist()
    counts = PairCounts.from_votes(a, b, w)
    plain = build_leaderboard(counts, rounds=20, seed=seed)
    weighted = build_leaderboard(counts, rounds=20, seed=seed, reweighted=True)
    for p, q in zip(plain.rows, weighted.rows, strict=True):
        assert p.model == q.model
        assert abs(p.score - q.score) < 1e-6
        if p.ci_lower is not None:
            assert abs(p.ci_lower - q.ci_lower) < 1e-4
            assert abs(p.ci_upper - q.ci_upper) < 1e-4


def test_reweighting_undoes_an_oversampled_pair() -> None:
    """Duplicating one pair's votes tenfold moves the plain fit, not the reweighted one
    (every pair then has over ``MIN_PAIR_COUNT`` votes, so its weight is 1/n). Compared
    as gaps from the mean: the displayed centre may change as vote counts do."""
    data = json.loads(FIXTURE.read_text())
    counts = _fixture_counts(data)
    pair = counts.models.index("alpha"), counts.models.index("bravo")
    grow = np.where((counts.a == min(pair)) & (counts.b == max(pair)), 10.0, 1.0)
    bigger = counts.scaled(grow)
    for reweighted, moves in ((True, False), (False, True)):
        before, after = _scores(counts, reweighted), _scores(bigger, reweighted)
        mean_before = np.mean(list(before.values()))
        mean_after = np.mean(list(after.values()))
        shift = max(abs((before[m] - mean_before) - (after[m] - mean_after)) for m in before)
        assert bool(shift > 1.0) is moves, (reweighted, shift)


# ---- rank spread and the lower-bound order ---------------------------------------

bounds = st.lists(st.tuples(st.floats(800, 1200), st.floats(0, 150)), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(bounds, st.integers(1, 3))
def test_rank_spread_matches_a_brute_force_count(pairs: list, groups: int) -> None:
    lower = np.array([lo for lo, _ in pairs])
    upper = lower + np.array([width for _, width in pairs])
    comp = np.arange(lower.size) % groups
    ub = rank_upper_bound(lower, upper, comp)
    lb = rank_lower_bound(lower, upper, comp)
    for i in range(lower.size):
        peers = [j for j in range(lower.size) if comp[j] == comp[i]]
        surely_above = sum(1 for j in peers if lower[j] > upper[i])
        surely_below = sum(1 for j in peers if upper[j] < lower[i])
        assert ub[i] == 1 + surely_above
        assert lb[i] == len(peers) - surely_below
        assert 1 <= ub[i] <= lb[i] <= len(peers)


def test_board_rows_carry_the_rank_spread_and_sort_by_lower_bound() -> None:
    counts = _fixture_counts(json.loads(FIXTURE.read_text()))
    rows = build_leaderboard(counts, interval="sandwich").to_dicts()
    for r in rows:
        assert r["rank_ub"] <= r["rank_lb"]
    by_lower = order_rows(rows, "lower")
    lows = [r["ci_lower"] for r in by_lower]
    assert lows == sorted(lows, reverse=True)
    assert {r["model"]: r["rank"] for r in by_lower} == {r["model"]: r["rank"] for r in rows}
    with pytest.raises(ValueError, match="order must be"):
        order_rows(rows, "score")


def test_a_disconnected_board_says_so_in_the_json() -> None:
    a = ["x", "y", "x"] * 30 + ["p", "q", "p"] * 30
    b = ["y", "x", "y"] * 30 + ["q", "p", "q"] * 30
    w = ["model_a", "model_a", "model_b"] * 30 + ["model_a", "model_a", "model_b"] * 30
    body = build_leaderboard(PairCounts.from_votes(a, b, w), rounds=20).to_json_obj("now")
    assert body["disconnected"] is True and body["components"] == 2
    joined = build_leaderboard(PairCounts.from_votes(a[:90], b[:90], w[:90]), rounds=20)
    assert joined.to_json_obj("now")["disconnected"] is False


def test_cli_prints_rank_spread_and_takes_the_new_options(tmp_path: Path) -> None:
    data = json.loads(FIXTURE.read_text())
    votes = tmp_path / "votes.jsonl"
    with votes.open("w") as fh:
        for model_a, model_b, winner, n in data["votes"]:
            for _ in range(n):
                fh.write(json.dumps({"model_a": model_a, "model_b": model_b, "winner": winner}))
                fh.write("\n")
    args = ["--votes", str(votes), "--format", "json", "--interval", "sandwich"]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "arena.cli",
            "leaderboard",
            *args,
            "--reweighted",
            "--sort",
            "lower",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    body = json.loads(out.stdout)
    assert body["reweighted"] is True and body["order"] == "lower"
    theirs = data["arena_rank"]["reweighted"]
    assert all(abs(r["score"] - theirs[r["model"]]) <= 0.01 for r in body["models"])
    assert all("rank_lb" in r for r in body["models"])


# ---- the displayed scale -----------------------------------------------------------


def _established_board(rng: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
    """Ten models, every pair met 40 times, winners drawn from Bradley–Terry."""
    strength = np.linspace(-1.0, 1.0, 10)
    a, b, w = [], [], []
    for i in range(10):
        for j in range(i + 1, 10):
            p = 1.0 / (1.0 + np.exp(strength[j] - strength[i]))
            wins = rng.random(40) < p
            a += [f"m{i}"] * 40
            b += [f"m{j}"] * 40
            w += ["model_a" if x else "model_b" for x in wins]
    return a, b, w


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_a_rated_newcomer_does_not_shift_the_others(seed: int) -> None:
    """A newcomer at 29-1 against the field leaves every other displayed score within
    a few points (the centring on every rated model moved them all by about -30)."""
    rng = np.random.default_rng(seed)
    a, b, w = _established_board(rng)
    before = build_leaderboard(PairCounts.from_votes(a, b, w), interval="sandwich").scores()
    opponents = [f"m{i % 10}" for i in range(30)]
    a2 = a + ["new"] * 30
    b2 = b + opponents
    w2 = w + ["model_a"] * 29 + ["model_b"]
    after = build_leaderboard(PairCounts.from_votes(a2, b2, w2), interval="sandwich")
    scores = after.scores()
    assert next(r for r in after.rows if r.model == "new").rated
    shifts = [scores[m] - before[m] for m in before]
    assert max(abs(s) for s in shifts) < 8.0, shifts
    # the gaps between the established models are what the votes say, as before
    gaps_before = np.diff([before[m] for m in sorted(before)])
    gaps_after = np.diff([scores[m] for m in sorted(before)])
    assert np.allclose(gaps_before, gaps_after, atol=8.0)
