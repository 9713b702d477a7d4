"""Proof of work on vote (ALTCHA, offline): cheap for a person, costly at bot scale.

Invariant: a challenge is bound to one battle (its salt carries ``battle=<id>``), is
signed with the server's secret and expires; it is handed only to the battle's owner
(anyone else gets the same 404 as for an unknown battle), and it carries its signed
``level`` (the ``maxNumber`` it was sized at), which the vote checks against what the
*voter* owes at vote time, so the difficulty cannot be shopped from a clean address.
A battle takes one vote, so a solved challenge can never be spent twice and no
"used" list is needed. Nothing in it names a model. The work asked (``maxNumber``:
the solver tries on average half of that many SHA-256 hashes) grows for identities
that look automated: new ones that are held back, ones voting at bot rates, flagged
ones. A browser solves the base level in a fraction of a second; a farm casting
thousands of votes pays thousands of times over. No third-party service is involved.

Uses ALTCHA's v1 scheme (``altcha`` on PyPI), which any client can solve with
plain SHA-256 (the web UI uses Web Crypto).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from arena.clock import SYSTEM_CLOCK, Clock
from arena.errors import Forbidden, InvalidInput
from arena.store.trust_repo import recent_activity

__all__ = ["PowPolicy", "VoteWork", "difficulty"]

ALGORITHM = "SHA-256"
#: Base work: 50,000 hashes at most, about 25,000 on average (well under a second in a browser).
BASE_MAX_NUMBER = 50_000
MAX_MAX_NUMBER = 5_000_000
#: Votes in the last hour above which an identity works at bot rates (one every 2 minutes).
BOT_RATE_PER_HOUR = 30


def difficulty(base: int, votes_last_hour: int, status: str | None) -> tuple[int, list[str]]:
    """The ``maxNumber`` for an identity, and why it is above ``base``."""
    factor, why = 1, []
    if status == "flagged":
        factor *= 50
        why.append("flagged for review")
    elif status == "held":
        factor *= 4
        why.append("new identity")
    if votes_last_hour > BOT_RATE_PER_HOUR:
        factor *= 10
        why.append(f"{votes_last_hour} votes in the last hour")
    return min(base * factor, MAX_MAX_NUMBER), why


@dataclass(frozen=True)
class PowPolicy:
    """How votes prove work.

    Attributes
    ----------
    secret : str
        HMAC key for signing challenges (from the server's settings).
    required : bool
        Votes without a solution are refused. When False, a solution is still
        checked if one is sent (so a client can never send a wrong one unnoticed).
    base : int
        ``maxNumber`` for an ordinary identity.
    ttl_seconds : float
        How long a challenge stays valid.
    """

    secret: str
    required: bool = False
    base: int = BASE_MAX_NUMBER
    ttl_seconds: float = 600.0

    def challenge(
        self, battle_id: str, votes_last_hour: int = 0, status: str | None = None
    ) -> dict[str, Any]:
        """A signed challenge for a vote on ``battle_id`` (the widget's JSON shape)."""
        from altcha.v1 import create_challenge

        max_number, why = difficulty(self.base, votes_last_hour, status)
        made = create_challenge(
            algorithm=ALGORITHM,
            max_number=max_number,
            hmac_key=self._key(),
            # The system's clock, not an injected one: altcha checks expiry against it.
            expires=SYSTEM_CLOCK.now() + timedelta(seconds=self.ttl_seconds),
            # Signed with the rest of the salt: the vote reads back the level it was sized at.
            params={"battle": battle_id, "level": str(max_number)},
        )
        return {**made.to_dict(), "required": self.required, "harder_because": why}

    def check(self, payload: str | None, battle_id: str, owed: int = 0) -> bool:
        """Raise if ``payload`` is missing (when required), wrong, expired, for another
        battle or sized below ``owed`` (the ``maxNumber`` the voter owes now); True if a
        valid solution was given."""
        if not payload:
            if self.required:
                raise Forbidden(
                    "this arena asks for proof of work: solve the challenge from "
                    f"GET /api/v1/battles/{battle_id}/challenge and send it as 'altcha'"
                )
            return False
        from altcha.v1 import extract_params, verify_solution

        ok, reason = verify_solution(payload, self._key(), check_expires=True)
        if not ok:
            raise InvalidInput(f"proof of work not accepted: {(reason or 'invalid').lower()}")
        import base64
        import json

        params = extract_params(json.loads(base64.b64decode(payload)))
        if params.get("battle") != [battle_id]:
            raise InvalidInput("proof of work not accepted: it was issued for another battle")
        level = params.get("level", ["0"])[0]
        if not level.isdigit() or int(level) < owed:
            raise Forbidden(
                "proof of work not accepted: it was sized for an easier voter than this one; "
                f"solve a fresh challenge from GET /api/v1/battles/{battle_id}/challenge"
            )
        return True

    def owed(self, votes_last_hour: int, status: str | None) -> int:
        """The ``maxNumber`` a voter owes now (what its challenge must have been sized at)."""
        return difficulty(self.base, votes_last_hour, status)[0]

    def _key(self) -> str:
        # A key of its own, derived from the server's secret salt.
        return hashlib.sha256(f"arena-pow:{self.secret}".encode()).hexdigest()


class VoteWork:
    """The proof-of-work service the vote routes call: a challenge sized by what the
    store knows of the voter (votes in the last hour, held or flagged), and the check.

    ``clock`` is the app's clock: the hour is counted on the same time line as the
    votes' own timestamps.
    """

    def __init__(self, policy: PowPolicy, engine: Engine, clock: Clock = SYSTEM_CLOCK) -> None:
        self.policy = policy
        self._engine = engine
        self._clock = clock

    async def _signals(self, client_hash: str) -> tuple[int, str | None]:
        since = self._clock.now() - timedelta(hours=1)

        def read() -> tuple[int, str | None]:
            with self._engine.connect() as conn:
                return recent_activity(conn, client_hash, since)

        return await asyncio.to_thread(read)

    async def challenge(self, battle_id: str, client_hash: str) -> dict[str, Any]:
        votes, status = await self._signals(client_hash)
        return self.policy.challenge(battle_id, votes, status)

    async def check(self, payload: str | None, battle_id: str, client_hash: str) -> bool:
        """The vote's check: the solution, and its level against what this voter owes now
        (a challenge fetched from a cleaner address or cookie does not pass)."""
        if not payload:
            return self.policy.check(payload, battle_id)
        votes, status = await self._signals(client_hash)
        return self.policy.check(payload, battle_id, self.policy.owed(votes, status))
