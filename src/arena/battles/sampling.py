"""Which two models meet. The policy and the exact probability of the pair are stored
with every battle, so anyone can audit the sampling or reweight votes by it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from arena.battles.roster import Contestant
from arena.errors import ServiceUnavailable


@dataclass(frozen=True, slots=True)
class Pairing:
    model_a: Contestant
    model_b: Contestant
    probability: float
    """Probability that this unordered pair was drawn (sides are then random)."""
    policy: str


class SamplingPolicy(Protocol):
    name: str

    def draw(self, candidates: Sequence[Contestant], rng: random.Random) -> Pairing: ...


class WeightedRandomPolicy:
    """Draw the first model by weight, the second by weight among the rest."""

    name = "weighted_random/v1"

    def draw(self, candidates: Sequence[Contestant], rng: random.Random) -> Pairing:
        pool = [c for c in candidates if c.spec.sampling_weight > 0]
        if len(pool) < 2:
            raise ServiceUnavailable("fewer than two models are available for battles right now")
        weights = [c.spec.sampling_weight for c in pool]
        total = sum(weights)
        i = rng.choices(range(len(pool)), weights=weights)[0]
        rest = [j for j in range(len(pool)) if j != i]
        j = rng.choices(rest, weights=[weights[k] for k in rest])[0]
        wi, wj = weights[i], weights[j]
        probability = wi / total * wj / (total - wi) + wj / total * wi / (total - wj)
        return Pairing(pool[i], pool[j], probability, self.name)
