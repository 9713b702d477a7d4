"""OpenID Connect sign-in against a provider this test starts on loopback, over real HTTP,
on SQLite and PostgreSQL: the code flow with PKCE, one account per identity, and refusals
of a forged state, a wrong nonce and a token signed by someone else."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from arena.store.engine import create_store_engine
from arena.store.tables import UserIdentityRow, UserRow
from tests.app_fixtures import free_port
from tests.support.rosters import ECHO_PAIR as PAIR

CLIENT_ID = "arena-test"
CLIENT_SECRET = "provider-secret"


class FakeProvider:
    """A minimal OpenID Connect provider: discovery, authorize (signs in ``user`` at once),
    token (checks the client secret and the PKCE verifier) and JWKS."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.user: dict[str, Any] = {"sub": "1001", "preferred_username": "Octavia"}
        self.codes: dict[str, dict[str, str]] = {}
        self.tamper: dict[str, Any] = {}  # claims to override, or "key" to sign with
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
            ]
        )

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "jwks_uri": f"{self.base}/jwks",
            }
        )

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        assert q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"]}
        query = urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = await request.form()
        sent = request.headers.get("authorization", "")
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if sent != f"Basic {basic}" and form.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form["code"]), None)
        verifier = str(form.get("code_verifier", ""))
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        if grant is None or challenge != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": self.base,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **self.user,
            **{k: v for k, v in self.tamper.items() if k != "key"},
        }
        key = self.tamper.get("key", self.key)
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return JSONResponse(
            {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    monkeypatch.setenv("ARENA_TEST_OIDC_SECRET", CLIENT_SECRET)
    fake = FakeProvider()
    server = uvicorn.Server(
        uvicorn.Config(fake.app, host="127.0.0.1", port=fake.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield fake
    server.should_exit = True
    thread.join(timeout=10)


def _start(start_app, provider: FakeProvider):
    return start_app(
        PAIR,
        oidc_issuer=provider.base,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret_env="ARENA_TEST_OIDC_SECRET",
        oidc_name="Test IdP",
    )


def _sign_in(client: httpx.Client) -> httpx.Response:
    return client.get("/api/v1/auth/oidc/login", follow_redirects=True)


def test_oidc_sign_in_makes_one_account_per_identity(start_app, db_url, provider) -> None:
    app = _start(start_app, provider)
    with app.client() as client:
        offered = client.get("/api/v1/auth/providers").json()
        assert offered == {"oidc": {"name": "Test IdP", "login": "/api/v1/auth/oidc/login"}}
        battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        done = _sign_in(client)
        assert done.status_code == 200 and done.url.path == "/"
        me = client.get("/api/v1/me").json()
        assert me["username"] == "octavia" and me["csrf_token"]
        client.headers["X-CSRF-Token"] = me["csrf_token"]
        assert client.post("/api/v1/auth/logout").status_code == 204
        del client.headers["X-CSRF-Token"]
    with app.client() as other:  # another browser, the same identity: the same account
        assert _sign_in(other).status_code == 200
        assert other.get("/api/v1/me").json()["username"] == "octavia"
        assert other.get(f"/api/v1/battles/{battle_id}").status_code == 200  # joined
    provider.user = {"sub": "2002", "preferred_username": "octavia"}  # a different person
    with app.client() as third:
        assert _sign_in(third).status_code == 200
        assert third.get("/api/v1/me").json()["username"] == "octavia-2"
        assert third.get(f"/api/v1/battles/{battle_id}").status_code == 404
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(UserRow.username)).scalars().all().__len__() == 2
            subjects = conn.execute(select(UserIdentityRow.subject)).scalars().all()
            assert sorted(subjects) == ["1001", "2002"]
    finally:
        engine.dispose()
    # No password signs in an account made by OpenID Connect.
    with app.client() as client:
        login = client.post("/api/v1/auth/login", json={"username": "octavia", "password": "!"})
        assert login.status_code == 401


def test_oidc_refuses_forged_answers(start_app, provider) -> None:
    app = _start(start_app, provider)
    with app.client() as client:
        # A callback this browser did not start (no flow cookie), or with another state.
        forged = client.get("/api/v1/auth/oidc/callback?code=x&state=y")
        assert forged.status_code == 400 and "error" in forged.json()
        started = client.get("/api/v1/auth/oidc/login")
        assert started.status_code == 302
        wrong_state = client.get("/api/v1/auth/oidc/callback?code=x&state=not-the-state")
        assert wrong_state.status_code == 400
        assert client.get("/api/v1/me").status_code == 401
    for tamper in (
        {"nonce": "replayed"},
        {"aud": "another-app"},
        {"iss": "http://evil.example"},
        {"key": RSAKey.generate_key(2048, parameters={"kid": "k1"})},
    ):
        provider.tamper = tamper
        with app.client() as client:
            answer = _sign_in(client)
            assert answer.status_code == 400, tamper
            assert client.get("/api/v1/me").status_code == 401
    provider.tamper = {}


def test_oidc_is_off_unless_configured(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        assert client.get("/api/v1/auth/providers").json() == {"oidc": None}
        assert client.get("/api/v1/auth/oidc/login").status_code == 404
