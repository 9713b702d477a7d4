"""PairCounts: winner parsing, canonical aggregation, grouping and merging."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.ratings import PairCounts, parse_winner
from arena.ratings.synthetic import simulate_votes


@pytest.mark.parametrize(
    ("s", "want"),
    [
        ("model_a", 1.0),
        ("model_b", 0.0),
        ("tie", 0.5),
        ("both_bad", 0.5),
        ("tie (bothbad)", 0.5),
        (" Model_A ", 1.0),
    ],
)
def test_parse_winner(s: str, want: float) -> None:
    assert parse_winner(s) == want


def test_parse_winner_unknown() -> None:
    with pytest.raises(ValueError, match="unknown winner"):
        parse_winner("model_c")


def test_from_votes_canonical_and_swapped_equal() -> None:
    a = ["x", "y", "x", "z", "y"]
    b = ["y", "x", "z", "x", "z"]
    w = ["model_a", "model_a", "tie", "both_bad", "model_b"]
    c = PairCounts.from_votes(a, b, w)
    assert c.models == ["x", "y", "z"]
    assert (c.a < c.b).all()
    # x-y: x won once (as A), y won once (as A): 1 win each.
    i = np.flatnonzero((c.a == 0) & (c.b == 1))[0]
    assert (c.wins_a[i], c.wins_b[i], c.ties[i]) == (1.0, 1.0, 0.0)
    # Swapping all sides and flipping winners gives identical counts.
    flip = {"model_a": "model_b", "model_b": "model_a"}
    c2 = PairCounts.from_votes(b, a, [flip.get(x, x) for x in w])
    for f in ("a", "b", "wins_a", "wins_b", "ties"):
        np.testing.assert_array_equal(getattr(c, f), getattr(c2, f))
    assert c.total == 5
    np.testing.assert_array_equal(c.votes_per_model(), [4, 3, 3])
    assert c.votes_by_model() == {"x": 4, "y": 3, "z": 3}


def test_from_grouped_matches_from_votes() -> None:
    sv = simulate_votes(6, 3000, seed=3, tie_rate=0.2)
    ma, mb = sv.names()
    direct = PairCounts.from_votes(ma, mb, sv.outcome)
    keys, cnt = np.unique(
        np.stack([sv.ia, sv.ib, (sv.outcome * 2).astype(int)], axis=1), axis=0, return_counts=True
    )
    names = np.asarray(sv.models)
    grouped = PairCounts.from_grouped(names[keys[:, 0]], names[keys[:, 1]], keys[:, 2] / 2.0, cnt)
    for f in ("a", "b", "wins_a", "wins_b", "ties"):
        np.testing.assert_array_equal(getattr(direct, f), getattr(grouped, f))


def test_merge_equals_concatenation() -> None:
    sv = simulate_votes(8, 2000, seed=1, tie_rate=0.1)
    ma, mb = sv.names()
    whole = PairCounts.from_votes(ma, mb, sv.outcome)
    part1 = PairCounts.from_votes(ma[:700], mb[:700], sv.outcome[:700])
    part2 = PairCounts.from_votes(ma[700:], mb[700:], sv.outcome[700:])
    merged = part1 + part2
    assert merged.models == whole.models
    for f in ("a", "b", "wins_a", "wins_b", "ties"):
        np.testing.assert_array_equal(getattr(merged, f), getattr(whole, f))
    assert (PairCounts.empty() + whole).total == whole.total


def test_merge_with_new_model() -> None:
    c1 = PairCounts.from_votes(["a"], ["b"], [1.0])
    c2 = PairCounts.from_votes(["c"], ["a"], ["model_a"])
    m = c1.merge(c2)
    assert m.models == ["a", "b", "c"]
    np.testing.assert_array_equal(m.votes_per_model(), [2, 1, 1])
    np.testing.assert_array_equal(m.wins_per_model(), [1, 0, 1])


def test_bad_outcome_rejected() -> None:
    with pytest.raises(ValueError):
        PairCounts.from_votes(["a"], ["b"], [0.3])
    with pytest.raises(ValueError):
        PairCounts.from_votes(["a", "b"], ["b"], [1.0])


def test_self_battles_ignored() -> None:
    c = PairCounts.from_votes(["a", "a"], ["a", "b"], [1.0, 1.0])
    assert c.total == 1


@settings(max_examples=40, deadline=None)
@given(
    votes=st.lists(
        st.tuples(
            st.sampled_from("abcde"),
            st.sampled_from("abcde"),
            st.sampled_from(["model_a", "model_b", "tie", "both_bad", "tie (bothbad)"]),
        ),
        min_size=0,
        max_size=40,
    ),
    cut=st.integers(0, 40),
)
def test_merge_property(votes: list[tuple[str, str, str]], cut: int) -> None:
    def counts(vs: list[tuple[str, str, str]]) -> PairCounts:
        if not vs:
            return PairCounts.empty()
        a, b, w = zip(*vs, strict=True)
        return PairCounts.from_votes(list(a), list(b), list(w))

    whole, merged = counts(votes), counts(votes[:cut]) + counts(votes[cut:])
    assert merged.total == whole.total == sum(a != b for a, b, _ in votes)
    assert merged.votes_by_model() == {m: v for m, v in whole.votes_by_model().items()} | {
        m: 0 for m in merged.models if m not in whole.models
    }
    for f in ("wins_a", "wins_b", "ties"):
        assert getattr(merged, f).sum() == getattr(whole, f).sum()
