"""Who may touch a battle, and why a battle refuses a turn or a vote right now.

Checked on a cached snapshot first and re-checked in the store's write, so any worker
answers the same way. Someone else's battle gets the same 404 as an unknown one. ``now``
is the service's clock, the one that set the turn lease.
"""

from __future__ import annotations

from datetime import datetime

from arena.battles.events import Mode
from arena.battles.ownership import may_touch
from arena.errors import NotFound
from arena.store import repository as repo
from arena.store.requester import Requester


def check_owner(battle: repo.StoredBattle | None, requester: Requester | None) -> None:
    """The same 404 for a missing battle and for someone else's (see ``ownership``)."""
    if battle is None:
        raise NotFound("no such battle")
    if requester is not None and not may_touch(battle.owner_key, battle.user_id, requester):
        raise NotFound("no such battle")


def turn_refusal(battle: repo.StoredBattle, now: datetime) -> str | None:
    """Why this battle cannot take a turn now, or None. The claim re-checks it in the store."""
    if battle.winner is not None:
        return "this battle has been voted on; start a new battle"
    if battle.status == "failed":
        return "a side of this battle failed; start a new battle"
    if battle.turn_lock_until is not None and battle.turn_lock_until > now:
        return "another turn of this battle is running; wait for it to finish"
    return None


def vote_refusal(battle: repo.StoredBattle, now: datetime) -> str | None:
    """Why this battle cannot take a vote now, or None."""
    if battle.winner is not None:
        return "this battle already has a vote"
    if battle.mode == Mode.direct.value or battle.model_b is None:
        return "direct chats are not voted on"
    if battle.status == "failed":
        return "a side of this battle failed, so it cannot be voted; start a new battle"
    if battle.turn_lock_until is not None and battle.turn_lock_until > now:
        return "wait until both sides have finished answering"
    if battle.turns == 0:
        return "send a prompt and read both answers before voting"
    return None
