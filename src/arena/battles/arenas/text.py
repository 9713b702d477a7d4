"""The text arena: the original one. A prompt in, two chat replies out, no images."""

from __future__ import annotations

from arena.battles.arenas.base import ArenaPlugin
from arena.vocabulary import Arena


class TextArena(ArenaPlugin):
    name = Arena.text
    label = "text"
    # Its messages are plain text: built on the event loop, the hottest path there is.
    messages_in_thread = False

    @property
    def battle_quota(self) -> str:
        return "battles"  # the key text battles counted under before there were arenas


ARENA = TextArena()
