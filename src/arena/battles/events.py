"""What the battle flow hands out: modes, named events, the models a voter may see.

Events are small named dataclasses (Datasette's habit): the service yields them and
the web layer writes each as one JSON ``data:`` line with ``as_json()``. A side event
carries a side letter and what that side produced (text, a stored picture's id),
never the model behind the side: what a client receives before the vote is built
from these alone, so anonymity holds by construction.

An arena that returns something new (a video job's progress, a tool step) defines its
own ``SideEvent`` subclass in its own module; the service forwards any side event
its arena's runner yields, and the stream writes whatever ``as_json`` says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar


class Mode(StrEnum):
    anonymous = "anonymous"
    side_by_side = "side_by_side"
    direct = "direct"


@dataclass(frozen=True, slots=True)
class PublicModel:
    name: str
    organization: str | None


# ------------------------------------------------------------------ a battle's events


@dataclass(frozen=True, slots=True)
class BattleCreated:
    battle_id: str
    models: list[PublicModel] | None  # None in anonymous mode, by construction


@dataclass(frozen=True, slots=True)
class TurnStarted:
    """A claimed turn: both sides are running; iterate it for their events.

    It ends with exactly one ``SideDone`` or ``SideFailed`` per side, and the turn is
    stored before the last of those is handed out.
    """

    battle_id: str
    turn: int
    """The number this turn gets once stored (1 for the first)."""
    events: AsyncIterator[SideEvent] = field(repr=False)

    def __aiter__(self) -> AsyncIterator[SideEvent]:
        return self.events


@dataclass(frozen=True, slots=True)
class VoteCast:
    """A stored vote and the reveal it earns (preview models by codename only).

    ``reason`` says in plain words why a stored vote stays off the board (None: it counts).
    """

    battle_id: str
    winner: str
    model_a: PublicModel
    model_b: PublicModel
    reason: str | None = None

    @property
    def counted(self) -> bool:
        return self.reason is None


# ------------------------------------------------------------------ a side's events


@dataclass(frozen=True, slots=True)
class SideEvent:
    """Something one side did during a turn, as the stream sends it."""

    side: str
    delta: ClassVar[str | None] = None
    """The text this event adds (only ``SideDelta`` has any), so a caller that wants
    the text alone reads ``event.delta`` without asking which kind it is."""

    def as_json(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def ends_side(self) -> bool:
        """True for the one event that closes a side's turn (done or failed)."""
        return False


@dataclass(frozen=True, slots=True)
class SideDelta(SideEvent):
    delta: str  # type: ignore[misc]  # an instance field where the base has a class default

    def as_json(self) -> dict[str, Any]:
        return {"side": self.side, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class SideImage(SideEvent):
    """A picture this side made, already cleaned and stored (image arenas)."""

    image: str

    def as_json(self) -> dict[str, Any]:
        return {"side": self.side, "image": self.image}


@dataclass(frozen=True, slots=True)
class SideDone(SideEvent):
    fields: dict[str, Any] = field(default_factory=dict)
    """Additive fields of ``done``: ``finish_reason`` (``stop`` or ``length``) and, when
    cut, ``max_tokens``; an arena may add its own (a search answer's ``sources``)."""

    def as_json(self) -> dict[str, Any]:
        return {"side": self.side, "done": True, **self.fields}

    @property
    def ends_side(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class SideFailed(SideEvent):
    error: str
    """Generic words for the voter; never a model's name or an upstream's message."""

    def as_json(self) -> dict[str, Any]:
        return {"side": self.side, "error": self.error}

    @property
    def ends_side(self) -> bool:
        return True
