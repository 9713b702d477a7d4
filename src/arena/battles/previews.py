"""App previews (WebDev): which stored reply a side's app is built from, and what
the voter's browser saw when it ran (rendered, or the error it threw). Whether a
battle has previews, and how an app is found in a reply, is its arena's ``app_of``.

Only the battle's owner may see a preview, and only of a stored turn: a turn is
stored once both sides ended, so a preview never runs code still being written.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from arena.battles.arenas import arena_plugin
from arena.battles.refusals import check_owner
from arena.errors import NotFound
from arena.store import repository as repo
from arena.store.requester import Requester
from arena.store.writer import Writer

if TYPE_CHECKING:
    from arena.battles.webdev import ExtractedApp


class WebdevPreviews:
    def __init__(self, engine: Engine, writer: Writer) -> None:
        self.engine = engine
        self.writer = writer

    async def source(
        self, battle_id: str, side: str, turn: int | None, requester: Requester | None
    ) -> tuple[int, ExtractedApp]:
        """(turn, app) of the stored reply; the same 404 for an unknown battle, side or
        turn, someone else's battle, or a battle whose arena has no previews."""

        def load(conn: Any) -> tuple[repo.StoredBattle | None, tuple[int, str] | None]:
            return repo.get_battle(conn, battle_id), repo.reply_text(conn, battle_id, side, turn)

        def read() -> tuple[repo.StoredBattle | None, tuple[int, str] | None]:
            with self.engine.connect() as conn:
                return load(conn)

        battle, reply = await asyncio.to_thread(read)
        check_owner(battle, requester)
        assert battle is not None
        app = arena_plugin(battle.arena).app_of(reply[1]) if reply is not None else None
        if reply is None or app is None:
            raise NotFound("no such battle")
        return reply[0], app

    async def record(
        self,
        battle_id: str,
        side: str,
        turn: int,
        status: str,
        error: str | None,
        requester: Requester | None,
    ) -> bool:
        """Keep the first outcome of a side's turn (a reload cannot rewrite it)."""
        _turn, app = await self.source(battle_id, side, turn, requester)
        values = {
            "battle_id": battle_id,
            "side": side,
            "turn": turn,
            "kind": app.kind,
            "status": status,
            "error": error,
        }
        return await self.writer.write(lambda conn: repo.record_preview_outcome(conn, **values))
