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
    """Where a battle happens; each arena has its own board.

    Each name also says which kind of model can serve it (``chat``: text out, ``images``:
    pictures out; several kinds separated by spaces). The registry checks a model's
    ``arenas`` against it when it loads, below the battle layer; what an arena *does*
    lives in its own object (``arena.battles.arenas``), one per name.
    """

    served_by: frozenset[str]

    def __new__(cls, value: str, served_by: str = "chat") -> Arena:
        member = str.__new__(cls, value)
        member._value_ = value
        member.served_by = frozenset(served_by.split())
        return member

    text = "text", "chat"
    vision = "vision", "chat"
    text_to_image = "text_to_image", "images"
    image_edit = "image_edit", "images"
    webdev = "webdev", "chat"
    search = "search", "chat"

    @classmethod
    def parse(cls, value: str) -> Arena:
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(a.value for a in cls)
            raise InvalidInput(f"unknown arena {value!r}; arenas: {names}") from None

    @classmethod
    def served_by_kind(cls, kind: str) -> list[Arena]:
        """The arenas a model of this kind (``chat``, ``images``) can battle in."""
        return [arena for arena in cls if kind in arena.served_by]
