"""The WebDev arena: both sides build the same app; the person uses both before voting.

Both sides get the versioned WebDev brief instead of their own system prompt, so they
build to the same rules. Replies stream as text; once the turn is stored, each side's
app is found in its reply (``battles/webdev.py``) and served to the battle's owner in a
sandbox (``web/routes/preview.py``); what the voter's browser saw is kept with the
battle. Generated code may sign itself (a comment, a title), so the identity check
reads code too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arena.battles import webdev
from arena.battles.arenas.base import ArenaPlugin, LoadImage, TurnInput
from arena.integrity.validity import code_leaked
from arena.providers.base import ChatMessage
from arena.store import repository as repo
from arena.vocabulary import Arena

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from arena.integrity.identity_terms import ModelIdentity


class WebdevArena(ArenaPlugin):
    name = Arena.webdev
    label = "WebDev"

    def side_messages(
        self, history: Sequence[dict[str, Any]], side: str, turn: TurnInput, load: LoadImage
    ) -> list[ChatMessage]:
        messages = super().side_messages(history, side, turn, load)
        messages.insert(0, ChatMessage("system", webdev.system_prompt()))
        return messages

    def leaks_identity(self, replies: Sequence[dict[str, Any]], identity: ModelIdentity) -> bool:
        return code_leaked((m["content"] for m in replies), identity)

    def battle_fields(self, conn: Connection, battle_id: str) -> dict[str, Any]:
        # What the voter's browser saw when each app ran (rendered, or its error).
        return {"previews": repo.preview_outcomes(conn, battle_id)}

    def app_of(self, reply: str) -> webdev.ExtractedApp:
        return webdev.extract_app(reply)


ARENA = WebdevArena()
