"""The fairness report counts battles and conversation data per model, org and license."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, utcnow
from tests.support.api import send_turn
from tests.support.rosters import LICENSE_MIX as MODELS
from tests.support.store import age_votes


def test_sampling_report(start_app, db_url) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        for _ in range(9):
            battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
            send_turn(client, battle_id, "hi")
            vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
            assert vote.status_code == 200
        age_votes(db_url, 2)
        report = client.get("/api/v1/stats/sampling?days=1").json()
        assert client.get("/api/v1/stats/sampling?days=0").status_code == 422
    by_model = {r["key"]: r for r in report["by_model"]}
    assert set(by_model) <= {"open-1", "closed-1", "owl"}
    assert "hidden-1" not in str(report)
    assert sum(r["battles"] for r in report["by_model"]) == 18  # two sides per battle
    assert abs(sum(r["battle_share"] for r in report["by_model"]) - 1) < 1e-5
    assert sum(r["turns"] for r in report["by_model"]) == 18
    licenses = {r["key"] for r in report["by_license"]}
    assert licenses <= {"open", "proprietary"}
    orgs = {r["key"] for r in report["by_organization"]}
    assert orgs <= {"Open Org", "Closed Org", "(preview)"}
    assert "vote" in report["counts"] and report["until"].endswith(":00:00+00:00")


def test_report_never_shows_an_open_battle(start_app, db_url) -> None:
    """Read before and after starting a battle (even one hours old): no difference, so
    nothing about its pair; voted battles count, on the next whole hour."""
    app = start_app(MODELS)
    with app.client() as client:
        url = "/api/v1/stats/sampling?days=1"
        before = client.get(url).json()
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        send_turn(client, battle_id, "hi")
        engine = create_store_engine(db_url)
        with engine.begin() as conn:  # an open battle started long ago is still open
            conn.execute(
                update(BattleRow)
                .where(BattleRow.id == battle_id)
                .values(created_at=utcnow() - timedelta(hours=3))
            )
        engine.dispose()
        after = client.get(url).json()
        assert before["by_model"] == after["by_model"] == []
        # Windows too short to hide one battle are refused, as is what float() would trim.
        for days in ("0.00002", "0.5", "\r9", "9 ", "nan"):
            refused = client.get("/api/v1/stats/sampling", params={"days": days})
            assert refused.status_code == 422, days
            assert set(refused.json()) == {"error"}
        client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        age_votes(db_url, 1)
        voted = client.get(url).json()
    assert sum(r["battles"] for r in voted["by_model"]) == 2
