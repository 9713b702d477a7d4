"""The fairness report counts battles and conversation data per model, org and license."""

from __future__ import annotations

from tests.sse import send_turn

MODELS = [
    {"name": "open-1", "model": "echo-a", "organization": "Open Org", "license": "Apache-2.0"},
    {"name": "closed-1", "model": "echo-b", "organization": "Closed Org", "license": "proprietary"},
    {
        "name": "hidden-1",
        "model": "echo-a",
        "organization": "Closed Org",
        "license": "proprietary",
        "visibility": "preview",
        "codename": "owl",
    },
]


def test_sampling_report(start_app) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        for _ in range(9):
            battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
            send_turn(client, battle_id, "hi")
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
