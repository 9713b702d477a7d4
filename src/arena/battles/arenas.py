"""What differs between arenas, in one place: what a turn carries and what a side returns.

The battle flow (``service.py``) is the same for every arena: draw a pair, run both
sides at once, store the turn, take one vote. Each arena only decides

- which images a turn may or must bring (vision: one per conversation, on the first
  turn; image edit: the picture to edit, on the first turn; text: none);
- what each side is sent (image edit: each side edits its *own* last picture);
- whether a side answers in pictures, and whether a text-style board makes sense.

Everything here is data and small pure functions, so adding an arena means adding a
row to ``RULES``, not an ``if arena ==`` in the service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from arena.battles import webdev
from arena.errors import InvalidInput
from arena.providers.base import ChatMessage, ImageInput
from arena.vocabulary import Arena

LoadImage = Callable[[str], ImageInput]


@dataclass(frozen=True, slots=True)
class ArenaRules:
    arena: Arena
    label: str
    first_turn_image: bool
    """The first turn must bring exactly one image (vision, image edit)."""
    makes_images: bool
    """Sides answer with a picture instead of text."""
    text_style: bool
    """Replies are text, so style control by length and Markdown applies."""

    def check_images(self, turns_so_far: int, image_ids: Sequence[str]) -> None:
        """Refuse a turn whose images do not fit this arena, before any model runs."""
        if self.first_turn_image and turns_so_far == 0:
            if len(image_ids) != 1:
                raise InvalidInput(f"a {self.label} battle starts with exactly one image")
            return
        if image_ids:
            if self.first_turn_image:
                raise InvalidInput(
                    f"a {self.label} battle takes its one image on the first turn only"
                )
            raise InvalidInput(f"the {self.label} arena takes no images")

    def conversation(
        self,
        history: Sequence[dict[str, Any]],
        side: str,
        prompt: str,
        image_ids: Sequence[str],
        load: LoadImage,
    ) -> list[ChatMessage]:
        """The messages one side is sent for this turn."""
        mine = [m for m in history if m["side"] == side]
        if self.arena is Arena.text_to_image:
            # Every prompt is a new picture: an image model is sent the prompt alone.
            return [ChatMessage("user", prompt)]
        if self.arena is Arena.image_edit:
            # Each side edits its own last picture; the first turn edits the upload.
            pictures = [
                i for m in mine if m["role"] == "assistant" for i in m.get("image_ids") or []
            ]
            source = pictures[-1] if pictures else image_ids[0]
            return [ChatMessage("user", prompt, images=(load(source),))]
        messages = [
            ChatMessage(m["role"], m["content"], _images(m.get("image_ids"), load)) for m in mine
        ]
        messages.append(ChatMessage("user", prompt, _images(image_ids, load)))
        if self.arena is Arena.webdev:
            # The versioned WebDev brief replaces a model's own system prompt, so both
            # sides build to the same rules.
            messages.insert(0, ChatMessage("system", webdev.system_prompt()))
        return messages


def _images(ids: Sequence[str] | None, load: LoadImage) -> tuple[ImageInput, ...]:
    return tuple(load(i) for i in ids or ())


RULES: dict[Arena, ArenaRules] = {
    rules.arena: rules
    for rules in (
        ArenaRules(Arena.text, "text", first_turn_image=False, makes_images=False, text_style=True),
        ArenaRules(
            Arena.vision, "vision", first_turn_image=True, makes_images=False, text_style=True
        ),
        ArenaRules(
            Arena.text_to_image,
            "text-to-image",
            first_turn_image=False,
            makes_images=True,
            text_style=False,
        ),
        ArenaRules(
            Arena.image_edit,
            "image edit",
            first_turn_image=True,
            makes_images=True,
            text_style=False,
        ),
        ArenaRules(
            Arena.webdev, "WebDev", first_turn_image=False, makes_images=False, text_style=True
        ),
    )
}


def rules_for(arena: str) -> ArenaRules:
    return RULES[Arena.parse(arena)]
