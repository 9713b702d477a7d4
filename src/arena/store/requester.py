"""Who is asking for a battle: the value the ownership rule and the store's queries share.

It lives in the store layer because the store filters by it ("my battles" in
``store.history``) and must not import upwards; the rule that decides who may touch a
battle with it is :mod:`arena.battles.ownership`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Requester"]


@dataclass(frozen=True, slots=True)
class Requester:
    """Who is asking: the hashed client cookie, and the signed-in user if any."""

    client_key: str | None
    user_id: str | None = None
