"""The published vote-rigging attacks, as voters who see two replies and pick a side.

Invariant: a voter decides only from what a real client sees before the vote, the
two replies' text, plus what the attack assumes it can learn elsewhere: which text
belongs to the target (stylistic fingerprints, Min et al. 2025) and the public
board's order (for the omnipresent attack). An honest voter follows Bradley–Terry
on the true strengths of the two models behind the text it reads.

The attacks (all aimed at lifting one target model):

- ``targeted``: vote for the target when it appears, else a coin flip.
- ``omnipresent``: the target when it appears, else against the models just above it
  on the board (a coin flip when neither is there).
- ``mostly_honest``: the target when it appears (with probability ``rate``), honest
  otherwise; long-standing identities with an honest history.
- ``sybil``: ``targeted``, spread over many fresh identities of a few votes each,
  cast within seconds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["ATTACKS", "Attack", "HonestVoter", "choose"]


@dataclass(frozen=True)
class Attack:
    """One attack's shape.

    Attributes
    ----------
    name : str
        As printed.
    kind : str
        ``targeted``, ``omnipresent``, ``mostly_honest`` or ``sybil``.
    identities : int
        Identities used at once (Sybil: a fresh one every ``votes_per_identity`` votes).
    rate : float
        Probability of voting for the target when it appears (the rest honest).
    votes_per_identity : int
        Sybil only: votes before switching to a new identity.
    seconds_per_vote : float
        Simulated time between two rigged votes (all identities together).
    aged : bool
        The identities have voted honestly for weeks before the attack (sleepers).
    """

    name: str
    kind: str
    identities: int = 5
    rate: float = 1.0
    votes_per_identity: int = 0
    seconds_per_vote: float = 864.0  # 100 rigged votes a day
    aged: bool = False


ATTACKS = (
    Attack("targeted", "targeted"),
    Attack("omnipresent", "omnipresent"),
    Attack("mostly-honest 100%", "mostly_honest", rate=1.0, aged=True),
    Attack("mostly-honest 50%", "mostly_honest", rate=0.5, aged=True),
    Attack("sybil", "sybil", identities=1, votes_per_identity=10, seconds_per_vote=9 / 400),
)


@dataclass(frozen=True)
class HonestVoter:
    """Bradley–Terry on true strengths (log-odds), with ties between close models."""

    theta: tuple[float, ...]
    tie_rate: float = 0.1

    def vote(self, a: int, b: int, rng: random.Random) -> str:
        p = 1.0 / (1.0 + math.exp(-(self.theta[a] - self.theta[b])))
        tie = self.tie_rate * 2.0 * min(p, 1.0 - p)
        u = rng.random()
        if u < p - tie / 2:
            return "model_a"
        if u < 1.0 - tie:
            return "model_b"
        return "tie"


def choose(
    attack: Attack,
    a: int,
    b: int,
    target: int,
    above: frozenset[int],
    honest: HonestVoter,
    rng: random.Random,
) -> str:
    """The attacker's vote on a battle between models ``a`` and ``b`` (indices)."""
    if target in (a, b):
        if attack.kind != "mostly_honest" or rng.random() < attack.rate:
            return "model_a" if a == target else "model_b"
        return honest.vote(a, b, rng)
    if attack.kind == "mostly_honest":
        return honest.vote(a, b, rng)
    if attack.kind == "omnipresent" and (a in above) != (b in above):
        return "model_b" if a in above else "model_a"
    return "model_a" if rng.random() < 0.5 else "model_b"
