"""The vision arena: both sides answer about the same uploaded image.

The image comes with the first turn (one per conversation) and stays in each side's
history, so a follow-up is still about it; replies are text, with text's board.
"""

from __future__ import annotations

from arena.battles.arenas.base import ArenaPlugin
from arena.vocabulary import Arena


class VisionArena(ArenaPlugin):
    name = Arena.vision
    label = "vision"
    first_turn_image = True


ARENA = VisionArena()
