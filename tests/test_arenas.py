"""The arenas over real HTTP: vision, text-to-image and image edit, each with its board."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.app_fixtures import LiveApp
from tests.fake_upstream import FakeUpstream, painter_colour
from tests.support.api import create_battle, parse_sse, post_turn, upload_photo
from tests.support.rosters import IMAGE_ARENA_MODELS as MODELS
from tests.support.store import age_votes

NAMES = ("seer-one", "seer-two", "writer-only", "painter-one", "painter-two", "painter-a")


@pytest.fixture
def app(start_app: Callable[..., LiveApp], tmp_path: Path) -> LiveApp:
    return start_app(MODELS, images_dir=str(tmp_path / "images"))


def _assert_anonymous(text: str) -> None:
    for name in NAMES:
        assert name not in text


def test_arenas_lists_those_with_two_ready_models(app: LiveApp) -> None:
    with app.client() as client:
        arenas = client.get("/api/v1/arenas").json()["arenas"]
    assert {a["name"]: a["models"] for a in arenas} == {
        "text": 3,
        "vision": 2,
        "text_to_image": 2,
        "image_edit": 2,
    }


def test_vision_battle_sends_both_sides_the_same_clean_image(
    app: LiveApp, fake_upstream: FakeUpstream
) -> None:
    with app.client() as client:
        image_id = upload_photo(client)
        battle_id = create_battle(client, arena="vision")
        refused = post_turn(client, battle_id, "what is this?")
        assert refused.status_code == 422
        assert "exactly one image" in refused.json()["error"]
        response = post_turn(client, battle_id, "what is this?", [image_id])
        assert response.status_code == 200, response.text
        _assert_anonymous(response.text)
        sent = list(fake_upstream.requests)[-2:]  # this turn's two sides
        stored = client.get(f"/api/v1/images/{image_id}").content
        urls = [m["content"][1]["image_url"]["url"] for r in sent for m in r["messages"][-1:]]
        assert len(urls) == 2
        assert {base64.b64decode(u.split(",", 1)[1]) for u in urls} == {stored}
        assert b"camera-firmware" not in stored

        again = post_turn(client, battle_id, "and this?", [image_id])
        assert again.status_code == 422
        follow = post_turn(client, battle_id, "what colour is it?")
        assert follow.status_code == 200, follow.text
        # The image stays in the conversation each side is sent.
        for request in list(fake_upstream.requests)[-2:]:  # this turn's two sides
            first_user = next(m for m in request["messages"] if m["role"] == "user")
            assert first_user["content"][1]["type"] == "image_url"

        view = client.get(f"/api/v1/battles/{battle_id}").json()
        _assert_anonymous(str(view))
        assert view["arena"] == "vision"
        assert view["sides"]["a"]["messages"][0]["images"] == [image_id]

        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200
        assert {vote.json()["model_a"]["name"], vote.json()["model_b"]["name"]} == {
            "seer-one",
            "seer-two",
        }
        vision = client.get("/api/v1/leaderboard", params={"arena": "vision"}).json()
        text = client.get("/api/v1/leaderboard").json()
    assert vision["arena"] == "vision" and vision["total_votes"] == 1
    assert {m["model"] for m in vision["models"]} == {"seer-one", "seer-two"}
    assert text["arena"] == "text" and text["total_votes"] == 0


def _images_of(events: list[dict[str, Any]]) -> dict[str, str]:
    return {e["side"]: e["image"] for e in events if "image" in e}


def test_text_to_image_streams_stored_clean_pictures_and_has_its_own_board(
    app: LiveApp,
) -> None:
    with app.client() as client:
        battle_id = create_battle(client, arena="text_to_image")
        with_image = post_turn(client, battle_id, "a fox", [upload_photo(client)])
        assert with_image.status_code == 422
        response = post_turn(client, battle_id, "a red fox in the snow")
        assert response.status_code == 200, response.text
        _assert_anonymous(response.text)
        events = parse_sse(response.text)
        pictures = _images_of(events)
        assert set(pictures) == {"a", "b"} and pictures["a"] != pictures["b"]
        assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
        for image_id in pictures.values():
            data = client.get(f"/api/v1/images/{image_id}").content
            _assert_anonymous(data.decode("latin-1"))
            assert b"generator" not in data and b"seed" not in data
            stored = Image.open(io.BytesIO(data))
            assert not getattr(stored, "text", {}) and not stored.getexif()
        view = client.get(f"/api/v1/battles/{battle_id}").json()
        _assert_anonymous(str(view))
        assert view["sides"]["a"]["messages"][1]["images"] == [pictures["a"]]

        assert client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"}).is_success
        board = client.get("/api/v1/leaderboard", params={"arena": "text_to_image"}).json()
        styled = client.get(
            "/api/v1/leaderboard", params={"arena": "text_to_image", "style_control": "true"}
        )
    assert {m["model"] for m in board["models"]} == {"painter-one", "painter-two"}
    assert board["style_control_available"] is False
    assert styled.status_code == 422 and "pictures" in styled.json()["error"]


def test_image_edit_continues_with_each_side_editing_its_own_picture(
    app: LiveApp, fake_upstream: FakeUpstream
) -> None:
    with app.client() as client:
        upload = upload_photo(client)
        battle_id = create_battle(client, arena="image_edit")
        assert post_turn(client, battle_id, "make it blue").status_code == 422
        first = post_turn(client, battle_id, "make it blue", [upload])
        assert first.status_code == 200, first.text
        firsts = _images_of(parse_sse(first.text))
        sizes = {len(client.get(f"/api/v1/images/{i}").content) for i in firsts.values()}
        second = post_turn(client, battle_id, "now add a hat")
        assert second.status_code == 200, second.text
        sent = list(fake_upstream.requests)[-2:]  # this turn's two sides
        assert {r["prompt"] for r in sent} == {"now add a hat"}
        assert {r["image_bytes"] for r in sent} <= sizes
        # Each side is sent its own last picture, painted in its own model's colour.
        for request in sent:
            assert request["image_pixel"] == painter_colour(request["model"])
        assert post_turn(client, battle_id, "again", [upload]).status_code == 422


def test_named_battle_refuses_a_model_outside_the_arena(app: LiveApp) -> None:
    with app.client() as client:
        response = client.post(
            "/api/v1/battles",
            json={"mode": "side_by_side", "models": ["seer-one", "writer-only"], "arena": "vision"},
        )
        unknown = client.post("/api/v1/battles", json={"mode": "anonymous", "arena": "sculpture"})
    assert response.status_code == 422
    assert "writer-only" in response.json()["error"]
    assert unknown.status_code == 422


def test_unknown_image_is_refused_and_leaves_the_battle_usable(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = create_battle(client, arena="vision")
        bad = post_turn(client, battle_id, "what is this?", ["0" * 64])
        assert bad.status_code == 422 and "upload it first" in bad.json()["error"]
        good = post_turn(client, battle_id, "what is this?", [upload_photo(client)])
    assert good.status_code == 200, good.text


def test_a_text_battle_takes_no_images(app: LiveApp) -> None:
    with app.client() as client:
        battle_id = create_battle(client, arena="text")
        response = post_turn(client, battle_id, "hello", [upload_photo(client)])
    assert response.status_code == 422
    assert "takes no images" in response.json()["error"]


def test_fairness_report_is_per_arena(app: LiveApp, db_url: str) -> None:
    with app.client() as client:
        battle_id = create_battle(client, arena="text_to_image")
        assert post_turn(client, battle_id, "a red fox").status_code == 200
        client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
        age_votes(db_url, 3)  # the report counts whole past hours only
        images = client.get("/api/v1/stats/sampling", params={"arena": "text_to_image"}).json()
        text = client.get("/api/v1/stats/sampling").json()
    assert images["arena"] == "text_to_image"
    assert {row["key"] for row in images["by_model"]} == {"painter-one", "painter-two"}
    assert text["arena"] == "text" and text["by_model"] == []
