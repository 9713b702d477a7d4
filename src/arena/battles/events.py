"""What the battle flow hands out: modes, stream events, the models a voter may see.

A ``TurnEvent`` carries a side letter and text (or a stored picture's id), never the
model behind the side: what a client receives before the vote is built from these
alone, so anonymity holds by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    anonymous = "anonymous"
    side_by_side = "side_by_side"
    direct = "direct"


@dataclass(frozen=True, slots=True)
class TurnEvent:
    side: str
    delta: str | None = None
    done: bool = False
    error: str | None = None
    finish: dict[str, Any] | None = None
    """On ``done``: ``finish_reason`` (``stop`` or ``length``) and, when cut, ``max_tokens``."""
    image: str | None = None
    """The id of a picture this side made, already cleaned and stored (image arenas)."""

    def as_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"side": self.side, "error": self.error}
        if self.done:
            return {"side": self.side, "done": True, **(self.finish or {})}
        if self.image is not None:
            return {"side": self.side, "image": self.image}
        return {"side": self.side, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class PublicModel:
    name: str
    organization: str | None


@dataclass(frozen=True, slots=True)
class CreatedBattle:
    battle_id: str
    models: list[PublicModel] | None  # None in anonymous mode, by construction
