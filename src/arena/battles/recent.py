"""What this worker last knew of the battles it served, to skip a read before a turn or vote.

Invariant: nothing is decided on this snapshot alone. Every write that follows
a hit re-checks, in its own transaction, the facts the snapshot stood for (the
battle is open, unlocked and has exactly the cached number of turns); when
another worker moved the battle on, that check fails and the caller redoes the
step from a fresh read. The store stays the only truth, so workers stay
stateless: losing this cache costs one read, never a wrong answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from arena.store.battles_repo import StoredBattle

__all__ = ["BattleSnapshot", "RecentBattles"]

DEFAULT_CAPACITY = 4096


@dataclass(frozen=True, slots=True)
class BattleSnapshot:
    battle: StoredBattle
    history: tuple[dict[str, Any], ...]

    def after_turn(self, rows: list[dict[str, Any]], failed: bool) -> BattleSnapshot:
        battle = replace(
            self.battle,
            turns=self.battle.turns + 1,
            status="failed" if failed else self.battle.status,
            turn_lock_until=None,
        )
        return BattleSnapshot(battle, self.history + tuple(rows))


class RecentBattles:
    """A small LRU of battle snapshots, safe to use from the loop and from threads."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, BattleSnapshot] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, battle_id: str) -> BattleSnapshot | None:
        with self._lock:
            snapshot = self._items.get(battle_id)
            if snapshot is not None:
                self._items.move_to_end(battle_id)
            return snapshot

    def put(self, snapshot: BattleSnapshot) -> None:
        with self._lock:
            self._items[snapshot.battle.id] = snapshot
            self._items.move_to_end(snapshot.battle.id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def drop(self, battle_id: str) -> None:
        with self._lock:
            self._items.pop(battle_id, None)
