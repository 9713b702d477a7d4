"""The words every layer shares: vote outcomes and arena names.

The votes file, the store, the battles and the web all speak these values, so they
live here, below all of them, and import nothing of Arena but its errors.
"""

from __future__ import annotations

from enum import StrEnum

from arena.errors import InvalidInput

# The original arena's spellings, still accepted from older clients and data files.
LEGACY_WINNERS = {"tie (bothbad)": "both_bad", "tie(bothbad)": "both_bad"}
# Every spelling a votes file may use (compared lower-cased, spaces around stripped).
FILE_WINNERS = {
    "model_a": "model_a", "a": "model_a", "model_b": "model_b", "b": "model_b",
    "tie": "tie", "both_bad": "both_bad", "bothbad": "both_bad", "both bad": "both_bad",
    **LEGACY_WINNERS,
}  # fmt: skip


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

    @classmethod
    def lookup(cls, value: object) -> Winner | None:
        """Any spelling a votes file uses (case and outer spaces ignored), or None."""
        if not isinstance(value, str):
            return None
        known = FILE_WINNERS.get(value.strip().lower())
        return None if known is None else cls(known)

    @property
    def code(self) -> int:
        """0 A won, 1 B won, 2 tie, 3 both bad (the order of the members)."""
        return _CODES[self]

    @property
    def outcome(self) -> float:
        """The outcome for model A: 1.0, 0.0, or 0.5 for a tie or both bad."""
        return (1.0, 0.0, 0.5, 0.5)[_CODES[self]]


_CODES = {w: i for i, w in enumerate(Winner)}


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
