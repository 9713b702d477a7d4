"""Rigging that hides under every per-identity minimum, seen where it adds up (issue 22).

An attacker who spreads a target's votes over many identities, each below every
per-identity threshold, or who ages identities past the new-identity hold, still has
to change *the target's* record. These tests work per model, pooled across identities,
on a :class:`VoteLog` (every battle opened, voted or abandoned):

- ``vote_rate``: battles opened by identities without a long history are voted on more
  often when they show model ``m`` than when they don't (a voter who votes only when the
  target appears and abandons the rest).
- ``young_vs_established``: ``m`` wins more, against the reference's prediction, in votes
  from identities without a long history than in votes from veterans.
- ``arrival``: the votes arriving on ``m`` changed: the largest shift in its residual win
  rate (against the reference) between an earlier and a later stretch of its votes.

And one per identity, for sleepers that aged before they rigged:

- ``change_point``: an identity judged over its whole history: for each model it met,
  the largest standardized residual (wins against the reference) over any final stretch
  of its battles with that model, so an honest past does not dilute a rigged present.

Invariant: the reference comes only from veterans (:func:`reference_theta`); when an
arena has too few of them it is *young*: the reference is the operator's prior or a frozen
earlier board (flat when none is given), never the pooled votes, so attackers can never
become the yardstick the honest majority is judged by.

False alarms (measured with ``arena simulate --scenario rigging`` with no attack, 8
models, 60 honest voters; see README "Vote rigging"): each model test flags at one-sided
``z >= MODEL_Z``; over 8 models and 3 tests a scan of an honest arena raised a model
flag in fewer than 1 in 200 scans. A model flag flags no voter: it holds the votes on
that model from identities without a long history, pending review.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

__all__ = [
    "IDENTITY_Z",
    "MODEL_Z",
    "VETERAN_HOURS",
    "VETERAN_VOTES",
    "ModelFlag",
    "VoteLog",
    "change_point_z",
    "model_flags",
    "reference_theta",
    "suspect_rows",
]

#: One-sided z for a model-level test (a normal tail past 4.5 holds ~3.4e-6; the arrival
#: test takes a maximum over split points, which the margin pays for).
MODEL_Z = 4.5
#: An identity whose final stretch of votes disagrees with the reference this much.
IDENTITY_Z = 4.5
#: Shortest stretch (votes on one model) on either side of an arrival split.
MIN_SEGMENT = 25
#: Shortest final stretch of an identity's votes the change-point test looks at.
MIN_TAIL = 5
#: A veteran: an identity this old with this many votes (the reference is fitted on them).
VETERAN_HOURS = 7 * 24.0
VETERAN_VOTES = 20
#: A young arena has fewer veterans or fewer of their votes than this.
MIN_VETERANS = 10
MIN_VETERAN_VOTES = 300


@dataclass(frozen=True)
class VoteLog:
    """Every battle opened, in time order.

    Attributes
    ----------
    client : np.ndarray of int
        Identity that opened the battle.
    a, b : np.ndarray of int
        Model indices of the two sides.
    voted : np.ndarray of bool
        False: abandoned.
    outcome : np.ndarray of float
        1 ``a`` won, 0 ``b`` won, 0.5 tie (ignored when not voted).
    t : np.ndarray of float
        Hours.
    """

    client: np.ndarray
    a: np.ndarray
    b: np.ndarray
    voted: np.ndarray
    outcome: np.ndarray
    t: np.ndarray

    def take(self, mask: np.ndarray) -> VoteLog:
        return VoteLog(*(x[mask] for x in self.astuple()))

    def astuple(self) -> tuple[np.ndarray, ...]:
        return (self.client, self.a, self.b, self.voted, self.outcome, self.t)


@dataclass(frozen=True)
class ModelFlag:
    model: int
    test: str
    z: float
    since: float
    """Time from which votes on the model are suspect (the arrival split, else -inf)."""


def fit_theta_log(log: VoteLog, mask: np.ndarray, k: int) -> np.ndarray | None:
    """Bradley–Terry strengths from the voted rows in ``mask``; None if a model has none."""
    from arena.ratings.bt import fit_theta

    rows = mask & log.voted
    if not rows.any():
        return None
    idx = log.a[rows] * k + log.b[rows]
    wa = np.bincount(idx, log.outcome[rows], k * k)
    wb = np.bincount(idx, 1.0 - log.outcome[rows], k * k)
    seen = np.bincount(log.a[rows], minlength=k) + np.bincount(log.b[rows], minlength=k)
    if (seen == 0).any():
        return None
    cells = np.flatnonzero(wa + wb)
    theta = fit_theta(cells // k, cells % k, wa[cells], wb[cells], k, max_iter=200)
    return theta - theta.mean()


def reference_theta(
    log: VoteLog, veteran_rows: np.ndarray, k: int, prior: np.ndarray | None = None
) -> tuple[np.ndarray, bool]:
    """(reference strengths, young): fitted on veterans' votes only; the prior when the
    arena is young (too few veterans), never on the pooled votes."""
    veterans = np.unique(log.client[veteran_rows & log.voted])
    votes = int((veteran_rows & log.voted).sum())
    theta = None
    if len(veterans) >= MIN_VETERANS and votes >= MIN_VETERAN_VOTES:
        theta = fit_theta_log(log, veteran_rows, k)
    if theta is None:
        return (np.zeros(k) if prior is None else np.asarray(prior, float)), True
    return theta, False


def _model_side(log: VoteLog, theta: np.ndarray, m: int) -> tuple[np.ndarray, ...]:
    """Voted rows with ``m``: (row index, m's score 1/0.5/0, m's win probability)."""
    rows = np.flatnonzero(log.voted & ((log.a == m) | (log.b == m)))
    on_a = log.a[rows] == m
    won = np.where(on_a, log.outcome[rows], 1.0 - log.outcome[rows])
    p = expit(theta[log.a[rows]] - theta[log.b[rows]])
    return rows, won, np.where(on_a, p, 1.0 - p)


def _two_prop(x1: float, n1: float, x2: float, n2: float) -> float:
    if min(n1, n2) < MIN_SEGMENT:
        return 0.0
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float((x1 / n1 - x2 / n2) / se) if se > 0 else 0.0


def model_flags(
    log: VoteLog,
    k: int,
    theta: np.ndarray,
    young_rows: np.ndarray,
    *,
    young_arena: bool,
    z: float = MODEL_Z,
) -> list[ModelFlag]:
    """Models whose pooled record shows selective voting for them (see the module doc).

    ``young_rows``: battles opened by identities without a long history (not veterans).
    ``young_arena``: no veterans to compare with; the young-vs-established test is skipped.
    """
    flags: list[ModelFlag] = []
    shows = np.zeros((k, len(log.a)), bool)
    shows[log.a, np.arange(len(log.a))] = True
    shows[log.b, np.arange(len(log.b))] = True
    young_voted = young_rows & log.voted
    for m in range(k):
        found: list[tuple[str, float, float]] = []
        with_m, without_m = young_rows & shows[m], young_rows & ~shows[m]
        rate = _two_prop(
            float((young_voted & shows[m]).sum()), float(with_m.sum()),
            float((young_voted & ~shows[m]).sum()), float(without_m.sum()),
        )  # fmt: skip
        if rate >= z:
            found.append(("vote_rate", rate, -np.inf))
        rows, won, p = _model_side(log, theta, m)
        decisive = won != 0.5
        rows, won, p = rows[decisive], won[decisive], p[decisive]
        resid, var = won - p, p * (1 - p)
        if not young_arena:
            y = young_rows[rows]
            gap = _mean_gap(resid[y], var[y], resid[~y], var[~y])
            if gap >= z:
                found.append(("young_vs_established", gap, -np.inf))
        split_z, since = _arrival(resid, var, log.t[rows])
        if split_z >= z:
            found.append(("arrival", split_z, since))
        if found:
            test, score, _ = max(found, key=lambda f: f[1])
            # Suspect from the arrival split when one was found, else all along.
            since = max((f[2] for f in found), default=-np.inf)
            flags.append(ModelFlag(m, test, score, since))
    return flags


def _mean_gap(r1: np.ndarray, v1: np.ndarray, r2: np.ndarray, v2: np.ndarray) -> float:
    n1, n2 = len(r1), len(r2)
    if n1 < MIN_SEGMENT or n2 < MIN_SEGMENT:
        return 0.0
    se = np.sqrt(v1.sum() / n1**2 + v2.sum() / n2**2)
    return float((r1.mean() - r2.mean()) / se) if se > 0 else 0.0


def _arrival(resid: np.ndarray, var: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Largest rise in mean residual from the votes before a split to those after it."""
    n = len(resid)
    if n < 2 * MIN_SEGMENT:
        return 0.0, -np.inf
    cr, cv = np.cumsum(resid), np.cumsum(var)
    k = np.arange(MIN_SEGMENT, n - MIN_SEGMENT + 1)  # split before index k
    pre_n, suf_n = k, n - k
    pre_r, suf_r = cr[k - 1], cr[-1] - cr[k - 1]
    pre_v, suf_v = cv[k - 1], cv[-1] - cv[k - 1]
    se = np.sqrt(pre_v / pre_n**2 + suf_v / suf_n**2)
    zs = np.divide(suf_r / suf_n - pre_r / pre_n, se, out=np.zeros(len(k)), where=se > 0)
    best = int(np.argmax(zs))
    return float(zs[best]), float(t[k[best]])


def change_point_z(log: VoteLog, theta: np.ndarray, n_clients: int) -> np.ndarray:
    """Per identity: minus the largest |standardized residual| of one model's record over
    any final stretch of at least ``MIN_TAIL`` of the identity's battles with that model
    (0 with fewer).

    For each (identity, model), a vote's residual is the model's score minus its win
    probability under the reference, in time order. An honest history drifts around 0;
    a sleeper that turns to back (or sink) one model leaves a final stretch far from it,
    however long and honest its earlier record was, which a test of the whole record (or
    of agreement with the favourite, which backing a target against weaker models
    satisfies) dilutes.
    """
    rows = np.flatnonzero(log.voted & (log.outcome != 0.5))
    out = np.zeros(n_clients)
    if len(rows) == 0:
        return out
    k = len(theta)
    p_a = expit(theta[log.a[rows]] - theta[log.b[rows]])
    won = np.r_[log.outcome[rows], 1.0 - log.outcome[rows]]
    p = np.r_[p_a, 1.0 - p_a]
    key = np.r_[log.client[rows] * k + log.a[rows], log.client[rows] * k + log.b[rows]]
    t = np.r_[log.t[rows], log.t[rows]]
    order = np.lexsort((t, key))
    key, resid, var = key[order], (won - p)[order], (p * (1 - p))[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    group = np.repeat(np.arange(len(starts)), ends - starts)
    # Suffix sums within each (identity, model): reverse cumulative sums, restarted per group.
    rev_r = np.cumsum(resid[::-1])[::-1]
    rev_v = np.cumsum(var[::-1])[::-1]
    tail_r = rev_r - np.r_[rev_r, 0.0][ends][group]
    tail_v = rev_v - np.r_[rev_v, 0.0][ends][group]
    tail_n = ends[group] - np.arange(len(key))
    judged = (tail_n >= MIN_TAIL) & (tail_v > 0)
    zs = np.where(judged, np.abs(tail_r) / np.sqrt(np.maximum(tail_v, 1e-12)), 0.0)
    worst = np.maximum.reduceat(zs, starts)
    np.maximum.at(out, key[starts] // k, worst)
    return -out


def suspect_rows(log: VoteLog, flags: list[ModelFlag], veteran_rows: np.ndarray) -> np.ndarray:
    """Votes to hold on flagged models: from identities without a long history, since the
    model's split, on battles with the model, and every vote from then on of such an
    identity that backed it (votes against the models around a target are the other half
    of the omnipresent attack)."""
    held = np.zeros(len(log.t), bool)
    n = int(log.client.max()) + 1 if len(log.client) else 0
    for f in flags:
        window = log.voted & ~veteran_rows & (log.t >= f.since)
        shows = (log.a == f.model) | (log.b == f.model)
        for_a, for_b = log.outcome == 1.0, log.outcome == 0.0
        backed = window & (((log.a == f.model) & for_a) | ((log.b == f.model) & for_b))
        suspect = np.zeros(n, bool)
        suspect[log.client[backed]] = True
        held |= window & (shows | suspect[log.client])
    return held
