"""Thin evidence never turns into precise-looking numbers (issue 16, items 1-3 and 8).

A model whose score the votes do not pin down (never lost, never won, only ties,
or in a chain without a cycle) must not move the rated models, gets no interval
and no rank, and says why; degenerate intervals are "unknown"; nonsense bootstrap
settings are refused; a fit that does not converge says so.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arena.ratings.bt as bt
from arena.ratings import PairCounts, build_leaderboard, build_style_leaderboard
from arena.ratings.graph import separation_notes
from arena.ratings.synthetic import simulate_votes

#: The stated bound: one vote by a model the board has not seen moves no other
#: model's score by more than this many points (it is exactly 0 up to rounding).
NEWCOMER_BOUND = 1e-6


def _four_model_board(n: int = 2000, seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    sv = simulate_votes(4, n, seed=seed)
    a, b = sv.names()
    w = np.where(sv.outcome == 1.0, "model_a", np.where(sv.outcome == 0.0, "model_b", "tie"))
    return list(a), list(b), list(w)


@pytest.mark.parametrize("interval", ["bootstrap", "sandwich"])
def test_one_unbeaten_newcomer_moves_nobody(interval: str) -> None:
    a, b, w = _four_model_board()
    before = build_leaderboard(PairCounts.from_votes(a, b, w), interval=interval)
    after = build_leaderboard(
        PairCounts.from_votes([*a, "newbie"], [*b, a[0]], [*w, "model_a"]), interval=interval
    )
    old = {r.model: r for r in before.rows}
    new = {r.model: r for r in after.rows}
    for m, r in old.items():
        assert new[m].score == pytest.approx(r.score, abs=NEWCOMER_BOUND)
        assert new[m].ci_lower == pytest.approx(r.ci_lower, abs=NEWCOMER_BOUND)
        assert new[m].ci_upper == pytest.approx(r.ci_upper, abs=NEWCOMER_BOUND)
        assert new[m].rank == r.rank
    assert np.mean([r.score for r in before.rows]) == pytest.approx(1000.0)
    newbie = new["newbie"]
    assert not newbie.rated and newbie.rank is None
    assert newbie.ci_lower is None and newbie.ci_upper is None
    assert "never lost" in (newbie.note or "")
    # The weak prior keeps it finite and near the rated models, not at +infinity.
    assert 1000 < newbie.score < 1000 + 3 * 200
    assert {r.rank for r in after.rows if r.rated} != {1}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    opponent=st.integers(0, 3),
    winner=st.sampled_from(["model_a", "model_b", "tie", "both_bad"]),
    newcomer_is_a=st.booleans(),
    style=st.booleans(),
)
def test_a_vote_by_an_unseen_model_never_moves_others(
    seed: int, opponent: int, winner: str, newcomer_is_a: bool, style: bool
) -> None:
    sv = simulate_votes(4, 300, seed=seed)
    a, b = (list(x) for x in sv.names())
    w = list(np.where(sv.outcome == 1.0, "model_a", np.where(sv.outcome == 0.0, "model_b", "tie")))
    other = sv.models[opponent]
    na, nb = ("zz-new", other) if newcomer_is_a else (other, "zz-new")
    if style:
        rng = np.random.default_rng(seed)
        sa = rng.integers(0, 500, (len(a) + 1, 4)).astype(float)
        sb = rng.integers(0, 500, (len(a) + 1, 4)).astype(float)
        before = build_style_leaderboard(a, b, w, sa[:-1], sb[:-1], interval="sandwich")
        after = build_style_leaderboard(
            [*a, na], [*b, nb], [*w, winner], sa, sb, interval="sandwich"
        )
        # The new row shifts the style features' z-scoring, so the style board is only
        # checked for the rated/unrated rule, the plain board for the bound.
        assert not {r.model: r for r in after.rows}["zz-new"].rated
        return
    before = build_leaderboard(PairCounts.from_votes(a, b, w), interval="sandwich")
    after = build_leaderboard(
        PairCounts.from_votes([*a, na], [*b, nb], [*w, winner]), interval="sandwich"
    )
    new = {r.model: r for r in after.rows}
    assert not new["zz-new"].rated
    for r in before.rows:
        assert abs(new[r.model].score - r.score) <= NEWCOMER_BOUND
        if r.ci_lower is not None:
            assert abs(new[r.model].ci_lower - r.ci_lower) <= NEWCOMER_BOUND


def test_chain_middle_models_get_notes() -> None:
    # c0 > c1 > c2 > c3, always: no model's MLE exists, the middle ones included.
    a = ["c0", "c1", "c2"] * 10
    b = ["c1", "c2", "c3"] * 10
    board = build_leaderboard(PairCounts.from_votes(a, b, [1.0] * 30), interval="sandwich")
    assert all(r.note and not r.rated and r.rank is None for r in board.rows)
    notes = dict(
        zip(
            sorted(set(a + b)),
            separation_notes(PairCounts.from_votes(a, b, [1.0] * 30)),
            strict=True,
        )
    )
    assert "cycle" in notes["c1"] and "cycle" in notes["c2"]
    assert "never lost" in notes["c0"] and "never won" in notes["c3"]
    # Once a cycle closes, the chain is rated, with intervals.
    closed = build_leaderboard(
        PairCounts.from_votes([*a, "c3"], [*b, "c0"], [1.0] * 31), interval="sandwich"
    )
    assert all(r.rated and r.ci_lower is not None for r in closed.rows)


def test_group_note_even_when_one_member_never_lost() -> None:
    # {a, b, c} beat each other; d beat them all once and never lost; {e, f} lost to all.
    a = ["a", "b", "c", "d", "a", "b", "e", "f"] * 3
    b = ["b", "c", "a", "a", "e", "f", "f", "e"] * 3
    counts = PairCounts.from_votes(a, b, [1.0] * len(a))
    notes = dict(zip(counts.models, separation_notes(counts), strict=True))
    assert notes["a"] is None and notes["b"] is None and notes["c"] is None
    assert "never lost" in notes["d"]
    assert notes["e"] and notes["f"] and "cycle" in notes["e"]


def test_single_tie_and_all_ties_are_unknown() -> None:
    a, b, w = _four_model_board(400)
    board = build_leaderboard(
        PairCounts.from_votes([*a, "tied"], [*b, a[0]], [*w, "tie"]), interval="sandwich"
    )
    tied = {r.model: r for r in board.rows}["tied"]
    assert tied.ci_lower is None and tied.ci_upper is None and "only ties" in tied.note
    everything_tied = build_leaderboard(
        PairCounts.from_votes(["x", "y", "z"] * 5, ["y", "z", "x"] * 5, ["tie"] * 15)
    )
    for r in everything_tied.rows:
        assert r.ci_lower is None and r.ci_upper is None and r.rank is None
        assert r.score == pytest.approx(1000.0)


def test_fifty_nil_has_no_zero_width_interval() -> None:
    board = build_leaderboard(PairCounts.from_votes(["p"] * 50, ["q"] * 50, [1.0] * 50))
    for d in board.to_dicts():
        assert d["ci_lower"] is None and d["ci_upper"] is None and d["rank"] is None
    assert board.rows[0].model == "p" and board.rows[0].score > board.rows[1].score


def test_zero_width_interval_of_a_rated_model_is_unknown() -> None:
    # Rated (a cycle of wins) but every resample of this one-vote-per-pair cycle that keeps
    # the cycle gives the same scores; the rows say "unknown" instead of a point.
    a = ["x", "y", "z"]
    b = ["y", "z", "x"]
    board = build_leaderboard(PairCounts.from_votes(a, b, [1.0] * 3), rounds=50)
    for r in board.rows:
        assert r.rated
        if r.ci_lower is None:
            assert "interval unknown" in r.note
        else:
            assert r.ci_upper - r.ci_lower > 1e-6


@pytest.mark.parametrize("rounds", [0, 1, 19])
def test_too_few_bootstrap_rounds_refused(rounds: int) -> None:
    a, b, w = _four_model_board(200)
    with pytest.raises(ValueError, match="at least 20 rounds"):
        build_leaderboard(PairCounts.from_votes(a, b, w), rounds=rounds)
    with pytest.raises(ValueError, match="at least 20 rounds"):
        flat = np.ones((len(a), 4))
        build_style_leaderboard(a, b, w, flat, flat, rounds=rounds)


def test_bootstrap_interval_holds_the_score() -> None:
    a, b, w = _four_model_board(100, seed=3)
    board = build_leaderboard(PairCounts.from_votes(a, b, w), rounds=20, seed=4)
    for r in board.rows:
        assert r.ci_lower <= r.score <= r.ci_upper


def test_non_convergence_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, w = _four_model_board(400)
    counts = PairCounts.from_votes(a, b, w)
    assert build_leaderboard(counts, interval="sandwich").warnings == []
    monkeypatch.setattr(bt, "MAX_ITER", 1)
    board = build_leaderboard(counts, interval="sandwich")
    assert board.warnings and "did not converge" in board.warnings[0]
    assert "did not converge" in board.to_json_obj("now")["warnings"][0]
    wa, wb = counts.half_win_weights()
    with pytest.warns(RuntimeWarning, match="did not converge"):
        bt.fit_theta(counts.a, counts.b, wa, wb, counts.n_models)


def test_anchor_on_an_unrated_model_is_refused() -> None:
    a, b, w = _four_model_board(200)
    counts = PairCounts.from_votes([*a, "newbie"], [*b, a[0]], [*w, "model_a"])
    with pytest.raises(ValueError, match="not rated"):
        build_leaderboard(counts, anchor=("newbie", 1200.0), interval="sandwich")
