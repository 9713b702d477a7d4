"""Price and speed beside the score: registry prices, medians of stored reply timings,
and the score-versus-price Pareto front."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from arena.boards.assembly import blended_price, pareto_front
from tests.support.api import voted_battle

PRICED = [
    {
        "name": "cheap",
        "model": "echo-a",
        "organization": "Org A",
        "price_input_per_mtok": 0.2,
        "price_output_per_mtok": 0.6,
    },
    {
        "name": "dear",
        "model": "markdown",
        "organization": "Org B",
        "price_input_per_mtok": 3.0,
        "price_output_per_mtok": 15.0,
    },
    {"name": "unpriced", "model": "echo-b", "organization": "Org C"},
]


def test_blended_price_is_three_to_one() -> None:
    assert blended_price(1.0, 5.0) == 2.0
    assert blended_price(None, 5.0) is None


rows_strategy = st.lists(
    st.tuples(st.floats(500, 1500), st.one_of(st.none(), st.floats(0, 100))),
    min_size=0,
    max_size=15,
)


@settings(max_examples=200, deadline=None)
@given(rows_strategy)
def test_pareto_front_is_exactly_the_undominated_priced_models(points: list) -> None:
    rows = [
        {"model": f"m{i}", "score": s, "price_blended_per_mtok": p, "rank": 1}
        for i, (s, p) in enumerate(points)
    ]
    front = set(pareto_front(rows))
    priced = [r for r in rows if r["price_blended_per_mtok"] is not None]

    def dominated(r: dict) -> bool:
        return any(
            o["price_blended_per_mtok"] <= r["price_blended_per_mtok"]
            and o["score"] >= r["score"]
            and (
                o["price_blended_per_mtok"] < r["price_blended_per_mtok"] or o["score"] > r["score"]
            )
            for o in priced
        )

    for r in priced:
        if r["model"] in front:
            assert not dominated(r)
    # each undominated price-score point is on the front once (ties keep one model)
    undominated = {(r["score"], r["price_blended_per_mtok"]) for r in priced if not dominated(r)}
    on_front = {(r["score"], r["price_blended_per_mtok"]) for r in priced if r["model"] in front}
    assert on_front == undominated


def test_board_shows_price_speed_and_the_front(start_app) -> None:
    app = start_app(PRICED, leaderboard_refresh_seconds=0, leaderboard_min_votes=0)
    with app.client() as client:
        for i in range(9):
            voted_battle(client, f"question {i}", winner=["model_a", "model_b", "tie"][i % 3])
        board = client.get("/api/v1/leaderboard").json()
    rows = {r["model"]: r for r in board["models"]}
    assert rows["cheap"]["price_input_per_mtok"] == 0.2
    assert rows["cheap"]["price_blended_per_mtok"] == blended_price(0.2, 0.6)
    assert rows["unpriced"]["price_blended_per_mtok"] is None
    for r in rows.values():
        assert r["median_ttft_ms"] is not None and r["median_ttft_ms"] >= 0
    assert set(board["pareto_front"]) <= {"cheap", "dear"}
    assert board["pareto_front"] and board["pareto_front"][0] in {"cheap", "dear"}
