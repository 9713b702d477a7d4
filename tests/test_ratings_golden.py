"""Shared golden cases (tests/golden/*.json) run through every way of building counts and
every fitting path; connected cases are also checked against an independent MM solver."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from arena.ratings import (
    PairCounts,
    build_leaderboard,
    build_style_leaderboard,
    fit_bradley_terry,
    parse_winner,
)

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def _load(path: Path) -> tuple[dict, list[list]]:
    case = json.loads(path.read_text())
    return case, case["groups"]


def _rows(groups: list[list]) -> tuple[list[str], list[str], list[str]]:
    a, b, w = [], [], []
    for ma, mb, winner, n in groups:
        a += [ma] * n
        b += [mb] * n
        w += [winner] * n
    return a, b, w


def _mm_scores(counts: PairCounts) -> np.ndarray:
    """Zermelo/Hunter MM iteration with ties as half wins (independent of Newton)."""
    k = counts.n_models
    wa, wb = counts.half_win_weights()
    wins = np.bincount(counts.a, wa, minlength=k) + np.bincount(counts.b, wb, minlength=k)
    n = counts.battles
    p = np.ones(k)
    for _ in range(20_000):
        denom = np.zeros(k)
        s = n / (p[counts.a] + p[counts.b])
        np.add.at(denom, counts.a, s)
        np.add.at(denom, counts.b, s)
        p = wins / denom
        p /= np.exp(np.log(p).mean())
    t = np.log(p) * 400 / np.log(10)
    return 1000 + t - t.mean()


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(path: Path) -> None:
    case, groups = _load(path)
    expected = case["expected"]
    ma, mb, w = [[g[i] for g in groups] for i in range(3)]
    cnt = [g[3] for g in groups]
    grouped = PairCounts.from_grouped(ma, mb, w, cnt)
    ra, rb, rw = _rows(groups)
    by_rows = PairCounts.from_votes(ra, rb, rw)
    half = len(ra) // 2
    merged = PairCounts.from_votes(ra[:half], rb[:half], rw[:half]) + PairCounts.from_votes(
        ra[half:], rb[half:], [parse_winner(x) for x in rw[half:]]
    )
    want = np.array([expected[m]["score"] for m in grouped.models])
    # The board rates only identifiable models; "board" holds its values where they differ.
    on_board = case.get("board", expected)
    for counts in (grouped, by_rows, merged):
        np.testing.assert_allclose(fit_bradley_terry(counts), want, atol=1e-3)
        board = build_leaderboard(counts, interval="sandwich")
        for r in board.rows:
            assert r.rank == on_board[r.model]["rank"]
            assert r.component == on_board[r.model]["component"]
            assert r.score == pytest.approx(on_board[r.model]["score"], abs=1e-3)
    # Style control with constant style features reduces to plain BT.
    flat = np.ones((len(ra), 4))
    style = build_style_leaderboard(ra, rb, rw, flat, flat, interval="sandwich")
    for r in style.rows:
        assert r.score == pytest.approx(on_board[r.model]["score"], abs=1e-3)
        assert r.raw_score == pytest.approx(on_board[r.model]["score"], abs=1e-3)
    if case.get("note", "").startswith(("Wikipedia", "every winner")):
        np.testing.assert_allclose(_mm_scores(grouped), want, atol=1e-3)
