"""Sign-in with an OpenID Connect provider, when an operator configures one.

Authorization code flow with PKCE (``authlib`` for the OAuth 2 client, ``joserfc`` for the
ID token). The state, nonce and code verifier travel in a short-lived HTTP-only cookie
signed with the server secret, so any worker can finish a sign-in another one started.
An identity (issuer, subject) maps to one account, made at its first sign-in. The rest
(session, CSRF token, joining the browser's battles) is the same as a password sign-in.
``authlib`` is imported only when the flow runs.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from arena.errors import ArenaError, NotFound
from arena.store import accounts_repo
from arena.web.deps import BattlesDep, ClockDep, RequesterDep, SettingsDep
from arena.web.schemas import error_responses
from arena.web.sessions import read_session_token, session_cookie
from arena.web.state import app_state

router = APIRouter(prefix="/auth", tags=["accounts"])  # inside the accounts router (/api/v1)
ERRORS = error_responses(400, 404)
FLOW_COOKIE = "arena_oidc"
FLOW_PATH = "/api/v1/auth/oidc"
FLOW_SECONDS = 600


class SignInFailed(ArenaError):
    status_code = 400


def _configured(settings: Any) -> None:
    if not (settings.oidc_issuer and settings.oidc_client_id):
        raise NotFound("no OpenID Connect provider is configured")


def _sign(secret: str, payload: bytes) -> str:
    mac = hmac.new(secret.encode(), b"oidc:" + payload, hashlib.sha256).hexdigest()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + mac


def _unsign(secret: str, value: str) -> dict[str, str] | None:
    data, _, mac = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except ValueError:
        return None
    good = hmac.new(secret.encode(), b"oidc:" + payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, mac):
        return None
    return json.loads(payload)


async def _metadata(request: Request, issuer: str) -> dict[str, Any]:
    """The provider's discovery document, fetched once per worker."""
    fetched = app_state(request).fetched
    cached = fetched.get("oidc_metadata")
    if cached is None:
        import httpx

        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.get(url)
            response.raise_for_status()
            cached = response.json()
        fetched["oidc_metadata"] = cached
    return cached


def _client(settings: Any, redirect_uri: str) -> Any:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

    secret_env = settings.oidc_client_secret_env
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=os.environ.get(secret_env, "") if secret_env else None,
        redirect_uri=redirect_uri,
        scope="openid profile email",
        code_challenge_method="S256",
        timeout=10,
    )


@router.get("/providers")
async def providers(settings: SettingsDep) -> dict[str, Any]:
    """What the sign-in page can offer besides a password."""
    on = bool(settings.oidc_issuer and settings.oidc_client_id)
    return {"oidc": {"name": settings.oidc_name, "login": f"{FLOW_PATH}/login"} if on else None}


@router.get("/oidc/login", responses=ERRORS)
async def oidc_login(request: Request, settings: SettingsDep) -> RedirectResponse:
    _configured(settings)
    meta = await _metadata(request, settings.oidc_issuer)  # type: ignore[arg-type]
    flow = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(48),
    }
    client = _client(settings, str(request.url_for("oidc_callback")))
    async with client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=flow["state"],
            code_verifier=flow["verifier"],
            nonce=flow["nonce"],
        )
    response = RedirectResponse(url, status_code=302)
    secure = "; Secure" if request.url.scheme == "https" else ""
    value = _sign(app_state(request).secret, json.dumps(flow).encode())
    response.headers.append(
        "set-cookie",
        f"{FLOW_COOKIE}={value}; Path={FLOW_PATH}; Max-Age={FLOW_SECONDS}; HttpOnly; "
        f"SameSite=Lax{secure}",
    )
    return response


def _wanted_username(claims: dict[str, Any]) -> str:
    raw = str(claims.get("preferred_username") or claims.get("email") or "user").lower()
    name = re.sub(r"[^a-z0-9_.@+-]", "", raw)[:64]
    return name if len(name) >= 3 and name[0].isalnum() else f"user-{name}"[:64]


@router.get("/oidc/callback", name="oidc_callback", responses=ERRORS)
async def oidc_callback(
    request: Request,
    settings: SettingsDep,
    battles: BattlesDep,
    requester: RequesterDep,
    clock: ClockDep,
) -> RedirectResponse:
    _configured(settings)
    issuer: str = settings.oidc_issuer  # type: ignore[assignment]
    secret = app_state(request).secret
    flow = _unsign(secret, request.cookies.get(FLOW_COOKIE, ""))
    state = request.query_params.get("state", "")
    if flow is None or not hmac.compare_digest(flow["state"].encode(), state.encode()):
        raise SignInFailed("this sign-in expired or was not started here; please try again")
    if "error" in request.query_params or "code" not in request.query_params:
        raise SignInFailed("the provider did not sign you in")
    meta = await _metadata(request, issuer)
    client = _client(settings, str(request.url_for("oidc_callback")))
    try:
        async with client:
            token = await client.fetch_token(
                meta["token_endpoint"],
                code=request.query_params["code"],
                code_verifier=flow["verifier"],
            )
            keys = (await client.get(meta["jwks_uri"])).json()
        claims = _verified_claims(token.get("id_token", ""), keys, issuer, settings, flow)
    except SignInFailed:
        raise
    except Exception as exc:  # the provider's answer, whatever went wrong with it
        raise SignInFailed("the provider's answer could not be verified") from exc
    user_id, _ = await asyncio.to_thread(
        accounts_repo.identity_user,
        battles.engine,
        issuer,
        str(claims["sub"]),
        _wanted_username(claims),
    )
    session = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=settings.session_hours)
    await asyncio.to_thread(
        accounts_repo.start_session,
        battles.engine,
        user_id,
        session,
        lifetime,
        read_session_token(request.scope["headers"]),
        clock.now(),
    )
    await asyncio.to_thread(
        accounts_repo.join_battles, battles.engine, user_id, requester.client_key
    )
    response = RedirectResponse("/#/", status_code=303)
    https = request.url.scheme == "https"
    response.headers.append(
        "set-cookie", session_cookie(session, int(lifetime.total_seconds()), https)
    )
    response.headers.append(
        "set-cookie", f"{FLOW_COOKIE}=; Path={FLOW_PATH}; Max-Age=0; HttpOnly; SameSite=Lax"
    )
    return response


def _verified_claims(
    id_token: str, keys: dict[str, Any], issuer: str, settings: Any, flow: dict[str, str]
) -> dict[str, Any]:
    """The ID token's claims, after its signature, issuer, audience, expiry and nonce."""
    from joserfc import jwt
    from joserfc.jwk import KeySet

    decoded = jwt.decode(id_token, KeySet.import_key_set(keys))
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": flow["nonce"]},
    )
    registry.validate(decoded.claims)
    audience = decoded.claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.oidc_client_id not in audiences:
        raise SignInFailed("the provider's answer is for another application")
    return dict(decoded.claims)
