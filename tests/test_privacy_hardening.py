"""Privacy and abuse hardening over real HTTP, on SQLite and PostgreSQL.

Who may touch a battle, what a release id opens, which headers every answer carries,
text the stores cannot hold, oversized bodies, silent upstreams, every vote spelling.
"""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyarrow.parquet as pq
from sqlalchemy import select

from arena.data.release import build_release
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, VoteRow
from arena.web.edge import CSP
from tests.support.api import battle_with_turns, parse_sse, send_turn, side_by_side
from tests.support.rosters import ECHO_PAIR as PAIR

NOT_FOUND = {"error": "no such battle"}


# ------------------------------------------------------------ who may touch a battle


def test_only_the_creating_client_touches_a_battle(start_app) -> None:
    app = start_app(PAIR)
    with (
        app.client() as owner,
        app.client() as other,
        httpx.Client(base_url=app.base_url) as cookieless,
    ):
        battle_id = battle_with_turns(owner)
        for stranger in (other, cookieless):
            unknown = stranger.get("/api/v1/battles/no-such-battle")
            for response in (
                stranger.get(f"/api/v1/battles/{battle_id}"),
                stranger.post(f"/api/v1/battles/{battle_id}/turns", json={"prompt": "mine now"}),
                stranger.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"}),
            ):
                # The very same answer as for an id that does not exist.
                assert response.status_code == unknown.status_code == 404
                assert response.json() == unknown.json() == NOT_FOUND
        # The stranger's attempts changed nothing: the owner goes on and votes.
        view = owner.get(f"/api/v1/battles/{battle_id}").json()
        assert view["turns"] == 1 and view["winner"] is None
        assert owner.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"}).is_success


def test_the_client_cookie_is_http_only_and_same_site(start_app) -> None:
    app = start_app(PAIR)
    with httpx.Client(base_url=app.base_url) as client:
        first = client.get("/api/v1/models")
        cookie = first.headers["set-cookie"]
        assert cookie.startswith("arena_client=")
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"httponly", "samesite", "path"} <= attributes
        assert "samesite=lax" in cookie.lower()
        # Set once: a client that keeps it is not given another.
        assert "set-cookie" not in client.get("/api/v1/models").headers


def test_a_release_id_does_not_open_the_battle(start_app, db_url, tmp_path: Path) -> None:
    app = start_app(PAIR)
    with app.client() as owner:
        battle_id = battle_with_turns(owner)
        assert owner.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"}).is_success
        engine = create_store_engine(db_url)
        try:
            build_release(
                engine,
                tmp_path / "release",
                cutoff=datetime.now(UTC) + timedelta(seconds=5),
                salt="s",
                rounds=20,
            )
        finally:
            engine.dispose()
        rows = pq.read_table(tmp_path / "release" / "votes.parquet").to_pylist()
        assert len(rows) == 1 and rows[0]["id"] != battle_id
        assert battle_id not in (tmp_path / "release" / "votes.parquet").read_bytes().decode(
            "latin-1"
        )
        # Not even the battle's own client opens it by its released id.
        released = owner.get(f"/api/v1/battles/{rows[0]['id']}")
        assert released.status_code == 404 and released.json() == NOT_FOUND


# ------------------------------------------------------------ headers


def test_every_answer_carries_the_security_headers(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        answers = [
            client.get("/"),
            client.get("/api/v1/models"),
            client.get("/api/v1/battles/nope"),
            client.post("/api/v1/battles", content=b"{"),
            client.post("/api/v1/battles/%00/vote", json={"winner": "tie"}),
            client.get("/docs"),
            client.get("/docs/init.js"),
            client.get("/docs/assets/swagger-ui-bundle.js"),
            client.get("/docs/assets/swagger-ui.css"),
            client.get("/openapi.json"),
            client.get("/redoc"),
        ]
    for response in answers:
        policy = response.headers["content-security-policy"]
        if response.request.url.path == "/":
            # The page may also frame WebDev previews, and nothing else.
            assert policy == f"{CSP}; frame-src {app.base_url}/api/v1/battles/"
        else:
            assert policy == CSP, response.request.url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    for rule in ("script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                 "frame-ancestors 'none'"):  # fmt: skip
        assert rule in CSP


def test_the_api_docs_load_nothing_from_another_host(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        page = client.get("/docs")
        assert page.status_code == 200 and "swagger-ui" in page.text
        # Every script and stylesheet is a path on this server, and each one answers.
        refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert refs and all(ref.startswith("/") and not ref.startswith("//") for ref in refs)
        for ref in refs:
            asset = client.get(ref)
            assert asset.status_code == 200, ref
            assert asset.headers["content-security-policy"] == CSP
        assert "<script>" not in page.text  # no inline script: script-src 'self' holds
        assert re.search(r"https?://", page.text) is None
        assert client.get("/redoc").status_code == 404


# ------------------------------------------------------------ text the stores cannot hold


def test_nul_and_invalid_text_are_refused_at_the_edge(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        turns = f"/api/v1/battles/{battle_id}/turns"
        refused = [
            client.get("/api/v1/battles/%00"),
            client.post("/api/v1/battles/%00/vote", json={"winner": "tie"}),
            client.post("/api/v1/battles/a%00b/turns", json={"prompt": "hi"}),
            client.get("/api/v1/battles/%FF%FE"),  # not UTF-8
            client.post("/api/v1/admin/models/%00/status", json={"status": "public"}),
            client.get("/api/v1/leaderboard?category=%00"),
            client.get("/api/v1/stats/sampling?days=3%00"),
            client.get("/api/v1/stats/sampling?days=%0D9"),  # what float() would trim
            client.get("/api/v1/admin/events?limit=%0D9"),
            client.get("/api/v1/battles/a%0Ab"),
            client.post(turns, json={"prompt": "a\u0000b"}),
            client.post(
                turns,
                content=b'{"prompt": "a\\ud800b"}',
                headers={"content-type": "application/json"},
            ),
            client.post(
                turns,
                content=b'{"prompt": "ok", "\\u0000": 1}',
                headers={"content-type": "application/json"},
            ),
            client.post(
                "/api/v1/battles",
                json={"mode": "side_by_side", "models": ["alpha-model", "b\u0000"]},
            ),
            client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie\u0000"}),
        ]
        for response in refused:
            assert response.status_code == 422, (response.request.url, response.text)
            assert set(response.json()) == {"error"}
        # Nothing was half done: the battle takes a clean turn, both sides answer.
        response, events = send_turn(client, battle_id, "a plain prompt")
        assert response.status_code == 200
        assert len([e for e in events if e.get("done")]) == 2
        assert not [e for e in events if "error" in e]
        # An escaped backslash before "u0000" is plain text, not NUL: accepted.
        ok = client.post(turns, json={"prompt": "\\u0000 is how JSON writes NUL"})
        assert ok.status_code == 200


# ------------------------------------------------------------ body size


def _raw_request(base_url: str, head: str, body: bytes = b"", timeout: float = 5) -> bytes:
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_oversized_bodies_get_413(start_app) -> None:
    app = start_app(PAIR, max_body_bytes=10_000)
    host = urlsplit(app.base_url).netloc
    with app.client() as client:
        cookie = f"arena_client={client.cookies['arena_client']}"
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        path = f"/api/v1/battles/{battle_id}/turns"
        # Declared 50 MB, nothing sent: refused at once, from the header alone.
        started = time.monotonic()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
            "Content-Type: application/json\r\nContent-Length: 50000000"
        )
        answer = _raw_request(app.base_url, head)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.monotonic() - started < 5
        # Chunked, no length: refused once the body grows past the limit.

        def chunks():
            yield b'{"prompt": "'
            for _ in range(100):
                yield b"x" * 1000
            yield b'"}'

        chunked = client.post(path, content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413 and set(chunked.json()) == {"error"}
        # Under the limit all is well.
        assert client.post(path, json={"prompt": "x" * 5000}).status_code == 200


# ------------------------------------------------------------ silent upstreams


def test_a_silent_upstream_gets_keep_alive_comments(start_app) -> None:
    models = [
        {"name": "alpha-model", "model": "echo-a"},
        {"name": "silent-model", "model": "hang", "timeout_first_token": 1.5},
    ]
    app = start_app(models, sse_heartbeat_seconds=0.2)
    with app.client() as client:
        battle_id = side_by_side(client, "alpha-model", "silent-model")
        with client.stream(
            "POST", f"/api/v1/battles/{battle_id}/turns", json={"prompt": "hi"}
        ) as stream:
            lines = [line for line in stream.iter_lines()]
    comments = [line for line in lines if line.startswith(":")]
    assert comments and all(line == ": keep-alive" for line in comments)
    assert len(comments) >= 3  # about 1.5 s of silence at 0.2 s
    events = parse_sse("\n".join(lines))
    assert any(e.get("side") == "a" and e.get("done") is True for e in events)
    assert any(e.get("side") == "b" and "error" in e for e in events)


# ------------------------------------------------------------ stored winners


SPELLINGS = {
    "model_a": "model_a",
    "model_b": "model_b",
    "tie": "tie",
    "both_bad": "both_bad",
    "tie (bothbad)": "both_bad",
    "tie(bothbad)": "both_bad",
}


def test_every_accepted_spelling_is_stored_as_its_winner(start_app, db_url) -> None:
    app = start_app(PAIR)
    voted: dict[str, str] = {}
    with app.client() as client:
        for spelling in SPELLINGS:
            battle_id = battle_with_turns(client)
            response = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": spelling})
            assert response.status_code == 200, response.text
            voted[battle_id] = spelling
            assert (
                client.get(f"/api/v1/battles/{battle_id}").json()["winner"] == SPELLINGS[spelling]
            )
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = dict(conn.execute(select(VoteRow.battle_id, VoteRow.winner)).all())
            statuses = dict(conn.execute(select(BattleRow.id, BattleRow.status)).all())
    finally:
        engine.dispose()
    assert {voted[b]: w for b, w in stored.items()} == SPELLINGS
    assert set(statuses.values()) == {"voted"}


# ------------------------------------------------------------ the OpenAPI description


def test_the_schema_says_what_the_server_accepts(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        spec = client.get("/openapi.json").json()
        create = spec["paths"]["/api/v1/battles"]["post"]
        assert "400" in create["responses"] and "413" in create["responses"]
        body = spec["components"]["schemas"]["BattleCreate"]
        anonymous = body["oneOf"][0]
        assert anonymous["properties"]["mode"]["const"] == "anonymous"
        assert anonymous["additionalProperties"] is False
        assert "maxItems" in json.dumps(anonymous["properties"]["models"])
        assert spec["components"]["schemas"]["TurnCreate"]["properties"]["prompt"]["pattern"]
        # And the server does what it says: a non-UTF-8 body is the documented 400,
        # a models list in anonymous mode and a prompt of white space alone are 422.
        bad_bytes = client.post(
            "/api/v1/battles",
            content=b'{"mode": "\xff"}',
            headers={"content-type": "application/json"},
        )
        assert bad_bytes.status_code == 400 and set(bad_bytes.json()) == {"error"}
        listed = client.post("/api/v1/battles", json={"mode": "anonymous", "models": ["a", "b"]})
        assert listed.status_code == 422
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        blank = client.post(f"/api/v1/battles/{battle_id}/turns", json={"prompt": "\u0085"})
        assert blank.status_code == 422
