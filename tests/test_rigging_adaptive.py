"""The attackers who adapt (issue 22), in the counts simulator: selective voters, aged
sleepers and identities spread under every per-identity minimum, on a young and an aged
arena. Small budgets and fixed seeds keep this fast; the full table is in the README."""

from __future__ import annotations

import numpy as np
import pytest

from arena.integrity.selective import VoteLog, change_point_z, model_flags
from arena.simulation.rigging_fast import judge, run_rigging_fast
from arena.simulation.rigging_world import ATTACKER_KIND, build_world

BUDGET = 300


@pytest.mark.parametrize("age", ["young", "aged"])
def test_defences_hold_the_adaptive_attacks(age: str) -> None:
    results = run_rigging_fast(
        ["selective", "sleeper", "spread"], ["none", "defended"], young=age == "young",
        budget=BUDGET,
    )  # fmt: skip
    by = {(r.attack, r.defence): r for r in results}
    for attack in ("selective", "sleeper", "spread"):
        open_board, guarded = by[attack, "none"], by[attack, "defended"]
        assert open_board.votes_to_lift is not None, attack
        # Not lifted within the budget: at least budget / votes-with-no-defence times more
        # (>= 5x on the young arena; the aged one needs a larger budget, see the README).
        assert guarded.votes_to_lift is None, attack
        assert (5 if age == "young" else 2) * open_board.votes_to_lift <= BUDGET, attack
        assert guarded.rigged_caught_or_held >= 0.9, attack
        assert guarded.honest_flagged <= 0.01 * guarded.honest, attack
        assert 1 in guarded.models_flagged  # the target, by the pooled model-level tests


def test_the_reference_is_never_fitted_on_pooled_votes() -> None:
    """A young arena judges no identity (no veterans: the reference is the prior), and an
    arena whose reference comes from veterans only does not turn on its honest voters the
    way last round's scan, fitted on all votes, does once selective voters pile in."""
    world = build_world("selective", 1500, young=True)
    log, n = world.log, len(world.kind)
    early = log.take(log.t <= 30.0)
    verdict = judge("defended", early, 30.0, n)
    assert verdict.young_reference and not verdict.flagged.any()
    honest = world.kind != ATTACKER_KIND
    end = float(log.t.max())
    pooled = judge("scan", log, end, n).flagged & honest
    veterans_only = judge("defended", log, end, n).flagged & honest
    assert pooled.sum() >= 10 and veterans_only.sum() == 0


def test_selective_voting_is_seen_pooled_across_identities() -> None:
    """Many identities of two votes each, voting only when the target shows: no identity
    is judged, but the target's vote-versus-abandon rate gives it away."""
    rng = np.random.default_rng(3)
    k, n = 8, 3000
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    honest_voted = rng.random(n) > 0.3
    t = np.sort(rng.random(n) * 100)
    young = np.ones(n, bool)
    log = VoteLog(np.arange(n), a, b, honest_voted, (rng.random(n) < 0.5) * 1.0, t)
    assert model_flags(log, k, np.zeros(k), young, young_arena=True) == []
    # Attackers: vote only on battles with model 1 (for it), abandon the rest.
    late = t > 60
    shows = (a == 1) | (b == 1)
    rigged = VoteLog(
        np.arange(n), a, b, np.where(late, shows, honest_voted),
        np.where(late & shows, (a == 1) * 1.0, log.outcome), t,
    )  # fmt: skip
    flags = model_flags(rigged, k, np.zeros(k), young, young_arena=True)
    assert [f.model for f in flags] == [1]
    assert flags[0].test in ("vote_rate", "arrival")


def test_change_point_catches_a_sleeper_not_an_honest_history() -> None:
    """Forty honest votes, then twelve battles with the target, all for it: the record as a
    whole still looks ordinary, its final stretch with the target does not."""
    theta = np.arange(8) * 0.3
    rng = np.random.default_rng(5)
    a = rng.integers(0, 8, 40)
    b = (a + rng.integers(1, 8, 40)) % 8
    p = 1 / (1 + np.exp(-(theta[a] - theta[b])))
    honest = (rng.random(40) < p) * 1.0
    rival = rng.integers(2, 8, 12)
    pair_a, pair_b = np.r_[a, np.full(12, 1)], np.r_[b, rival]
    client = np.r_[np.zeros(52, int), np.ones(52, int)]
    fair = (rng.random(12) < 1 / (1 + np.exp(-(theta[1] - theta[rival])))) * 1.0
    outcome = np.r_[honest, fair, honest, np.ones(12)]  # client 1 backs model 1 at the end
    log = VoteLog(client, np.r_[pair_a, pair_a], np.r_[pair_b, pair_b], np.ones(104, bool),
                  outcome, np.r_[np.arange(52.0), np.arange(52.0)])  # fmt: skip
    z = change_point_z(log, theta, 2)
    assert z[1] <= -4.5 < z[0]
