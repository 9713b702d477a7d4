"""The image-edit arena: both sides edit the same upload, then keep editing their own.

The first turn brings the picture to edit; each later turn edits the side's *own* last
picture, so the two sides' pictures drift apart as the person asks for changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from arena.battles.arenas.base import ArenaPlugin, LoadImage, TurnInput
from arena.providers.base import ChatMessage
from arena.vocabulary import Arena


class ImageEditArena(ArenaPlugin):
    name = Arena.image_edit
    label = "image edit"
    answers = "pictures"
    first_turn_image = True
    style_features = ()

    def side_messages(
        self, history: Sequence[dict[str, Any]], side: str, turn: TurnInput, load: LoadImage
    ) -> list[ChatMessage]:
        pictures = [
            image_id
            for m in history
            if m["side"] == side and m["role"] == "assistant"
            for image_id in m.get("image_ids") or []
        ]
        source = pictures[-1] if pictures else turn.image_ids[0]
        return [ChatMessage("user", turn.prompt, images=(load(source),))]


ARENA = ImageEditArena()
