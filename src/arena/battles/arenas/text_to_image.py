"""The text-to-image arena: both sides make a picture from the same prompt.

Every prompt is a new picture, so an image model is sent the prompt alone. Pictures are
cleaned before they are stored (their metadata can name the model, see
``battles/pictures.py``); the board has no text style to control for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from arena.battles.arenas.base import ArenaPlugin, LoadImage, TurnInput
from arena.providers.base import ChatMessage
from arena.vocabulary import Arena


class TextToImageArena(ArenaPlugin):
    name = Arena.text_to_image
    label = "text-to-image"
    answers = "pictures"
    style_features = ()

    def side_messages(
        self, history: Sequence[dict[str, Any]], side: str, turn: TurnInput, load: LoadImage
    ) -> list[ChatMessage]:
        return [ChatMessage("user", turn.prompt)]


ARENA = TextToImageArena()
