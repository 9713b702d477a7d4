"""Bearer-token auth for the admin API.

Tokens come from the environment (``ARENA_ADMIN_TOKENS``, comma-separated) or from
the database, where only their SHA-256 is kept. Comparison is constant-time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from arena.errors import Forbidden, Unauthorized
from arena.store.tables import ApiTokenRow
from arena.web.state import app_state


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _admin(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this call needs 'Authorization: Bearer <admin token>'")
    token = token.strip()
    state = app_state(request)
    for allowed in filter(None, (t.strip() for t in state.settings.admin_tokens.split(","))):
        if hmac.compare_digest(allowed.encode(), token.encode()):
            return "admin:env"
    digest = token_digest(token)
    engine = state.battles.engine

    def lookup() -> tuple[str, str] | None:
        with engine.connect() as conn:
            row = conn.execute(
                select(ApiTokenRow.name, ApiTokenRow.role).where(ApiTokenRow.token_sha256 == digest)
            ).first()
            return (row.name, row.role) if row else None

    found = await asyncio.to_thread(lookup)
    if found is None:
        raise Unauthorized("unknown token")
    name, role = found
    if role != "admin":
        raise Forbidden("this token does not have the admin role")
    return f"admin:{name}"


AdminActor = Annotated[str, Depends(_admin)]
