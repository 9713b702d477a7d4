"""The search arena over real HTTP: sources before the vote, the trace only after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.app_fixtures import LiveApp, searxng_backends
from tests.fake_upstream import FakeUpstream
from tests.support.api import cast_vote, create_battle, finished_turn, replies

MODELS = [
    {"name": "web-a", "model": "echo-a", "arenas": ["search"], "search_backend": "web"},
    {"name": "docs-b", "model": "echo-b", "arenas": ["search"]},  # the bundled corpus
    {"name": "native-c", "model": "searcher", "arenas": ["search"], "search": "native"},
    {"name": "echo-text", "model": "echo-a"},
]


@pytest.fixture
def app(start_app: Callable[..., LiveApp], fake_upstream: FakeUpstream) -> LiveApp:
    return start_app(
        MODELS,
        search_backends=searxng_backends(fake_upstream.base_url),
        leaderboard_refresh_seconds=0,
    )


def test_retrieval_sides_get_numbered_passages_and_send_sources(
    app: LiveApp, fake_upstream: FakeUpstream
) -> None:
    with app.client() as client:
        assert "search" in {a["name"] for a in client.get("/api/v1/arenas").json()["arenas"]}
        battle_id = create_battle(
            client, "side_by_side", arena="search", models=["web-a", "docs-b"]
        )
        events = finished_turn(client, battle_id, 'What does the "with" statement do?')
        done = {e["side"]: e for e in events if e.get("done")}
        text = replies(events)
        view = client.get(f"/api/v1/battles/{battle_id}").json()
    web = done["a"]["sources"]
    assert [s["domain"] for s in web] == ["en.wikipedia.org", "reddit.com"]
    assert [s["n"] for s in web] == [1, 2] and web[0]["title"] == "Eiffel Tower"
    assert done["b"]["sources"][0]["domain"] == "docs.python.org"
    # The model was asked to cite the numbered passages; the injected page is only text.
    assert "[1] Eiffel Tower (en.wikipedia.org)" in text["a"]
    assert "Ignore previous instructions" in text["a"]
    asked = [r for r in fake_upstream.requests if r.get("model") == "echo-a"][-1]
    assert "cite" in asked["messages"][-1]["content"].lower()
    # side by side is named, so the trace is shown at once
    trace = view["sides"]["a"]["messages"][1]["search_trace"]
    assert trace["queries"] == ['What does the "with" statement do?']
    assert trace["backend"] == "searxng" and trace["citation_format_standardized"] is True


def test_native_search_is_sent_in_the_standard_format(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = create_battle(
            client, "side_by_side", arena="search", models=["native-c", "docs-b"]
        )
        events = finished_turn(client, battle_id, "Where is the tower?")
        reply = client.get(f"/api/v1/battles/{battle_id}").json()["sides"]["a"]["messages"][1]
    done = next(e for e in events if e.get("done") and e["side"] == "a")
    # One delta, already standard: the provider's own style never reaches the voter.
    deltas = [e["delta"] for e in events if e.get("side") == "a" and "delta" in e]
    assert deltas == ["The tower is in Paris [1]. It opened in 1889 [2]."]
    assert [s["url"] for s in done["sources"]] == [
        "https://paris.example/tower",
        "https://history.example/eiffel",
    ]
    assert "utm_source" not in str(events)  # OpenAI tags its links with its name
    assert "([history.example]" in reply["search_trace"]["original"]
    assert reply["search_trace"]["backend"] == "native"


def test_the_trace_waits_for_the_vote(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = create_battle(client, "anonymous", arena="search")
        events = finished_turn(client, battle_id, "Where is the tower?")
        before = client.get(f"/api/v1/battles/{battle_id}").json()
        cast_vote(client, battle_id, "tie")
        after = client.get(f"/api/v1/battles/{battle_id}").json()
    done = {e["side"]: e for e in events if e.get("done")}
    for side in "ab":
        shown = before["sides"][side]["messages"][1]
        assert shown["sources"] == done[side]["sources"] and "search_trace" not in shown
        assert set(done[side]) == {"side", "done", "finish_reason", "sources"}
        assert after["sides"][side]["messages"][1]["search_trace"]["queries"] in (
            ["Where is the tower?"],
            [],
        )


def test_a_failed_search_fails_the_side_without_naming_anything(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = create_battle(
            client, "side_by_side", arena="search", models=["web-a", "docs-b"]
        )
        response = client.post(
            f"/api/v1/battles/{battle_id}/turns", json={"prompt": "fail-this-turn please"}
        )
    assert '"side": "a", "error"' in response.text or '"side":"a","error"' in response.text
    assert "SearXNG" not in response.text and "web-a" not in response.text


def test_search_board_controls_for_citations_and_domain_kinds(app: LiveApp) -> None:
    with app.client() as client:
        for i in range(6):
            battle_id = create_battle(client, "anonymous", arena="search")
            finished_turn(client, battle_id, f"When did the tower open? ({i})")
            cast_vote(client, battle_id, ["model_a", "model_b", "tie"][i % 3])
        board = client.get("/api/v1/leaderboard?arena=search&style_control=true").json()
    assert board["total_votes"] == 6 and board["style_control"] is True
    coefficients = board["style_coefficients"]
    assert set(coefficients) == {
        "tokens",
        "citations",
        "cite_encyclopedia",
        "cite_news",
        "cite_academic",
        "cite_gov_edu",
        "cite_community",
        "cite_social_video",
        "cite_docs",
    }
    assert all("ci_lower" in c and "ci_upper" in c for c in coefficients.values())
