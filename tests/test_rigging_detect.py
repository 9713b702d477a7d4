"""Detection that does not trust the attacked board (issue 19): favouritism against a
trimmed reference, coordinated new identities, and the trust weight's rule."""

from __future__ import annotations

import numpy as np
import pytest

from arena.integrity.trust import TrustPolicy, trust_weights
from arena.ratings.favouritism import favouritism_scan
from arena.ratings.synthetic import simulate_votes

THETA = np.arange(8) * 50 / (400 / np.log(10))  # 8 models, 50 points apart; m1 is the target
MODELS = np.array([f"m{i}" for i in range(8)], dtype=object)


def _arena(seed: int, colluders: int = 0, per: int = 0, sybils: int = 0, new_honest: int = 0):
    """60 established honest clients x 40 votes, plus attackers backing m1 when it appears:
    ``colluders`` long-standing identities (honest otherwise) and ``sybils`` fresh ones of 10
    votes (coin flips otherwise); ``new_honest`` fresh honest identities of 10 votes."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, int, int, float]] = []

    def honest(a: int, b: int) -> float:
        return float(rng.random() < 1 / (1 + np.exp(THETA[b] - THETA[a])))

    def cast(client: str, n: int, rule) -> None:  # type: ignore[no-untyped-def]
        for _ in range(n):
            a, b = (int(x) for x in rng.choice(8, 2, replace=False))
            rows.append((client, a, b, rule(a, b)))

    def backs_target(otherwise):  # type: ignore[no-untyped-def]
        return lambda a, b: float(a == 1) if 1 in (a, b) else otherwise(a, b)

    for c in range(60):
        cast(f"h{c}", 40, honest)
    for c in range(colluders):
        cast(f"s{c}", per, backs_target(honest))
    for c in range(sybils):
        cast(f"y{c}", 10, backs_target(lambda a, b: float(rng.random() < 0.5)))
    for c in range(new_honest):
        cast(f"n{c}", 10, honest)
    client, a, b, y = zip(*rows, strict=True)
    return np.array(client, dtype=object), MODELS[list(a)], MODELS[list(b)], np.array(y)


def test_colluders_hidden_behind_the_rating_they_inflate_are_found() -> None:
    """25 long-standing identities back the target in a quarter of their 40 votes: fitted on
    all votes, the target looks strong enough to hide them; the trimmed fit does not."""
    client, a, b, y = _arena(seed=2, colluders=25, per=40)
    established = set(client.tolist())
    found = favouritism_scan(client, a, b, y, established=established)
    naive = favouritism_scan(client, a, b, y, established=established, trim_z=np.inf)
    caught = {f.client for f in found}
    assert {c for c in caught if c.startswith("h")} == set()
    assert len(caught) >= 15  # the rest met the target too rarely to tell
    assert all(f.model == "m1" and f.z > 0 and f.test == "favouritism" for f in found)
    assert len(naive) <= 2


def test_sybils_too_small_to_judge_alone_are_found_together() -> None:
    client, a, b, y = _arena(seed=3, sybils=40, new_honest=20)
    established = {c for c in set(client.tolist()) if c.startswith("h")}
    new = set(client.tolist()) - established
    alone = favouritism_scan(client, a, b, y, established=established)
    assert alone == []  # ten votes each: nobody alone is evidence
    everything = favouritism_scan(client, a, b, y, established=established, new=new)
    found = [f for f in everything if f.test != "suspect"]
    suspects = {f.client for f in everything if f.test == "suspect"}
    sybils = {f.client for f in found if f.client.startswith("y")}
    # Sybils that met the target once or twice are suspects: kept from counting on age.
    assert len(sybils | {c for c in suspects if c.startswith("y")}) >= 36
    # The rest met the target fewer than three times: held back (new), not flagged.
    assert len(sybils) >= 15
    assert all(f.test == "coordinated" and f.model == "m1" and f.group >= 30 for f in found)
    assert len({f.client for f in found if f.client.startswith("n")}) <= 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_honest_arenas_flag_nobody(seed: int) -> None:
    sv = simulate_votes(30, 60_000, seed=seed, tie_rate=0.1)
    a, b = sv.names()
    rng = np.random.default_rng(seed + 100)
    client = np.array([f"c{i:04d}" for i in rng.integers(0, 400, 60_000)], dtype=object)
    newcomers = {f"c{i:04d}" for i in range(100)}  # a quarter of the clients, pooled
    found = favouritism_scan(
        client, a, b, sv.outcome, established=set(client.tolist()) - newcomers, new=newcomers
    )
    assert found == []
    client, a, b, y = _arena(seed, new_honest=40)
    new = {c for c in set(client.tolist()) if c.startswith("n")}
    assert favouritism_scan(client, a, b, y, established=set(client.tolist()) - new, new=new) == []


def test_trust_grows_with_age_and_votes_and_accounts_have_a_hook() -> None:
    policy = TrustPolicy(min_age_hours=72, min_votes=5)
    w = trust_weights(np.array([0, 36, 72, 200, 200]), np.array([5, 5, 5, 2, 9]), policy)
    np.testing.assert_allclose(w, [0.0, 0.5, 1.0, 0.4, 1.0])
    accounts = TrustPolicy(min_age_hours=72, min_votes=5, account_age_factor=0.5)
    signed = trust_weights(np.array([36, 36]), np.array([5, 5]), accounts, np.array([True, False]))
    np.testing.assert_allclose(signed, [1.0, 0.5])
    off = TrustPolicy(min_age_hours=0, min_votes=0)
    assert not off.holds
    assert trust_weights(np.array([0.0]), np.array([0]), off).tolist() == [1.0]
    assert "72 hours" in policy.describe()
