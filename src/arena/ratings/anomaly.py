"""Per-client anomaly scores: how likely is each voter's record under the current ratings?

Invariant: a client's score compares the log-likelihood of its votes under the
Bradley–Terry scores with what an honest voter would get on the *same battles*,
so it does not depend on which pairs the client happened to see. For each vote
with P(A beats B) = p and outcome y (1, 0, or 0.5 for a tie) the observed
log-likelihood is ``y log p + (1 - y) log(1 - p)`` (a tie: half of each). The
client's sum is centred by its expectation and scaled by its standard deviation
(sums of per-vote moments, votes independent given the scores) into ``z``; a
large negative ``z`` means the client keeps picking the model the ratings say
should lose, as in the Chatbot Arena paper's anomalous-user detection.

Ties are taken as given (expectation = observed, variance 0): whether someone
ties is a habit, not information about which model is stronger, and scoring it
would flag honest voters who tie a lot. So only decisive votes move ``z``.

Bias: reference scores fitted on all votes include the attacker's votes, which
lift the model it favours and make it look less anomalous. :func:`robust_voter_scores`
counters this by refitting without the clients flagged in the previous pass.

Everything is vectorised (one ``np.unique`` per key, ``np.bincount`` for sums):
1M votes take well under a second plus the BT fits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit

from arena.ratings.bt import fit_bradley_terry
from arena.ratings.counts import PairCounts, outcome_codes

__all__ = ["DEFAULT_Z_THRESHOLD", "VoterScore", "robust_voter_scores", "voter_anomaly_scores"]

#: Flag below this z. Under the null a client's z is roughly standard normal; the left
#: tail is a little heavier than normal for few lopsided votes, hence a strict cut.
DEFAULT_Z_THRESHOLD = -4.0

ScoreTable = Mapping[str, float] | tuple[Sequence[str], np.ndarray]


@dataclass(frozen=True)
class VoterScore:
    """One client's record under the ratings.

    Attributes
    ----------
    client : str
    votes : int
        Votes scored (both models rated), ties included.
    mean_loglik, expected_loglik : float
        Observed and honest-voter expected log-likelihood per vote.
    z : float
        (observed - expected) / sd of the sum; 0 when nothing is uncertain.
    flagged : bool
        ``votes >= min_votes`` and ``z < z_threshold``.
    """

    client: str
    votes: int
    mean_loglik: float
    expected_loglik: float
    z: float
    flagged: bool


def voter_anomaly_scores(
    client: np.ndarray | Sequence[str],
    model_a: np.ndarray | Sequence[str],
    model_b: np.ndarray | Sequence[str],
    outcome: np.ndarray | Sequence[float],
    scores: ScoreTable,
    *,
    min_votes: int = 20,
    z_threshold: float = DEFAULT_Z_THRESHOLD,
    scale: float = 400.0,
    base: float = 10.0,
) -> list[VoterScore]:
    """Score every client against fixed ratings.

    Parameters
    ----------
    client, model_a, model_b : array-like of str, shape (N,)
    outcome : array-like, shape (N,)
        Outcome for model A: 1.0, 0.0 or 0.5 (winner strings also accepted).
    scores : dict name -> score, or (models, scores array of shape (K,))
        Displayed scores (``scale`` points per factor ``base`` in odds). Votes
        naming a model without a score are left out.
    min_votes : int
        Fewer scored votes than this never flag (too little evidence).

    Returns
    -------
    list of VoterScore
        One per client with at least one scored vote, most anomalous (lowest z) first.
    """
    names, values = _score_arrays(scores)
    cl = np.asarray(client).astype(str)
    y = _outcome_for_a(outcome)
    ia, ok_a = _lookup(names, model_a)
    ib, ok_b = _lookup(names, model_b)
    if not (cl.shape == ia.shape == ib.shape == y.shape):
        raise ValueError("client, model_a, model_b and outcome need one entry per vote")
    ok = ok_a & ok_b & (ia != ib)
    cl, ia, ib, y = cl[ok], ia[ok], ib[ok], y[ok]
    if cl.size == 0:
        return []

    d = (values[ia] - values[ib]) * (np.log(base) / scale)  # log-odds that A wins
    logp, logq = log_expit(d), log_expit(-d)
    observed = y * logp + (1.0 - y) * logq
    tie = y == 0.5
    p = expit(d)
    expected = np.where(tie, observed, p * logp + (1.0 - p) * logq)
    # Var of a Bernoulli log-likelihood: p q (log p - log q)^2, and log p - log q = d.
    variance = np.where(tie, 0.0, p * (1.0 - p) * d * d)

    clients, inv = np.unique(cl, return_inverse=True)
    n = np.bincount(inv, minlength=clients.size)
    obs_sum = np.bincount(inv, observed, minlength=clients.size)
    exp_sum = np.bincount(inv, expected, minlength=clients.size)
    var_sum = np.bincount(inv, variance, minlength=clients.size)
    sd = np.sqrt(var_sum)
    z = np.divide(obs_sum - exp_sum, sd, out=np.zeros_like(sd), where=sd > 0)
    flagged = (n >= min_votes) & (z < z_threshold)

    order = np.argsort(z, kind="stable")
    return [
        VoterScore(
            client=str(clients[i]),
            votes=int(n[i]),
            mean_loglik=float(obs_sum[i] / n[i]),
            expected_loglik=float(exp_sum[i] / n[i]),
            z=float(z[i]),
            flagged=bool(flagged[i]),
        )
        for i in order.tolist()
    ]


def robust_voter_scores(
    client: np.ndarray | Sequence[str],
    model_a: np.ndarray | Sequence[str],
    model_b: np.ndarray | Sequence[str],
    outcome: np.ndarray | Sequence[float],
    *,
    min_votes: int = 20,
    z_threshold: float = DEFAULT_Z_THRESHOLD,
    passes: int = 2,
    exclude_from_fit: Collection[str] = (),
) -> list[VoterScore]:
    """Fit ratings, flag, refit without the flagged clients, score again.

    The first fit includes any attacker's votes and so flatters the model it
    favours; refitting without flagged clients removes that pull, and the last
    pass scores every client (flagged or not) against the cleaner ratings.

    Parameters
    ----------
    client, model_a, model_b, outcome : array-like, shape (N,)
        As in :func:`voter_anomaly_scores`.
    passes : int
        Fit-and-score rounds (>= 1); stops early when the flagged set is stable.
    exclude_from_fit : collection of str
        Clients already known to be anomalous: left out of every fit, still scored.

    Returns
    -------
    list of VoterScore
        From the last pass, lowest z first.
    """
    cl = np.asarray(client).astype(str)
    a = np.asarray(model_a).astype(str)
    b = np.asarray(model_b).astype(str)
    y = _outcome_for_a(outcome)
    excluded = set(exclude_from_fit)
    result: list[VoterScore] = []
    for _ in range(max(1, passes)):
        keep = ~np.isin(cl, np.array(sorted(excluded), dtype=str))
        counts = PairCounts.from_votes(a[keep], b[keep], y[keep])
        fitted = fit_bradley_terry(counts)
        result = voter_anomaly_scores(
            cl, a, b, y, (counts.models, fitted), min_votes=min_votes, z_threshold=z_threshold
        )
        now = set(exclude_from_fit) | {s.client for s in result if s.flagged}
        if now == excluded:
            break
        excluded = now
    return result


def _score_arrays(scores: ScoreTable) -> tuple[np.ndarray, np.ndarray]:
    """Sorted model names and their scores, for ``searchsorted`` look-ups."""
    if isinstance(scores, Mapping):
        names = np.array(list(scores.keys()), dtype=str)
        values = np.array(list(scores.values()), dtype=np.float64)
    else:
        names = np.asarray(scores[0]).astype(str)
        values = np.asarray(scores[1], dtype=np.float64)
    if names.shape != values.shape:
        raise ValueError("one score per model")
    order = np.argsort(names)
    return names[order], values[order]


def _lookup(names: np.ndarray, models: np.ndarray | Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Index of each model in sorted ``names``, and whether it was found."""
    m = np.asarray(models).astype(str)
    if names.size == 0:
        return np.zeros(m.shape, dtype=np.int64), np.zeros(m.shape, dtype=bool)
    idx = np.clip(np.searchsorted(names, m), 0, names.size - 1)
    return idx, names[idx] == m


def _outcome_for_a(outcome: np.ndarray | Sequence[float] | Sequence[str]) -> np.ndarray:
    """Outcomes as floats 1/0/0.5 (accepts winner strings, like ``PairCounts``)."""
    codes = outcome_codes(outcome)
    return np.array([1.0, 0.0, 0.5])[codes]
