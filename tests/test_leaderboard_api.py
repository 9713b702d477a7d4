"""Categories and style control on the live board."""

from __future__ import annotations

from tests.support.api import voted_battle
from tests.support.rosters import STYLE_MODELS as MODELS


def test_categories_and_style_control(start_app) -> None:
    app = start_app(MODELS, leaderboard_refresh_seconds=0)
    with app.client() as client:
        for i in range(6):
            voted_battle(
                client, "```python\nprint('hi')\n```\nwhat does this print?", winner="model_a"
            )
            voted_battle(client, f"tell me a fact number {i}", winner=["model_b", "tie"][i % 2])
        overall = client.get("/api/v1/leaderboard").json()
        assert overall["total_votes"] == 12
        assert {"overall", "coding", "multi_turn", "long_query"} <= set(overall["categories"])
        assert overall["style_control_available"] is True
        coding = client.get("/api/v1/leaderboard?category=coding").json()
        assert coding["total_votes"] == 6 and coding["category"] == "coding"
        assert coding["counted_votes"]["filters"]["category"] == "coding"
        styled = client.get("/api/v1/leaderboard?style_control=true").json()
        assert styled["style_control"] is True and styled["total_votes"] == 12
        assert all(row["raw_score"] is not None for row in styled["models"])
        assert {r["model"] for r in styled["models"]} == {"fancy", "plain-a", "plain-b"}
        empty = client.get("/api/v1/leaderboard?category=multi_turn").json()
        assert empty["total_votes"] == 0 and empty["models"] == []
        unknown = client.get("/api/v1/leaderboard?category=poetry")
        assert unknown.status_code == 422 and "available" in unknown.json()["error"]
