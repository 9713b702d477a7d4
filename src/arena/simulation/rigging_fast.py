"""``arena simulate --scenario rigging``: every attack against every defence, on counts.

Invariant: each defence judges the same drawn timeline (:mod:`rigging_world`) at every
checkpoint (each ``batch`` rigged votes) from what the store would hold by then, and the
board is refitted on exactly the votes the defence counts. Nothing replays the vote path
(the store-driven simulator, :mod:`arena.simulation.rigging`, does that and is slow): a run
of three attacks on a young arena with a budget of 1,500 takes seconds.

The defences:

- ``none``: every vote counts.
- ``scan``: last round's per-identity favouritism test against a reference fitted on all
  unflagged votes (no hold).
- ``defended``: the public profile. New identities are held until 72 hours old with 5
  votes; the reference is fitted on veterans only (7 days, 20 votes), or is the prior
  when the arena is young; identities are flagged by favouritism or by a change point in
  their agreement with the reference; models are tested pooled across identities
  (:func:`arena.integrity.selective.model_flags`), and a flagged model's votes from
  identities without a long history are held pending review.

Reported per (attack, defence), as in DESIGN.md "Rigging simulator output": rigged votes
until the target first ranks one place above its honest rank (null: not within the
budget), attackers caught (flagged, or every rigged vote of theirs off the board), honest
voters flagged; and additively the share of rigged votes caught or held, honest votes
held, and whether the reference was the young arena's prior.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import expit

from arena.integrity.selective import (
    IDENTITY_Z,
    VETERAN_HOURS,
    VETERAN_VOTES,
    VoteLog,
    change_point_z,
    fit_theta_log,
    model_flags,
    reference_theta,
    suspect_rows,
)
from arena.simulation.rigging_world import (
    ATTACKER_KIND,
    HOLD_HOURS,
    HONEST_KIND,
    NEWCOMER_KIND,
    TARGET,
    K,
    World,
    build_world,
)

__all__ = ["DEFENCE_NAMES", "FastResult", "judge", "run_rigging_fast"]

DEFENCE_NAMES = ("none", "scan", "defended")
FAVOURITISM_Z = 4.0
FAVOURITISM_BATTLES = 8
MIN_VOTES = 5
REFITS = 5


@dataclass(frozen=True)
class Verdict:
    counted: np.ndarray
    """Per row: the vote is on the board."""
    flagged: np.ndarray
    """Per identity."""
    held: np.ndarray
    """Per row: pending (new identity) or held on a flagged model."""
    models_flagged: tuple[int, ...] = ()
    young_reference: bool = False


@dataclass(frozen=True)
class FastResult:
    attack: str
    defence: str
    votes_to_lift: int | None
    budget: int
    attackers: int
    attackers_caught: int
    honest: int
    honest_flagged: int
    history_age: str
    rigged_caught_or_held: float
    honest_votes_held: float
    models_flagged: list[int]
    young_reference: bool
    """The attack began while the arena was young: the reference was the prior."""


def _favouritism(log: VoteLog, theta: np.ndarray, n: int) -> np.ndarray:
    """Per identity: some model won (or lost) beyond the reference, |z| over the bar."""
    rows = log.voted & (log.outcome != 0.5)
    c, a, b, w = log.client[rows], log.a[rows], log.b[rows], log.outcome[rows]
    p = expit(theta[a] - theta[b])
    idx = np.r_[c * K + a, c * K + b]
    won, prob = np.r_[w, 1 - w], np.r_[p, 1 - p]
    size = n * K
    wins = np.bincount(idx, won, size)
    exp = np.bincount(idx, prob, size)
    var = np.bincount(idx, prob * (1 - prob), size)
    battles = np.bincount(idx, minlength=size)
    dev = wins - exp
    z = np.divide(dev - 0.5 * np.sign(dev), np.sqrt(var), out=np.zeros(size), where=var > 0)
    hit = (battles >= FAVOURITISM_BATTLES) & (np.abs(z) >= FAVOURITISM_Z)
    return hit.reshape(n, K).any(axis=1)


def judge(
    defence: str, log: VoteLog, now: float, n: int, prior: np.ndarray | None = None
) -> Verdict:
    """What ``defence`` keeps on the board at time ``now`` (``log``: rows up to ``now``)."""
    flagged = np.zeros(n, bool)
    if defence == "none":
        return Verdict(log.voted.copy(), flagged, np.zeros(len(log.t), bool))
    if defence == "scan":
        for _ in range(REFITS):
            theta = fit_theta_log(log, ~flagged[log.client], K)
            if theta is not None:
                flagged |= _favouritism(log, theta, n)
        return Verdict(log.voted & ~flagged[log.client], flagged, np.zeros(len(log.t), bool))
    voted = log.voted
    first = np.full(n, np.inf)
    np.minimum.at(first, log.client[voted], log.t[voted])
    votes = np.bincount(log.client[voted], minlength=n)
    age = now - first
    matured = (age >= HOLD_HOURS) & (votes >= MIN_VOTES)
    veteran = (age >= VETERAN_HOURS) & (votes >= VETERAN_VOTES)
    young = True
    theta = np.zeros(K) if prior is None else prior
    for _ in range(REFITS):
        # Refit without the last pass's flagged and judge everyone afresh against it, until
        # the flagged set is stable: a reference the attackers bent (they may be veterans)
        # can flag honest voters in the first pass, never in the last.
        theta, young = reference_theta(log, veteran[log.client] & ~flagged[log.client], K, prior)
        if young:
            flagged[:] = False
            break  # a prior says nothing about one identity's record
        found = _favouritism(log, theta, n) | (change_point_z(log, theta, n) <= -IDENTITY_Z)
        if (found == flagged).all():
            break
        flagged = found
    flags = model_flags(log, K, theta, ~veteran[log.client], young_arena=young)
    held = ~matured[log.client] | suspect_rows(log, flags, veteran[log.client])
    counted = voted & ~held & ~flagged[log.client]
    return Verdict(counted, flagged, held & voted, tuple(f.model for f in flags), young)


def _rank(theta: np.ndarray) -> int:
    return 1 + int((theta > theta[TARGET]).sum())


def _run_one(world: World, defence: str, budget: int, batch: int) -> FastResult:
    log, n = world.log, len(world.kind)
    before = (log.t < 0) & (world.kind[log.client] != ATTACKER_KIND)
    honest_theta = fit_theta_log(log, before, K)
    assert honest_theta is not None
    honest_rank = _rank(honest_theta)
    lifted: int | None = None
    cast = len(world.rigged_times)
    young_at_start: bool | None = None
    for c in [*range(batch, cast, batch), cast]:
        now = float(world.rigged_times[c - 1])
        upto = log.t <= now
        part = log.take(upto)
        verdict = judge(defence, part, now, n)
        young_at_start = young_at_start if young_at_start is not None else verdict.young_reference
        theta = fit_theta_log(part, verdict.counted, K)
        if theta is not None and _rank(theta) < honest_rank:
            lifted = c
            break
    # Flags and holds once the whole budget is spent (and honest traffic caught up).
    end = float(log.t.max())
    verdict = judge(defence, log, end, n)
    attackers = np.unique(log.client[world.rigged])
    off = world.rigged & ~verdict.counted
    rigged_of = np.bincount(log.client[world.rigged], minlength=n)
    off_of = np.bincount(log.client[off], minlength=n)
    caught = verdict.flagged[attackers] | (off_of[attackers] == rigged_of[attackers])
    honest_ids = np.isin(world.kind, (HONEST_KIND, NEWCOMER_KIND))
    honest_rows = log.voted & honest_ids[log.client] & (log.t >= 0)
    held_honest = honest_rows & ~verdict.counted
    return FastResult(
        attack="",
        defence=defence,
        votes_to_lift=lifted,
        budget=budget,
        attackers=len(attackers),
        attackers_caught=int(caught.sum()),
        honest=int(honest_ids.sum()),
        honest_flagged=int((verdict.flagged & honest_ids).sum()),
        history_age="young" if world.young else "aged",
        rigged_caught_or_held=float(off.sum() / max(world.rigged.sum(), 1)),
        honest_votes_held=float(held_honest.sum() / max(honest_rows.sum(), 1)),
        models_flagged=list(verdict.models_flagged),
        young_reference=bool(young_at_start),
    )


def run_rigging_fast(
    attacks: Sequence[str],
    defences: Sequence[str] = DEFENCE_NAMES,
    *,
    young: bool = False,
    budget: int = 1500,
    batch: int = 25,
    seed: int = 0,
    honest_votes: int = 2400,
    progress: Callable[[int], None] | None = None,
) -> list[FastResult]:
    """Every attack against every defence on its own drawn timeline (shared by defences)."""
    results = []
    for attack in attacks:
        world = build_world(attack, budget, young, seed, honest_votes)
        for defence in defences:
            result = _run_one(world, defence, budget, batch)
            results.append(FastResult(**{**asdict(result), "attack": attack}))
            if progress is not None:
                progress(1)
    return results
