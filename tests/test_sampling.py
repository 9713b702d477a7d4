"""Sampling policies: exact pair probabilities, the share cap, and what each policy prefers."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from arena.battles.roster import Contestant
from arena.battles.sampling import (
    ActivePolicy,
    SamplingStats,
    UniformPolicy,
    WeightedRandomPolicy,
    apply_share_cap,
    model_shares,
    pair_indices,
    policy_by_name,
    sampling_stats_from_counts,
)
from arena.errors import InvalidInput, ServiceUnavailable
from arena.ratings import PairCounts
from arena.ratings.synthetic import simulate_votes
from arena.registry import ModelSpec


def contestant(name: str, weight: float = 1.0) -> Contestant:
    spec = ModelSpec(name=name, provider="local", path=f"{name}.gguf", sampling_weight=weight)
    return Contestant(spec, provider=None)  # type: ignore[arg-type]  # never called here


def board(k: int, votes: int, seed: int = 0) -> tuple[PairCounts, SamplingStats]:
    sim = simulate_votes(k, votes, seed=seed, tie_rate=0.1)
    counts = PairCounts.from_votes(*sim.names(), sim.outcome)
    return counts, sampling_stats_from_counts(counts)


_, STATS = board(5, 4000)
ESTABLISHED = list(STATS.models)
NEWCOMER = "zz-newcomer"
POLICIES = [UniformPolicy(), WeightedRandomPolicy(), ActivePolicy()]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_drawn_pairs_follow_the_stated_probabilities(policy) -> None:
    """Empirical pair frequencies match ``Pairing.probability`` within 5 sigma."""
    cands = [contestant(m) for m in ESTABLISHED] + [contestant(NEWCOMER, 2.0)]
    rng = random.Random(7)
    draws = 3000
    seen: Counter[frozenset[str]] = Counter()
    stated: dict[frozenset[str], float] = {}
    for _ in range(draws):
        pairing = policy.draw(cands, rng, stats=STATS)
        key = frozenset((pairing.model_a.name, pairing.model_b.name))
        seen[key] += 1
        assert stated.setdefault(key, pairing.probability) == pairing.probability
        assert pairing.policy == policy.name
    probs = policy.pair_probabilities([c.name for c in cands], [1.0] * 5 + [2.0], STATS)
    i, j = pair_indices(len(cands))
    for n in range(probs.size):
        key = frozenset((cands[i[n]].name, cands[j[n]].name))
        p = probs[n]
        assert stated.get(key, p) == pytest.approx(p, rel=1e-12)
        sd = np.sqrt(draws * p * (1 - p))
        assert abs(seen[key] - draws * p) <= 5 * sd + 1


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
@pytest.mark.parametrize("stats", [None, STATS], ids=["no-stats", "stats"])
def test_probabilities_over_all_pairs_sum_to_one(policy, stats) -> None:
    names = [*ESTABLISHED, NEWCOMER]
    probs = policy.pair_probabilities(names, [1.0, 3.0, 1.0, 0.5, 1.0, 1.0], stats)
    assert probs.shape == (15,)
    assert (probs >= 0).all()
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)


def test_weighted_without_stats_is_the_v1_scheme_and_keeps_the_old_call() -> None:
    """The service calls ``draw(candidates, rng)``; without stats nothing is boosted."""
    cands = [contestant("a", 1.0), contestant("b", 2.0), contestant("c", 3.0)]
    pairing = WeightedRandomPolicy().draw(cands, random.Random(1))
    w = {"a": 1.0, "b": 2.0, "c": 3.0}
    wi, wj = w[pairing.model_a.name], w[pairing.model_b.name]
    assert pairing.probability == pytest.approx(wi / 6 * wj / (6 - wi) + wj / 6 * wi / (6 - wj))


def test_weighted_boosts_a_model_with_few_votes() -> None:
    names = [*ESTABLISHED, NEWCOMER]
    with_stats = model_shares(WeightedRandomPolicy().pair_probabilities(names, [1.0] * 6, STATS), 6)
    assert with_stats[-1] > 1.5 / 6
    without = model_shares(WeightedRandomPolicy().pair_probabilities(names, [1.0] * 6, None), 6)
    np.testing.assert_allclose(without, 1 / 6)


@pytest.mark.parametrize("k", [3, 8, 30])
def test_share_cap_holds_for_any_distribution(k: int) -> None:
    """No model gets less than 1/(4K) or more than 4/K of the battle slots."""
    rng = np.random.default_rng(k)
    m = k * (k - 1) // 2
    i, j = pair_indices(k)
    for trial in range(200):
        raw = rng.dirichlet(np.full(m, 0.05 if trial % 2 else 1.0))
        if trial % 3 == 0:  # everything on one model's pairs: the flooding case
            raw = ((i == 0) | (j == 0)).astype(float) / (k - 1)
        capped = apply_share_cap(raw, k)
        shares = model_shares(capped, k)
        assert capped.sum() == pytest.approx(1.0)
        assert shares.min() >= 1 / (4 * k) - 1e-12
        assert shares.max() <= min(1.0, 4 / k) + 1e-12


def test_cap_is_the_smallest_change_and_leaves_compliant_distributions_alone() -> None:
    k = 10
    uniform = np.full(45, 1 / 45)
    assert apply_share_cap(uniform, k) is uniform
    i, j = pair_indices(k)
    flood = ((i == 0) | (j == 0)).astype(float) / (k - 1)
    assert model_shares(apply_share_cap(flood, k), k)[0] == pytest.approx(4 / k, rel=1e-6)


def test_cap_holds_for_extreme_registry_weights_and_an_unknown_model() -> None:
    k = 12
    names = [f"m{n:02d}" for n in range(k)]
    weights = [1000.0] + [1.0] * (k - 2) + [0.001]
    for policy in POLICIES:
        shares = model_shares(policy.pair_probabilities(names, weights, STATS), k)
        assert shares.max() <= 4 / k + 1e-12
        assert shares.min() >= 1 / (4 * k) - 1e-12


def test_active_prefers_pairs_with_a_newcomer() -> None:
    """A model without votes is the most uncertain: its pairs get the most weight."""
    _, stats = board(10, 20_000)
    names = [*stats.models, NEWCOMER]
    k = len(names)
    probs = ActivePolicy().pair_probabilities(names, [1.0] * k, stats)
    _, j = pair_indices(k)
    with_new = j == k - 1
    assert probs[with_new].min() > probs[~with_new].max()
    assert model_shares(probs, k)[-1] == pytest.approx(4 / k, rel=1e-6)  # held at the cap


def test_active_favours_close_opponents_for_an_uncertain_model() -> None:
    """Among a newcomer's pairs, the most informative are against near-equal models."""
    _, stats = board(10, 20_000, seed=3)
    names = [*stats.models, NEWCOMER]
    k = len(names)
    probs = ActivePolicy().pair_probabilities(names, [1.0] * k, stats)
    i, j = pair_indices(k)
    opponent_probs = probs[j == k - 1]
    distance = np.abs(stats.theta[i[j == k - 1]])  # newcomer sits at 0, the board mean
    assert np.corrcoef(opponent_probs, distance)[0, 1] < -0.5


def test_active_without_stats_is_uniform() -> None:
    names = ["a", "b", "c", "d"]
    probs = ActivePolicy().pair_probabilities(names, [1.0] * 4, None)
    np.testing.assert_allclose(probs, 1 / 6)


def test_uniform_never_pairs_a_model_with_itself_and_skips_zero_weight() -> None:
    cands = [contestant("a"), contestant("b"), contestant("c"), contestant("off", 0.0)]
    rng = random.Random(3)
    for _ in range(2000):
        pairing = UniformPolicy().draw(cands, rng)
        assert pairing.model_a.name != pairing.model_b.name
        assert "off" not in (pairing.model_a.name, pairing.model_b.name)
        assert pairing.probability == pytest.approx(1 / 3)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_fewer_than_two_models_is_a_clear_error(policy) -> None:
    with pytest.raises(ServiceUnavailable, match="fewer than two"):
        policy.draw([contestant("a"), contestant("b", 0.0)], random.Random(0))


def test_policy_by_name() -> None:
    assert policy_by_name("uniform").name == "uniform/v1"
    assert policy_by_name("weighted").name == "weighted/v2"
    assert policy_by_name("active").name == "active/v1"
    with pytest.raises(InvalidInput, match="uniform, weighted, active"):
        policy_by_name("thompson")


def test_stats_from_counts() -> None:
    counts, stats = board(6, 3000)
    assert stats.models == tuple(counts.models)
    assert sum(stats.votes_per_model.values()) == 2 * 3000
    assert sum(stats.pair_votes.values()) == 3000
    assert all(a < b for a, b in stats.pair_votes)
    assert stats.theta.sum() == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(stats.cov.sum(axis=1), 0.0, atol=1e-9)  # centred
    assert (np.diag(stats.cov) > 0).all()
    empty = sampling_stats_from_counts(PairCounts.empty())
    assert empty.models == () and empty.cov.shape == (0, 0)
