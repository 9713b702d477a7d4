"""What a vote is checked for before it is stored, and what a battle shows when read.

Both ask the battle's arena object: how a side's output is checked for identity leaks
(the integrity rules themselves are in ``validity``), and which fields of a stored
message are public before and after the vote.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from arena.battles.arenas import ArenaPlugin
from arena.battles.events import Mode, PublicModel
from arena.integrity.validity import vote_flags
from arena.store.audit import as_utc
from arena.store.battles_repo import StoredBattle

if TYPE_CHECKING:
    from arena.integrity.identity_terms import ModelIdentity

SIDES = ("a", "b")


def flags_for_vote(
    plugin: ArenaPlugin,
    battle: StoredBattle,
    messages: list[dict[str, Any]],
    identity: Callable[[str], ModelIdentity],
    min_vote_seconds: float,
    voted_at: datetime,
) -> dict[str, Any]:
    """The flags that keep a vote off the board (a side named itself, a vote too fast)."""
    leaked = []
    for side, name in zip(SIDES, (battle.model_a, battle.model_b), strict=True):
        replies = [m for m in messages if m["side"] == side and m["role"] == "assistant"]
        if plugin.leaks_identity(replies, identity(name or "")):
            leaked.append(side)
    last = max((as_utc(m["created_at"]) for m in messages), default=None)
    return vote_flags(
        leaked_sides=leaked,
        last_token_at=last,
        voted_at=voted_at,
        min_vote_seconds=min_vote_seconds,
    )


def battle_view(
    plugin: ArenaPlugin,
    battle: StoredBattle,
    messages: list[dict[str, Any]],
    fields: dict[str, Any],
    public: Callable[[str], PublicModel],
) -> dict[str, Any]:
    """A battle as its owner reads it: names only once voted (or in a named mode)."""
    revealed = battle.winner is not None or battle.mode != Mode.anonymous.value
    sides: dict[str, Any] = {}
    for side, name in zip(SIDES, (battle.model_a, battle.model_b), strict=True):
        if name is None:
            continue
        entry: dict[str, Any] = {
            "messages": [plugin.shown_message(m, revealed) for m in messages if m["side"] == side]
        }
        if revealed:
            model = public(name)
            entry["model"] = {"name": model.name, "organization": model.organization}
        sides[side] = entry
    return {
        "battle_id": battle.id,
        "mode": battle.mode,
        "arena": battle.arena,
        "status": battle.status,
        "turns": battle.turns,
        "winner": battle.winner,
        "sides": sides,
    } | fields
