"""Share links over real HTTP, on SQLite and PostgreSQL: share, read, revoke, who may,
what a snapshot shows (and never shows), and the page that unfurls."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, update

from arena.errors import InvalidInput
from arena.settings import Settings
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, VoteRow
from tests.support.api import send_turn, side_by_side, voted_battle
from tests.support.rosters import WITH_PREVIEW

PAIR = [
    {"name": "alpha-model", "model": "echo-a", "organization": "Alpha Org"},
    {"name": "beta-model", "model": "echo-b", "organization": "Beta Org"},
]
NOT_FOUND = {"error": "no such battle"}
SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{24,}$")


def _share(client: httpx.Client, battle_id: str) -> str:
    response = client.post(f"/api/v1/battles/{battle_id}/share")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["url"] == f"/s/{body['share_id']}"
    return body["share_id"]


def test_share_read_and_revoke(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as owner, app.client() as viewer:
        battle_id = voted_battle(owner, "what is a haiku?")
        share_id = _share(owner, battle_id)
        assert SHARE_ID.match(share_id) and battle_id not in share_id
        # Sharing again gives the same live link.
        assert _share(owner, battle_id) == share_id

        shared = viewer.get(f"/api/v1/shared/{share_id}")
        assert shared.status_code == 200
        assert shared.headers["cache-control"] == "no-store"  # a revoke is not undone by caches
        snap = shared.json()
        assert snap["winner"] == "model_a" and snap["mode"] == "anonymous"
        names = {snap["sides"][s]["model"]["name"] for s in ("a", "b")}
        assert names == {"alpha-model", "beta-model"}
        for side in ("a", "b"):
            roles = [m["role"] for m in snap["sides"][side]["messages"]]
            assert roles == ["user", "assistant"]
            assert snap["sides"][side]["messages"][0]["content"] == "what is a haiku?"
            assert "what is a haiku?" in snap["sides"][side]["messages"][1]["content"]
        # Nothing about who asked, and not the battle id.
        assert battle_id not in shared.text
        for secret in ("owner_key", "client_hash", "user_id", "battle_id"):
            assert secret not in shared.text

        revoked = owner.delete(f"/api/v1/battles/{battle_id}/share")
        assert revoked.status_code == 204
        gone = viewer.get(f"/api/v1/shared/{share_id}")
        assert gone.status_code == 404 and "error" in gone.json()
        # Sharing anew makes a new link; the old one stays dead.
        again = _share(owner, battle_id)
        assert again != share_id
        assert viewer.get(f"/api/v1/shared/{share_id}").status_code == 404
        assert viewer.get(f"/api/v1/shared/{again}").status_code == 200


def test_only_the_owner_shares_or_revokes(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as owner, app.client() as other:
        battle_id = voted_battle(owner)
        unknown_share = other.post("/api/v1/battles/no-such-battle/share")
        unknown_revoke = other.delete("/api/v1/battles/no-such-battle/share")
        for response, unknown in (
            (other.post(f"/api/v1/battles/{battle_id}/share"), unknown_share),
            (other.delete(f"/api/v1/battles/{battle_id}/share"), unknown_revoke),
        ):
            assert response.status_code == unknown.status_code == 404
            assert response.json() == unknown.json() == NOT_FOUND
        # The stranger's revoke did not kill the owner's link.
        share_id = _share(owner, battle_id)
        assert other.delete(f"/api/v1/battles/{battle_id}/share").status_code == 404
        assert other.get(f"/api/v1/shared/{share_id}").status_code == 200


def test_anonymous_battle_is_shared_only_after_the_vote(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as owner:
        battle_id = owner.post("/api/v1/battles", json={}).json()["battle_id"]
        send_turn(owner, battle_id, "hello")
        early = owner.post(f"/api/v1/battles/{battle_id}/share")
        assert early.status_code == 409 and "vote" in early.json()["error"]
        assert owner.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"}).is_success
        assert owner.post(f"/api/v1/battles/{battle_id}/share").status_code == 200
        # Side-by-side and direct chats share at any time.
        named = side_by_side(owner, "alpha-model", "beta-model")
        send_turn(owner, named, "hi")
        assert owner.post(f"/api/v1/battles/{named}/share").status_code == 200
        direct = owner.post(
            "/api/v1/battles", json={"mode": "direct", "models": ["alpha-model"]}
        ).json()["battle_id"]
        send_turn(owner, direct, "hi")
        shared = owner.post(f"/api/v1/battles/{direct}/share")
        assert shared.status_code == 200
        snap = owner.get(shared.json()["url"].replace("/s/", "/api/v1/shared/")).json()
        assert snap["mode"] == "direct" and list(snap["sides"]) == ["a"]
        assert snap["sides"]["a"]["model"]["name"] == "alpha-model"


def test_a_preview_model_is_shared_by_its_codename(start_app) -> None:
    app = start_app(WITH_PREVIEW)
    with app.client() as owner, app.client() as viewer:
        share_id = _share(owner, voted_battle(owner))
        shared = viewer.get(f"/api/v1/shared/{share_id}")
        names = {shared.json()["sides"][s]["model"]["name"] for s in ("a", "b")}
        assert names == {"open-model", "dragonfly"}
        assert "secret-model" not in shared.text and "Big Lab" not in shared.text
        page = viewer.get(f"/s/{share_id}")
        assert "secret-model" not in page.text and "Big Lab" not in page.text


def test_the_snapshot_scrubs_personal_data(start_app) -> None:
    app = start_app(PAIR)
    prompt = (
        "mail ada@example.com or call +44 20 7946 0958 at 1600 Amphitheatre Parkway, Mountain View"
    )
    with app.client() as owner, app.client() as viewer:
        battle_id = voted_battle(owner, prompt)
        share_id = _share(owner, battle_id)
        # The owner's own view keeps the text as written; only the snapshot is scrubbed.
        assert "ada@example.com" in owner.get(f"/api/v1/battles/{battle_id}").text
        shared = viewer.get(f"/api/v1/shared/{share_id}")
        assert "ada@example.com" not in shared.text and "7946" not in shared.text
        assert "Amphitheatre" not in shared.text and "1600" not in shared.text
        user = shared.json()["sides"]["a"]["messages"][0]["content"]
        assert user == "mail [EMAIL] or call [PHONE] at [ADDRESS]"


def test_the_shared_page_unfurls(start_app, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text(
        "<!doctype html><html><head><title>Arena</title></head>"
        '<body><div id="root"></div><script type="module" src="/assets/app.js"></script>'
        "</body></html>"
    )
    app = start_app(PAIR, static_dir=str(static))
    prompt = "Write a <b>poem</b> for bob@example.org " + "about the sea, " * 40
    with app.client() as owner, httpx.Client(base_url=app.base_url) as crawler:
        battle_id = voted_battle(owner, prompt)
        share_id = _share(owner, battle_id)
        page = crawler.get(f"/s/{share_id}")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        tags = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', page.text))
        title, description = html.unescape(tags["og:title"]), html.unescape(tags["og:description"])
        assert "alpha-model" in title and "beta-model" in title
        assert description.startswith("Write a <b>poem</b> for [EMAIL] about the sea")
        assert len(description) <= 200 and description.endswith("…")
        assert "bob@example.org" not in page.text and "<b>poem" not in page.text
        # No public URL configured: no absolute link at all.
        assert "og:url" not in tags
        # The UI's own script and the app's CSP: no inline script was added.
        assert re.findall(r"<script[^>]*>", page.text) == [
            '<script type="module" src="/assets/app.js">'
        ]
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "unsafe-inline" not in page.headers["content-security-policy"]

        assert owner.delete(f"/api/v1/battles/{battle_id}/share").status_code == 204
        dead = crawler.get(f"/s/{share_id}")
        assert dead.status_code == 404 and "og:title" not in dead.text


def test_absolute_urls_come_from_the_public_url_never_the_host_header(
    start_app, tmp_path: Path
) -> None:
    app = start_app(PAIR, static_dir=_static(tmp_path), public_url="https://arena.example.org/")
    with app.client() as owner:
        share_id = _share(owner, voted_battle(owner))
        for host in ("evil.example", "evil.example:8443", "arena.example.org.evil.example"):
            for path in (f"/s/{share_id}", "/"):
                page = owner.get(path, headers={"Host": host})
                assert page.status_code == 200, (path, page.text)
                assert "evil" not in page.text
                assert "evil" not in str(page.headers), page.headers
                assert "frame-src https://arena.example.org/api/v1/battles/" in (
                    page.headers["content-security-policy"]
                )
            page = owner.get(f"/s/{share_id}", headers={"Host": host})
            tags = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', page.text))
            assert tags["og:url"] == f"https://arena.example.org/s/{share_id}"


def test_a_public_url_that_is_not_one_is_refused() -> None:
    for bad in ("arena.example.org", "ftp://arena.example.org", "https://", "https://a.org/?x=1"):
        with pytest.raises(InvalidInput, match="ARENA_PUBLIC_URL"):
            Settings(public_url=bad)
    assert Settings(public_url="https://a.org/arena/").public_base == "https://a.org/arena"


def test_a_deleted_battle_takes_its_share_along(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as owner:
        battle_id = voted_battle(owner)
        share_id = _share(owner, battle_id)
        engine = create_store_engine(db_url)
        try:
            with engine.begin() as conn:
                # As deleting a conversation does: its vote goes first (no cascade there).
                conn.execute(delete(VoteRow).where(VoteRow.battle_id == battle_id))
                conn.execute(delete(BattleRow).where(BattleRow.id == battle_id))
        finally:
            engine.dispose()
        assert owner.get(f"/api/v1/shared/{share_id}").status_code == 404


def _static(tmp_path: Path) -> str:
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    (static / "index.html").write_text(
        "<!doctype html><html><head><title>Arena</title></head><body></body></html>"
    )
    return str(static)


def test_deleting_a_battle_kills_its_share_link(start_app, tmp_path: Path) -> None:
    app = start_app(PAIR, static_dir=_static(tmp_path))
    with app.client() as owner, app.client() as viewer:
        one, two, three = (voted_battle(owner) for _ in range(3))
        shares = {battle: _share(owner, battle) for battle in (one, two, three)}
        assert owner.delete(f"/api/v1/me/battles/{one}").status_code == 204
        # Deleting all of them kills the others' links too.
        assert viewer.get(f"/api/v1/shared/{shares[two]}").status_code == 200
        assert owner.delete("/api/v1/me/battles").status_code == 204
        for share_id in shares.values():
            gone = viewer.get(f"/api/v1/shared/{share_id}")
            assert gone.status_code == 404 and gone.json() == {"error": "no such shared battle"}
            page = viewer.get(f"/s/{share_id}")
            assert page.status_code == 404 and "og:title" not in page.text
            assert "alpha-model" not in page.text + gone.text


def test_a_share_left_behind_by_an_older_delete_opens_nothing(start_app, db_url) -> None:
    """A battle deleted before deleting took its share along: its share row is still there."""
    app = start_app(PAIR)
    with app.client() as owner:
        battle_id = voted_battle(owner)
        share_id = _share(owner, battle_id)
        engine = create_store_engine(db_url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    update(BattleRow).where(BattleRow.id == battle_id).values(status="deleted")
                )
        finally:
            engine.dispose()
        assert owner.get(f"/api/v1/shared/{share_id}").status_code == 404


def test_share_ids_are_unguessable(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as owner, app.client() as viewer:
        battles = [voted_battle(owner) for _ in range(3)]
        ids = [_share(owner, b) for b in battles]
        # 24+ URL-safe characters (144 random bits), all different, none a battle id.
        assert len(set(ids)) == 3 and all(SHARE_ID.match(i) for i in ids)
        assert not set(ids) & set(battles)
        # Neither the battle id nor a near miss of a live share opens anything.
        near = ids[0][:-1] + ("A" if ids[0][-1] != "A" else "B")
        for probe in (near, battles[0], "1", "x" * 65):
            response = viewer.get(f"/api/v1/shared/{probe}")
            assert response.status_code == 404 and "error" in response.json()
