"""The rigging simulator's world: a real store with a real ``BattleService`` over fake
models, and the two readings the simulator takes of it (the board as counted, and each
client's flag status).

Apart from the experiment (``arena.simulation.rigging``, which decides who votes how and
when) because this is the one part that must match the server exactly: every vote goes
through the service into the store, and the board is fitted on the votes it counts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select, text, update

from arena.battles.roster import Contestant, Roster
from arena.battles.sampling import UniformPolicy
from arena.battles.service import BattleService, Mode, Winner
from arena.providers.base import Delta, Usage
from arena.registry import ModelSpec
from arena.store import migrate
from arena.store import repository as repo
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, FlaggedClientRow, VoteRow
from arena.store.writer import Writer

__all__ = ["SimulatedArena", "StyledFake", "client_statuses", "counted_board"]


class StyledFake:
    """A model that always answers in its own recognisable style."""

    kind = "fake"

    def __init__(self, style: int) -> None:
        self.text = f"Answer written in house style number {style}."

    async def stream(self, messages: Any, params: Any):  # type: ignore[no-untyped-def]
        yield Delta(self.text)
        yield Delta("", usage=Usage(8, 8), finish_reason="stop")

    async def check(self) -> str | None:
        return None

    async def aclose(self) -> None:
        return None


class SimulatedArena:
    """One store copy with a battle service over the fake roster."""

    def __init__(self, path: Path, models: list[str], seed: int, hold: str | None) -> None:
        self.engine = create_store_engine(f"sqlite:///{path}")
        migrate.upgrade(self.engine)
        self.writer = Writer(self.engine)
        specs = [ModelSpec(name=m, provider="openai", base_url="http://sim") for m in models]
        roster = Roster({s.name: Contestant(s, StyledFake(i)) for i, s in enumerate(specs)}, {})
        self.service = BattleService(
            self.engine, self.writer, roster, UniformPolicy(), random.Random(seed)
        )
        self.service.hold_new_clients = hold
        self.style = {StyledFake(i).text: i for i in range(len(models))}
        self.stamps: list[dict[str, Any]] = []

    async def battle(self, client: str, at: datetime, decide: Callable[[int, int], str]) -> None:
        """Create, stream one turn, read which style is on each side, vote, note the time."""
        created = await self.service.create(Mode.anonymous, None, client, None)
        texts: dict[str, str] = {}
        async for event in await self.service.turn(created.battle_id, "Which is better?"):
            if event.delta:
                texts[event.side] = texts.get(event.side, "") + event.delta
        winner = decide(self.style[texts["a"]], self.style[texts["b"]])
        await self.service.vote(created.battle_id, Winner(winner), client, None)
        self.stamps.append({"b": created.battle_id, "t": at})

    def backdate(self) -> None:
        if not self.stamps:
            return
        with self.engine.begin() as conn:
            conn.execute(
                update(VoteRow)
                .where(VoteRow.battle_id == bindparam("b"))
                .values(created_at=bindparam("t")),
                self.stamps,
            )
            conn.execute(
                update(BattleRow).where(BattleRow.id == bindparam("b")).values(
                    created_at=bindparam("t")
                ),
                self.stamps,
            )  # fmt: skip
        self.stamps.clear()

    def close(self) -> None:
        self.writer.close()
        with self.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        self.engine.dispose()


def counted_board(engine: Engine, interval: str = "sandwich") -> dict[str, tuple[float, float]]:
    """Score and 95% half-width per model, fitted on exactly the votes the board counts."""
    from arena.ratings import PairCounts, build_leaderboard

    with engine.connect() as conn:
        rows, _, _ = repo.counted_votes(conn)
    if not rows:
        return {}
    a, b, w = (list(c) for c in zip(*(r[1:4] for r in rows), strict=True))
    board = build_leaderboard(PairCounts.from_votes(a, b, w), interval=interval, rounds=100)  # type: ignore[arg-type]
    return {r.model: (r.score, (r.ci_upper - r.ci_lower) / 2) for r in board.rows}


def client_statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(FlaggedClientRow.client_hash, FlaggedClientRow.status))
        return {c: s for c, s in rows}
