"""The WebDev arena over real HTTP: the brief, the sandboxed preview, outcomes, leaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.app_fixtures import LiveApp
from tests.fake_upstream import FakeUpstream
from tests.support.api import battle_with_turns

MODELS = [
    {"name": "parrot-a", "model": "parrot", "arenas": ["text", "webdev"]},
    {"name": "parrot-b", "model": "parrot", "arenas": ["text", "webdev"]},
    {"name": "echo-a", "model": "echo-a"},
]
APP = (
    "A counter.\n\n```html\n<!DOCTYPE html><html><head><title>Counter</title></head>"
    "<body><button id='b' onclick='this.textContent=+this.textContent+1'>0</button>"
    "</body></html>\n```"
)


PREVIEW_POLICY = {
    "sandbox": ["allow-scripts"],
    "default-src": ["'none'"],
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:", "blob:"],
    "font-src": ["data:"],
    "media-src": ["data:", "blob:"],
    "connect-src": ["'none'"],
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
    "frame-src": ["'none'"],
    "child-src": ["'none'"],
    "worker-src": ["'none'"],
    "frame-ancestors": ["'self'"],
    "webrtc": ["'block'"],
}


@pytest.fixture
def app(start_app: Callable[..., LiveApp]) -> LiveApp:
    return start_app(MODELS)


def test_webdev_arena_is_listed_and_sends_the_versioned_brief(
    app: LiveApp, fake_upstream: FakeUpstream
) -> None:
    with app.client() as client:
        arenas = {a["name"] for a in client.get("/api/v1/arenas").json()["arenas"]}
        assert "webdev" in arenas
        battle_with_turns(client, APP, arena="webdev")
    sent = list(fake_upstream.requests)[-2:]  # this turn's two sides
    assert len(sent) == 2
    for request in sent:
        assert request["messages"][0]["role"] == "system"
        assert "self-contained web apps" in request["messages"][0]["content"]


def test_preview_is_a_sandboxed_document_with_no_network(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = battle_with_turns(client, APP, arena="webdev")
        response = client.get(f"/api/v1/battles/{battle_id}/preview/a")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    # The whole policy, directive by directive: any widening ("img-src *") fails here.
    policy = {}
    for directive in response.headers["content-security-policy"].split(";"):
        name, *values = directive.split()
        assert name not in policy, f"{name} twice"
        policy[name] = values
    assert policy == PREVIEW_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<button id='b'" in response.text and "arenaPreview" in response.text


def test_react_preview_inlines_the_vendored_runtime(app: LiveApp) -> None:
    tsx = "```tsx\nexport default function App() { return <p className='p-4'>hi</p>; }\n```"
    with app.client() as client:
        battle_id = battle_with_turns(client, tsx, arena="webdev")
        page = client.get(f"/api/v1/battles/{battle_id}/preview/b").text
    assert "__arenaMount" in page
    # Everything is inline: no script, style or image comes from anywhere else.
    assert "<script src" not in page and 'src="http' not in page and 'href="http' not in page


def test_no_preview_before_the_turn_or_outside_webdev(app: LiveApp) -> None:
    with app.client() as client:
        created = client.post("/api/v1/battles", json={"mode": "anonymous", "arena": "webdev"})
        battle_id = created.json()["battle_id"]
        before = client.get(f"/api/v1/battles/{battle_id}/preview/a")
        text = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        client.post(f"/api/v1/battles/{text}/turns", json={"prompt": APP})
        not_webdev = client.get(f"/api/v1/battles/{text}/preview/a")
        bad_side = client.get(f"/api/v1/battles/{battle_id}/preview/c")
        unknown = client.get("/api/v1/battles/nope/preview/a")
    assert before.status_code == 404 and not_webdev.status_code == 404
    assert unknown.status_code == 404
    assert before.json() == not_webdev.json() == unknown.json()
    assert bad_side.status_code == 422


def test_outcome_is_stored_once_per_side_and_turn(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = battle_with_turns(client, APP, arena="webdev")
        url = f"/api/v1/battles/{battle_id}/preview/a/outcome"
        first = client.post(url, json={"turn": 1, "status": "error", "error": "x is undefined"})
        second = client.post(url, json={"turn": 1, "status": "rendered"})
        client.post(
            f"/api/v1/battles/{battle_id}/preview/b/outcome", json={"turn": 1, "status": "rendered"}
        )
        wrong_turn = client.post(url, json={"turn": 2, "status": "rendered"})
        view = client.get(f"/api/v1/battles/{battle_id}").json()
    assert first.status_code == second.status_code == 204
    assert wrong_turn.status_code == 404
    assert view["previews"] == [
        {"side": "a", "turn": 1, "kind": "html", "status": "error", "error": "x is undefined"},
        {"side": "b", "turn": 1, "kind": "html", "status": "rendered", "error": None},
    ]


def test_a_model_naming_itself_in_its_code_is_kept_off_the_board(app: LiveApp) -> None:
    signed = APP.replace(
        "<title>Counter</title>", "<title>Counter</title><!-- built by parrot-a -->"
    )
    with app.client() as client:
        battle_id = battle_with_turns(client, signed, arena="webdev")
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        board = client.get("/api/v1/leaderboard", params={"arena": "webdev"}).json()
    assert vote.status_code == 200
    assert board["total_votes"] == 0


def test_preview_and_outcome_answer_a_stranger_as_an_unknown_battle(app: LiveApp) -> None:
    """Only the owner: another client gets exactly the 404 of an id that does not exist."""
    with app.client() as owner, app.client() as stranger:
        battle_id = battle_with_turns(owner, APP, arena="webdev")
        assert owner.get(f"/api/v1/battles/{battle_id}/preview/a").status_code == 200
        outcome = {"turn": 1, "status": "error", "error": "stranger's report"}
        for path in (battle_id, "00000000-0000-0000-0000-000000000000"):
            for side in ("a", "b"):
                shown = stranger.get(f"/api/v1/battles/{path}/preview/{side}")
                told = stranger.post(f"/api/v1/battles/{path}/preview/{side}/outcome", json=outcome)
                assert shown.status_code == told.status_code == 404, (shown.text, told.text)
                assert shown.json() == told.json() == {"error": "no such battle"}
                assert "button" not in shown.text
        # The stranger's report was not stored; the owner's first report still counts.
        view = owner.get(f"/api/v1/battles/{battle_id}").json()
        assert view["previews"] == []
        url = f"/api/v1/battles/{battle_id}/preview/a/outcome"
        assert owner.post(url, json={"turn": 1, "status": "rendered"}).status_code == 204
        assert owner.get(f"/api/v1/battles/{battle_id}").json()["previews"][0]["status"] == (
            "rendered"
        )


def test_a_browser_gets_a_preview_only_as_a_frame_of_arenas_page(app: LiveApp) -> None:
    """Opened in a tab of its own, an app could navigate that tab anywhere."""
    with app.client() as client:
        battle_id = battle_with_turns(client, APP, arena="webdev")
        url = f"/api/v1/battles/{battle_id}/preview/a"
        framed = {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-origin"}
        assert client.get(url, headers=framed).status_code == 200
        refused = [
            {"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"},  # typed or opened in a tab
            {"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "same-origin"},  # a link in Arena
            {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"},  # framed elsewhere
            {"Sec-Fetch-Dest": "embed", "Sec-Fetch-Site": "same-origin"},
            {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "same-site"},
        ]
        for headers in refused:
            for path in (url, "/api/v1/battles/nope/preview/a"):
                response = client.get(path, headers=headers)
                assert response.status_code == 403, headers
                assert "inside Arena's page" in response.json()["error"]
                assert "<button" not in response.text
