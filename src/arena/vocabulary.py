"""The words every layer shares: vote outcomes and arena names.

The votes file, the store, the battles and the web all speak these values, so they
live here, below all of them, and import nothing of Arena but its errors.
"""

from __future__ import annotations

from enum import StrEnum

from arena.errors import InvalidInput

# The original arena's spellings, still accepted from older clients and data files.
LEGACY_WINNERS = {"tie (bothbad)": "both_bad", "tie(bothbad)": "both_bad"}


class Winner(StrEnum):
    """The one vote vocabulary, from the HTTP body to the export file."""

    model_a = "model_a"
    model_b = "model_b"
    tie = "tie"
    both_bad = "both_bad"

    @classmethod
    def parse(cls, value: str) -> Winner:
        if value in LEGACY_WINNERS:
            return cls(LEGACY_WINNERS[value])
        try:
            return cls(value)
        except ValueError:
            raise InvalidInput("winner must be one of model_a, model_b, tie, both_bad") from None


class Arena(StrEnum):
    """Where a battle happens; each arena has its own board."""

    text = "text"
    vision = "vision"
    text_to_image = "text_to_image"
    image_edit = "image_edit"
    webdev = "webdev"

    @classmethod
    def parse(cls, value: str) -> Arena:
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(a.value for a in cls)
            raise InvalidInput(f"unknown arena {value!r}; arenas: {names}") from None


CHAT_ARENAS = frozenset({Arena.text, Arena.vision, Arena.webdev})
"""Arenas a chat model (text in, text out) can serve."""
IMAGE_ARENAS = frozenset({Arena.text_to_image, Arena.image_edit})
"""Arenas an image model (pictures out) can serve."""
