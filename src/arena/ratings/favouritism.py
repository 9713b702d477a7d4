"""Does a client favour one model beyond its rating? And do new identities do it together?

Invariant: the reference ratings never include the votes being judged when it
matters. They are fitted on *established* clients only (old enough, enough
votes, not flagged), then refitted without every client flagged in the previous
pass, so an attacker's votes cannot flatter the model they push (the weakness of
a fit on the attacked board, issue 19).

Two tests, both per (client, model) and only on decisive votes (a tie is a habit,
not evidence; as in :mod:`arena.ratings.anomaly`):

- **favouritism**: over the client's battles where model ``m`` appeared, ``m``'s
  wins against the sum of its win probabilities under the reference; ``z`` uses the
  Bernoulli variances and a continuity correction. A vote-rigger who backs a target
  whenever it shows up (a quarter of an 8-model arena's battles) stands out here
  long before a whole-record likelihood test notices 25% odd votes.
- **coordinated**: the same sums pooled over a *group* of new identities (first seen
  within a short window). Forty Sybils of ten votes each are each too small to
  judge, but together they back the target in every battle. When the pooled ``z``
  passes the threshold, each member whose own record leans the same way is flagged.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from arena.ratings.anomaly import _encode
from arena.ratings.bt import fit_theta
from arena.ratings.counts import PairCounts

__all__ = ["FAVOURITISM_Z", "Favouritism", "favouritism_scan"]

#: |z| for one (client, model) pair. A client is tested on every model it met, and an
#: arena has many clients: two normal tails past 4.0 hold ~6e-5 of honest records; with
#: the lean floor, 1 of 10,000 honest clients was flagged in 100 simulated 8-model arenas
#: (3.5 flagged 22; 4.5 let the 12%-rigged mostly-honest attack lift its target).
FAVOURITISM_Z = 4.0

#: A coordinated group's member must have met the model this often (and lean with the
#: group by ``member_z``): an honest newcomer who met a weak target twice in an attack
#: window and liked it both times was swept up in the simulator. With 3 meetings and z 2,
#: 7 of 400 honest newcomers voting beside 40 Sybils were flagged (20 seeds); the Sybils
#: with fewer meetings (about half) stay held back with their one or two rigged votes.
MEMBER_BATTLES = 3


@dataclass(frozen=True)
class Favouritism:
    """One flagged (client, model) record.

    Attributes
    ----------
    client, model : str
    test : str
        ``favouritism`` (the client alone), ``coordinated`` (its group's pooled record), or
        ``suspect``: it leaned with a coordinated group but met the model too rarely to be
        flagged (not a flag; the caller keeps it from counting on age alone).
    battles : int
        The client's decisive battles where ``model`` appeared.
    wins, expected : float
        ``model``'s wins in them, and the reference's expectation.
    z : float
        For ``favouritism``, the client's z; for ``coordinated``, the group's pooled z.
        Positive: the client (or group) backs ``model``; negative: votes against it.
    group : int
        Identities in the coordinated group (1 for ``favouritism``).
    """

    client: str
    model: str
    test: str
    battles: int
    wins: float
    expected: float
    z: float
    group: int = 1


def favouritism_scan(
    client: np.ndarray | Sequence[str],
    model_a: np.ndarray | Sequence[str],
    model_b: np.ndarray | Sequence[str],
    outcome: np.ndarray | Sequence[float] | Sequence[str],
    *,
    established: Collection[str],
    new: Collection[str] = (),
    excluded: Collection[str] = (),
    z_threshold: float = FAVOURITISM_Z,
    min_battles: int = 8,
    min_group: int = 3,
    member_z: float = 2.0,
    passes: int = 4,
    trim_z: float = 2.5,
    min_lean: float = 0.15,
) -> list[Favouritism]:
    """Flag clients who favour (or oppose) one model beyond its reference rating.

    Parameters
    ----------
    client, model_a, model_b, outcome : array-like, shape (N,)
        One entry per vote; outcome for A as 1.0 / 0.0 / 0.5 or winner strings.
    established : collection of str
        Clients whose votes may form the reference fit. If none of them voted, the
        fit falls back to every client not ``excluded``.
    new : collection of str
        New identities, judged together by the coordinated test.
    excluded : collection of str
        Clients never in the fit (already flagged, held back); still judged.
    min_battles : int
        Fewer battles with a model never flag a client alone for it.
    min_lean : float
        Smallest lean worth a flag: (wins - expected) / battles, alone or pooled. Without
        it, enough votes make any taste (or the fit's own shrinkage) "significant": a
        power user who mildly likes one model's style, or a thousand newcomers pooled.
    passes, trim_z : int, float
        Fit-and-test rounds. Each refit leaves out flagged clients and every
        (client, model) record with ``|z| >= trim_z`` (votes of that client in battles
        with that model); honest records past 2.5 are rare and lean both ways.
    min_group, member_z : int, float
        A coordinated flag needs at least ``min_group`` identities with the model in
        their battles; a member is flagged if it met the model ``MEMBER_BATTLES`` times and its own
        z leans the same way by ``member_z`` (one lucky win is not enough: an honest
        newcomer voting in the same window must not be swept up). Members left unflagged
        stay held back until they mature, a single vote's worth of harm each.

    Returns
    -------
    list of Favouritism
        At most one record per client (its strongest), strongest first; ``suspect``
        records (not flags) last.
    """
    v = _encode(client, model_a, model_b, outcome)
    c, k = v.clients.size, v.models.size
    decisive = v.y != 0.5
    ci, ia, ib, y = v.ci[decisive], v.ia[decisive], v.ib[decisive], v.y[decisive]

    def members(names: Collection[str]) -> np.ndarray:
        return np.isin(v.clients, np.array(sorted(names), dtype=str))

    out_of_fit = members(excluded)
    in_fit = members(established) & ~out_of_fit
    if not in_fit[v.ci].any():
        in_fit = ~out_of_fit
    flagged = np.zeros(c, dtype=bool)
    trimmed = np.zeros((c, k), dtype=bool)
    for _ in range(max(1, passes)):
        keep = (in_fit & ~flagged)[v.ci] & ~trimmed[v.ci, v.ia] & ~trimmed[v.ci, v.ib]
        counts = PairCounts.from_indices(v.models.tolist(), v.ia[keep], v.ib[keep], v.y[keep])
        theta = fit_theta(counts.a, counts.b, *counts.half_win_weights(), k)
        n, obs, exp, var = _per_client_model(ci, ia, ib, y, theta, c, k)
        z = _z(obs, exp, var, continuity=0.5)
        lean = np.divide(obs - exp, n, out=np.zeros_like(n), where=n > 0)
        alone = (n >= min_battles) & (np.abs(z) >= z_threshold) & (np.abs(lean) >= min_lean)
        # Trimmed reference: a client's votes on a model it leans on unusually hard leave
        # the next fit, so several colluders cannot hide behind the rating they inflate.
        now, cells = alone.any(axis=1), np.abs(z) >= trim_z
        if np.array_equal(now, flagged) and np.array_equal(cells, trimmed):
            break
        flagged, trimmed = now, cells

    found: dict[int, Favouritism] = {}
    for i, m in zip(*np.nonzero(alone), strict=True):
        _keep_strongest(found, i, Favouritism(
            str(v.clients[i]), str(v.models[m]), "favouritism", int(n[i, m]),
            float(obs[i, m]), float(exp[i, m]), float(z[i, m]),
        ))  # fmt: skip
    group = members(new)
    own = _z(obs, exp, var, continuity=0.0)
    suspects: dict[int, Favouritism] = {}
    # Strongest pooled lean first; its members leave the group before the next look, so
    # a Sybil swarm's side effects (say, coin flips that seem to oppose the top model)
    # are not pinned on the honest newcomers who happen to share its window.
    while group.sum() >= min_group:
        g_n = (n[group] > 0).sum(axis=0)
        g_obs, g_exp = obs[group].sum(axis=0), exp[group].sum(axis=0)
        g_z = _z(g_obs, g_exp, var[group].sum(axis=0), 0.5)
        g_lean = (g_obs - g_exp) / np.maximum(n[group].sum(axis=0), 1.0)
        g_z = np.where((g_n >= min_group) & (np.abs(g_lean) >= min_lean), g_z, 0.0)
        m = int(np.argmax(np.abs(g_z)))
        if abs(g_z[m]) < z_threshold:
            break
        leaning = group & (n[:, m] > 0) & (np.sign(g_z[m]) * own[:, m] > 0)
        hit = leaning & (n[:, m] >= MEMBER_BATTLES) & (np.sign(g_z[m]) * own[:, m] >= member_z)
        if not leaning.any():
            break
        for i in np.flatnonzero(leaning):
            test = "coordinated" if hit[i] else "suspect"
            record = Favouritism(
                str(v.clients[i]), str(v.models[m]), test, int(n[i, m]),
                float(obs[i, m]), float(exp[i, m]), float(g_z[m]), int(leaning.sum()),
            )  # fmt: skip
            if hit[i]:
                _keep_strongest(found, i, record)
            else:
                suspects.setdefault(int(i), record)
        # Members leaning the same way leave the group before the next look: their other
        # votes are not evidence against the honest newcomers left in it. Those that met
        # the model too rarely to flag are returned as ``suspect``: not flagged, but a
        # scan should not release them on age alone.
        group &= ~leaning
    suspects = {i: f for i, f in suspects.items() if i not in found}
    ranked = [*found.values(), *suspects.values()]
    return sorted(ranked, key=lambda f: (f.test == "suspect", -abs(f.z)))


def _per_client_model(
    ci: np.ndarray, ia: np.ndarray, ib: np.ndarray, y: np.ndarray, theta: np.ndarray, c: int, k: int
) -> tuple[np.ndarray, ...]:
    """Battles, wins, expected wins and variance per (client, model), each shape (C, K)."""
    p = expit(theta[ia] - theta[ib])  # P(A wins)
    var = p * (1.0 - p)
    cells = np.concatenate([ci * k + ia, ci * k + ib])
    size = c * k

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(cells, values, minlength=size).reshape(c, k)

    n = total(np.ones(cells.size))
    obs = total(np.concatenate([y, 1.0 - y]))
    exp = total(np.concatenate([p, 1.0 - p]))
    return n, obs, exp, total(np.concatenate([var, var]))


def _z(obs: np.ndarray, exp: np.ndarray, var: np.ndarray, continuity: float) -> np.ndarray:
    """(obs - exp) / sd, shrunk toward 0 by ``continuity`` (0 where nothing is uncertain)."""
    diff = obs - exp
    shrunk = np.sign(diff) * np.maximum(np.abs(diff) - continuity, 0.0)
    sd = np.sqrt(var)
    return np.divide(shrunk, sd, out=np.zeros_like(sd), where=sd > 0)


def _keep_strongest(found: dict[int, Favouritism], i: int, f: Favouritism) -> None:
    if i not in found or abs(f.z) > abs(found[i].z):
        found[int(i)] = f
