"""Accounts over HTTP: sign up, sign in and out (here or everywhere), the account itself.

Every wrong credential gets the same 401, whether the name exists or not. Brute force
is slowed without a lock anyone can turn (issue 31):

- per address, and per (account, address): ``rate_login_attempts`` per 15 minutes,
  counted before any password is checked, so one place guesses slowly;
- per account over all addresses: ``rate_login_account_attempts`` failed sign-ins per
  15 minutes; past it, a browser that is not a known device of the account (see
  ``arena.web.device_cookie``) waits before its password is even checked, while a known
  device still signs in, under its own per-(account, device) limit.

The counters fail closed: if Redis cannot be reached, sign-in answers 503 rather than
lifting the limits (the other limits fail open).
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from arena.accounts import passwords
from arena.errors import RateLimited, Unauthorized
from arena.store import accounts_repo
from arena.web.client_cookie import client_cookie
from arena.web.deps import BattlesDep, ClientHash, ClockDep, RequesterDep, SettingsDep
from arena.web.device_cookie import Device, device_cookie, read_device
from arena.web.routes import oidc
from arena.web.schemas import error_responses
from arena.web.sessions import csrf_token, read_session_token, session_cookie
from arena.web.state import app_state

router = APIRouter(prefix="/api/v1", tags=["accounts"])
ERRORS = error_responses(401, 403, 409, 422, 429)
WRONG = "wrong username or password"
WINDOW_S = 15 * 60


class Credentials(BaseModel):
    username: str = Field(max_length=256)
    password: str = Field(max_length=1024)


class SignedInOut(BaseModel):
    username: str
    csrf_token: str


async def _limit(keys: list[str], limit: int, request: Request) -> None:
    """Count one attempt against each key; 429 if any is over (503 if Redis is down)."""
    if limit <= 0:
        return
    limiter = app_state(request).limiter
    waits = [await limiter.hit(key, limit, WINDOW_S, fail_closed=True) for key in keys]
    _refuse_if_over(waits)


def _refuse_if_over(waits: list[int | None]) -> None:
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise RateLimited(f"too many sign-in attempts; try again in {wait} s", wait)


async def _login_limits(request: Request, client: str, account: str, device: Device | None) -> None:
    """The limits of one sign-in attempt, before its password is checked."""
    settings = app_state(request).settings
    if device is not None:  # a known device of this account: its own limit only
        keys = [f"login:device:{account}:{device.device_id}"]
        await _limit(keys, int(settings.rate_login_attempts), request)
        return
    keys = [f"login:client:{client}", f"login:pair:{account}:{client}"]
    await _limit(keys, int(settings.rate_login_attempts), request)
    account_limit = int(settings.rate_login_account_attempts)
    if account_limit > 0:
        limiter = app_state(request).limiter
        _refuse_if_over([await limiter.peek(_account_key(account), account_limit, True)])


async def _count_failure(request: Request, account: str) -> None:
    """A wrong password counts against the account, from wherever it came."""
    state = app_state(request)
    limit = int(state.settings.rate_login_account_attempts)
    if limit > 0:
        await state.limiter.hit(_account_key(account), limit, WINDOW_S, fail_closed=True)


def _account_key(account: str) -> str:
    return f"login:account:{account}"


def _signed_in(request: Request) -> tuple[str, str, str]:
    """(user id, username, session token) of the request, or 401."""
    state = request.state
    user_id = getattr(state, "user_id", None)
    if not user_id:
        raise Unauthorized("not signed in")
    return user_id, state.username, state.session_token


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def _signed_out(request: Request) -> Response:
    """204 that clears the session cookie and gives the browser a fresh client cookie, so
    after signing out (say, on a shared computer) it no longer opens the battles it made:
    they stay with the account."""
    response = Response(status_code=204)
    https = _https(request)
    response.headers.append("set-cookie", session_cookie("", 0, https))
    response.headers.append("set-cookie", client_cookie(secrets.token_urlsafe(32), https))
    return response


@router.post("/auth/signup", status_code=201, responses=ERRORS)
async def signup(
    request: Request, body: Credentials, client: ClientHash, battles: BattlesDep
) -> dict[str, str]:
    await _limit(
        [f"login:client:{client}"], app_state(request).settings.rate_login_attempts, request
    )
    username = passwords.check_username(body.username)
    passwords.check_password(body.password, username)
    digest = await asyncio.to_thread(passwords.hash_password, body.password)
    await asyncio.to_thread(accounts_repo.create_user, battles.engine, username, digest)
    return {"username": username}


@router.post("/auth/login", response_model=SignedInOut, responses=ERRORS)
async def login(
    request: Request,
    response: Response,
    body: Credentials,
    client: ClientHash,
    battles: BattlesDep,
    requester: RequesterDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> SignedInOut:
    username = passwords.normalize_username(body.username)
    account = username[:64]
    secret = app_state(request).secret
    device = read_device(request.scope["headers"])
    known = device if device is not None and device.knows(secret, account) else None
    await _login_limits(request, client, account, known)
    found = await asyncio.to_thread(accounts_repo.user_by_name, battles.engine, username)
    ok = await asyncio.to_thread(
        passwords.verify_password, found[1] if found else None, body.password
    )
    if not ok or found is None:
        await _count_failure(request, account)
        raise Unauthorized(WRONG)
    user_id = found[0]
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=settings.session_hours)
    await asyncio.to_thread(
        accounts_repo.start_session,
        battles.engine,
        user_id,
        token,
        lifetime,
        read_session_token(request.scope["headers"]),
        clock.now(),
    )
    await asyncio.to_thread(
        accounts_repo.join_battles, battles.engine, user_id, requester.client_key
    )
    max_age = int(lifetime.total_seconds())
    response.headers.append("set-cookie", session_cookie(token, max_age, _https(request)))
    response.headers.append("set-cookie", device_cookie(secret, device, account, _https(request)))
    response.headers["cache-control"] = "no-store"
    return SignedInOut(username=username, csrf_token=csrf_token(app_state(request).secret, token))


@router.post("/auth/logout", status_code=204, responses=ERRORS)
async def logout(request: Request, battles: BattlesDep) -> Response:
    """Sign this browser out; without a session it is a no-op, so it is safe to repeat."""
    token = getattr(request.state, "session_token", None)
    if not token:
        return Response(status_code=204)
    await asyncio.to_thread(accounts_repo.end_session, battles.engine, token)
    return _signed_out(request)


@router.post("/auth/logout-all", status_code=204, responses=ERRORS)
async def logout_all(request: Request, battles: BattlesDep) -> Response:
    """Sign out everywhere: every session of the account ends, on every browser."""
    user_id, _, _ = _signed_in(request)
    await asyncio.to_thread(accounts_repo.end_all_sessions, battles.engine, user_id)
    return _signed_out(request)


@router.get("/me", response_model=SignedInOut, responses=ERRORS)
async def me(request: Request, response: Response) -> SignedInOut:
    _, username, token = _signed_in(request)
    response.headers["cache-control"] = "no-store"
    return SignedInOut(username=username, csrf_token=csrf_token(app_state(request).secret, token))


@router.get("/session", responses=ERRORS)
async def session(request: Request, response: Response) -> dict[str, Any]:
    """Who this browser is, signed in or not, always 200: what a page asks on every load
    (``/me`` answers 401 when signed out, which a browser logs as an error each time)."""
    response.headers["cache-control"] = "no-store"
    if not getattr(request.state, "user_id", None):
        return {"signed_in": False}
    _, username, token = _signed_in(request)
    secret = app_state(request).secret
    return {"signed_in": True, "username": username, "csrf_token": csrf_token(secret, token)}


@router.delete("/me", status_code=204, responses=ERRORS)
async def delete_me(request: Request, battles: BattlesDep) -> Response:
    """Delete the account and its personal data; its votes stay on the board, unlinked."""
    user_id, _, _ = _signed_in(request)
    await asyncio.to_thread(accounts_repo.delete_user, battles.engine, user_id)
    return _signed_out(request)


@router.get("/me/export", responses=ERRORS)
async def export_me(request: Request, response: Response, battles: BattlesDep) -> dict[str, Any]:
    """Everything stored about the signed-in user, as JSON."""
    user_id, _, _ = _signed_in(request)
    response.headers["cache-control"] = "no-store"
    response.headers["content-disposition"] = 'attachment; filename="arena-my-data.json"'
    return await asyncio.to_thread(accounts_repo.export_user, battles.engine, user_id)


# OpenID Connect sign-in lives in its own module; its routes join this router's.
router.include_router(oidc.router)
