"""Expected reweighted Bradley–Terry scores from arena-rank, the independent reference.

Run with the reference venv (never by the default suite, which has no jax):

    python3 -m venv .venv-reference && .venv-reference/bin/pip install arena-rank
    .venv-reference/bin/python tests/reference/arena_rank_reweighted.py > \
        tests/fixtures/arena_rank_reweighted.json

The votes are drawn here (seeded) with very unequal pair frequencies and a preference
that Bradley–Terry does not fit exactly (one pair is lopsided beyond the model), so the
reweighted and plain fits differ by whole points: a test that compares to 0.01 can tell
them apart. The JSON holds the votes aggregated per (model_a, model_b, winner) and
arena-rank's scores with and without reweighting.
"""

from __future__ import annotations

import json
import sys

import numpy as np

MODELS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
STRENGTH = {"alpha": 1.0, "bravo": 0.6, "charlie": 0.3, "delta": 0.0, "echo": -0.4, "foxtrot": -0.8}
# Votes per unordered pair: one pair shown far more often than the rest, some rarely.
FREQUENT = {("alpha", "echo"): 3000, ("bravo", "charlie"): 1500, ("delta", "foxtrot"): 20}
DEFAULT_PAIR_VOTES = 120
# Beyond Bradley–Terry: alpha beats echo more often than their strengths say.
EXTRA = {("alpha", "echo"): 1.5}


def votes(seed: int = 7) -> list[tuple[str, str, str, int]]:
    rng = np.random.default_rng(seed)
    out: dict[tuple[str, str, str], int] = {}
    for i, a in enumerate(MODELS):
        for b in MODELS[i + 1 :]:
            n = FREQUENT.get((a, b), DEFAULT_PAIR_VOTES)
            d = STRENGTH[a] - STRENGTH[b] + EXTRA.get((a, b), 0.0)
            p_a = 1.0 / (1.0 + np.exp(-d))
            p_tie = 0.15
            draws = rng.choice(3, size=n, p=[(1 - p_tie) * p_a, (1 - p_tie) * (1 - p_a), p_tie])
            swap = rng.random(n) < 0.5  # either side may be shown first
            for outcome, flipped in zip(draws.tolist(), swap.tolist(), strict=True):
                left, right = (b, a) if flipped else (a, b)
                winner = ["model_a", "model_b", "tie"][outcome]
                if flipped and outcome < 2:
                    winner = ["model_b", "model_a"][outcome]
                key = (left, right, winner)
                out[key] = out.get(key, 0) + 1
    return [(a, b, w, n) for (a, b, w), n in sorted(out.items())]


def main() -> None:
    import pandas as pd
    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.utils.data_utils import PairDataset

    rows = votes()
    df = pd.DataFrame(
        [(a, b, w) for a, b, w, n in rows for _ in range(n)],
        columns=["model_a", "model_b", "winner"],
    )
    expected = {}
    for reweighted in (True, False):
        data = PairDataset.from_pandas(df, reweighted=reweighted)
        model = BradleyTerry(n_competitors=len(data.competitors))
        result = model.compute_ratings_and_cis(data, ci_method="sandwich")
        expected["reweighted" if reweighted else "plain"] = {
            name: round(float(score), 4)
            for name, score in zip(result["competitors"], result["ratings"], strict=True)
        }
    json.dump({"votes": rows, "arena_rank": expected}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
