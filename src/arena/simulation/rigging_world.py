"""The arena the fast rigging simulator attacks: every battle opened, as arrays.

Invariant: a simulated voter decides only from what a real client sees (which style is
on each side, and the public board for the omnipresent attack); nothing here reads a
defence, so the whole timeline is drawn before any defence judges it, and each defence
judges the same timeline. Times are hours; the attack starts at 0, history is before.

The arena: 8 models 50 points apart, the target second weakest (7th). 60 honest voters
cast 2,400 votes (40 each), over four weeks before the attack in an *aged* arena, over
the 48 hours before it in a *young* one (no voter has a long history yet), and open 30%
more battles they abandon. During the attack honest traffic goes on at the aged
history's rate (a fifth from honest newcomers of 8 votes each). Rigged votes arrive at
100 a day (the Sybil burst: 400 in 9 seconds).

The attacks (``budget`` counts the rigged votes, those cast by the attack's rule):

- ``targeted``, ``omnipresent``, ``mostly_honest`` (100%, and ``mostly_honest_50``),
  ``sybil``: last round's (:mod:`arena.simulation.rigging_attacks`).
- ``selective``: fresh identities of 2 votes each, voting only on battles that show the
  target and abandoning the rest (about 3 abandoned per vote).
- ``sleeper``: identities that cast 5 honest votes, wait out the 72-hour hold, then
  vote for the target at most 7 times, only when it appears (abandoning the rest).
- ``spread``: many identities, each under every per-identity minimum: 5 honest votes,
  the wait, then battles voted honestly until the target has appeared twice (2 rigged
  votes: under favouritism's 8 battles, the scan's 20 votes, coordination's 3 meetings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arena.integrity.selective import VoteLog

__all__ = ["ATTACK_NAMES", "World", "build_world"]

ATTACK_NAMES = (
    "targeted", "omnipresent", "mostly_honest", "mostly_honest_50", "sybil",
    "selective", "sleeper", "spread",
)  # fmt: skip
POINTS_PER_LOGIT = 400.0 / np.log(10.0)
K = 8
TARGET = 1
HONEST = 60
HONEST_VOTES = 40
OLD_SLEEPERS = 5  # honest history, then the mostly-honest attack's identities
ABANDON = 0.3
TIE_RATE = 0.1
NEWCOMER_SHARE = 0.2
NEWCOMER_VOTES = 8
AGED_HOURS = 28 * 24.0
YOUNG_HOURS = 48.0
HONEST_PER_HOUR = HONEST * HONEST_VOTES / AGED_HOURS
RIGGED_PER_HOUR = 100 / 24.0
SYBIL_PER_HOUR = 400 / (9 / 3600)
HOLD_HOURS = 72.0
WARMUP = 5
SLEEPER_VOTES = 7
SPREAD_VOTES = 2
SELECTIVE_VOTES = 2
SPREAD_IDENTITIES_PER_VOTE = 1 / SPREAD_VOTES

HONEST_KIND, NEWCOMER_KIND, ATTACKER_KIND, SPARE_KIND = 0, 1, 2, 3


@dataclass
class World:
    log: VoteLog
    rigged: np.ndarray
    """Per row: cast by the attack's rule for the target (what must be caught or held)."""
    kind: np.ndarray
    """Per identity: honest, newcomer, attacker, or spare (an unused old sleeper)."""
    theta: np.ndarray
    rigged_times: np.ndarray
    """Time of each vote the budget counts, in order (checkpoints fall on these): the
    rigged votes, and for the mostly-honest attack all its identities' votes."""
    young: bool


class _Rows:
    def __init__(self) -> None:
        self.cols: list[list[float]] = [[] for _ in range(8)]

    def add(self, client: int, a: int, b: int, voted: bool, outcome: float, t: float,
            rigged: bool = False, spent: bool | None = None) -> None:  # fmt: skip
        spent = rigged if spent is None else spent
        row = (client, a, b, voted, outcome, t, rigged, spent)
        for col, v in zip(self.cols, row, strict=True):
            col.append(v)


class _Builder:
    def __init__(self, rng: np.random.Generator, theta: np.ndarray) -> None:
        self.rng = rng
        self.theta = theta
        self.rows = _Rows()
        self.kind: list[int] = []

    def identity(self, kind: int) -> int:
        self.kind.append(kind)
        return len(self.kind) - 1

    def pair(self) -> tuple[int, int]:
        a, b = self.rng.choice(K, 2, replace=False)
        return int(a), int(b)

    def honest_outcome(self, a: int, b: int) -> float:
        p = 1.0 / (1.0 + np.exp(-(self.theta[a] - self.theta[b])))
        tie = TIE_RATE * 2.0 * min(p, 1.0 - p)
        u = self.rng.random()
        return 1.0 if u < p - tie / 2 else 0.0 if u < 1.0 - tie else 0.5

    def honest_battle(self, client: int, t: float) -> None:
        """Abandoned battles (30% of those opened), then one voted honestly."""
        while self.rng.random() < ABANDON:
            a, b = self.pair()
            self.rows.add(client, a, b, False, 0.0, t)
        a, b = self.pair()
        self.rows.add(client, a, b, True, self.honest_outcome(a, b), t)

    def until_target(self, client: int, t: float, vote_others: bool) -> None:
        """Open battles until one shows the target; vote for it (rigged)."""
        while True:
            a, b = self.pair()
            if TARGET in (a, b):
                self.rows.add(client, a, b, True, 1.0 if a == TARGET else 0.0, t, True)
                return
            if vote_others:
                self.rows.add(client, a, b, True, self.honest_outcome(a, b), t)
            else:
                self.rows.add(client, a, b, False, 0.0, t)


def build_world(
    attack: str, budget: int, young: bool, seed: int = 0, honest_votes: int = 2400
) -> World:
    """Honest history (``honest_votes`` over 60 voters), honest traffic during the attack,
    and the attack's battles."""
    rng = np.random.default_rng([seed, ATTACK_NAMES.index(attack), int(young)])
    theta = np.arange(K) * 50.0 / POINTS_PER_LOGIT
    w = _Builder(rng, theta)
    history = YOUNG_HOURS if young else AGED_HOURS
    honest = [w.identity(HONEST_KIND) for _ in range(HONEST)]
    old = [w.identity(SPARE_KIND) for _ in range(OLD_SLEEPERS)]
    per_voter = max(1, honest_votes // HONEST)
    for c in honest + old:
        for t in np.sort(-history * rng.random(per_voter)):
            w.honest_battle(c, float(t))
    burst = attack == "sybil"
    per_hour = SYBIL_PER_HOUR if burst else RIGGED_PER_HOUR
    times = np.arange(budget) / per_hour
    if attack in ("sleeper", "spread") and young:
        # Identities can only warm up once the arena exists, then wait out the hold.
        times = np.maximum(times, -YOUNG_HOURS + HOLD_HOURS + 2.0)
    _attack(w, attack, times, old)
    _honest_traffic(w, honest, float(times[-1]) if len(times) else 0.0)
    cols = [np.asarray(c) for c in w.rows.cols]
    order = np.argsort(cols[5], kind="stable")
    client, a, b, voted, outcome, t, rigged, spent = (c[order] for c in cols)
    kind = np.asarray(w.kind)
    if attack.startswith("mostly_honest"):
        kind[old] = ATTACKER_KIND
    log = VoteLog(client.astype(int), a.astype(int), b.astype(int), voted.astype(bool),
                  outcome.astype(float), t.astype(float))  # fmt: skip
    rigged = rigged.astype(bool)
    return World(log, rigged, kind, theta, np.sort(log.t[spent.astype(bool)]), young)


def _attack(w: _Builder, attack: str, times: np.ndarray, old: list[int]) -> None:
    rng = w.rng
    if attack in ("targeted", "omnipresent"):
        ids = [w.identity(ATTACKER_KIND) for _ in range(5)]
        above = {TARGET + 1, TARGET + 2}
        for j, t in enumerate(times):
            a, b = w.pair()
            if TARGET in (a, b):
                out = 1.0 if a == TARGET else 0.0
            elif attack == "omnipresent" and (a in above) != (b in above):
                out = 0.0 if a in above else 1.0
            else:
                out = float(rng.random() < 0.5)
            w.rows.add(ids[j % 5], a, b, True, out, float(t), True)
    elif attack.startswith("mostly_honest"):
        rate = 0.5 if attack.endswith("_50") else 1.0
        for j, t in enumerate(times):
            a, b = w.pair()
            rigs = TARGET in (a, b) and rng.random() < rate
            out = (1.0 if a == TARGET else 0.0) if rigs else w.honest_outcome(a, b)
            # Every vote counts against the budget; only the rule's ones are rigged.
            w.rows.add(old[j % len(old)], a, b, True, out, float(t), bool(rigs), True)
    elif attack == "sybil":
        who = -1
        for j, t in enumerate(times):
            if j % 10 == 0:
                who = w.identity(ATTACKER_KIND)
            a, b = w.pair()
            out = (1.0 if a == TARGET else 0.0) if TARGET in (a, b) else float(rng.random() < 0.5)
            w.rows.add(who, a, b, True, out, float(t), True)
    elif attack == "selective":
        who = -1
        for j, t in enumerate(times):
            if j % SELECTIVE_VOTES == 0:
                who = w.identity(ATTACKER_KIND)
            w.until_target(who, float(t), vote_others=False)
    elif attack in ("sleeper", "spread"):
        per = SLEEPER_VOTES if attack == "sleeper" else SPREAD_VOTES
        who = -1
        for j, t in enumerate(times):
            if j % per == 0:
                who = w.identity(ATTACKER_KIND)
                # Warm up just long enough before this identity's first rigged vote.
                start = float(t) - HOLD_HOURS - 2.0
                for s in np.sort(start + 2.0 * rng.random(WARMUP)):
                    a, b = w.pair()
                    w.rows.add(who, a, b, True, w.honest_outcome(a, b), float(s))
            w.until_target(who, float(t), vote_others=attack == "spread")
    else:
        raise ValueError(f"unknown attack {attack!r}")


def _honest_traffic(w: _Builder, honest: list[int], until: float) -> None:
    rng = w.rng
    n = rng.poisson(HONEST_PER_HOUR * max(until, 0.0))
    newcomer, left = -1, 0
    for t in np.sort(until * rng.random(n)):
        if rng.random() < NEWCOMER_SHARE:
            if left == 0:
                newcomer, left = w.identity(NEWCOMER_KIND), NEWCOMER_VOTES
            left -= 1
            w.honest_battle(newcomer, float(t))
        else:
            w.honest_battle(honest[int(rng.integers(len(honest)))], float(t))
