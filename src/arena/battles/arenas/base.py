"""An arena as a plug-in: the hooks the battle flow calls, named for when they run.

The service lives the same life for every arena (draw a pair, claim a turn, run both
sides at once, store the turn, take one vote, show the battle) and asks the battle's
arena object at each step. An arena overrides only the hooks where it differs; the
defaults here are the text arena's. Nothing outside ``battles/arenas/`` asks which
arena a battle is in.

In a battle's order:

==================================  =============================================
``check_turn``                      a turn arrives: refuse inputs that do not fit
``side_messages``                   before the sides start: what each side is sent
``run_side``                        while the turn runs: one side's runner
``prompt_parts``, ``reply_parts``   the turn is stored: typed parts (the export)
``count_style``                     the turn is stored: its style counts
``vote_refusal``                    a vote arrives, before it is recorded
``leaks_identity``                  the vote is recorded: did a side name itself?
``shown_message``                   a battle is read: a message's public fields
``battle_fields``                   a battle is read: fields of the whole battle
``app_of``                          a side's app preview is asked for
==================================  =============================================

What a side returns is the runner's business: ``run_side`` yields side events (text
deltas, pictures, or an arena's own kinds such as a job's progress) and fills in the
``SideResult`` the service stores; a runner that polls a job instead of streaming
fits the same hook. The service adds exactly one ``done`` or ``failed`` per side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from arena.battles.events import SideEvent
from arena.battles.pictures import BattlePictures
from arena.battles.side_run import SideResult, SideRun, stream_reply
from arena.data.style_counts import TEXT_STYLE_FEATURES, conv_metadata, side_style, tone_counts
from arena.errors import InvalidInput
from arena.integrity.validity import side_leaked
from arena.providers.base import ChatMessage, ImageInput
from arena.vocabulary import Arena

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from arena.battles.webdev import ExtractedApp
    from arena.integrity.identity_terms import ModelIdentity
    from arena.store.battles_repo import StoredBattle

LoadImage = Callable[[str], ImageInput]
Replies = Sequence[tuple[str, int | None]]


@dataclass(frozen=True, slots=True)
class TurnInput:
    """What a person sent for one turn."""

    prompt: str
    image_ids: tuple[str, ...] = ()
    turns_before: int = 0
    """Turns the battle already has (0 on the first)."""


class ArenaPlugin:
    """One arena: its name, what it declares, and the hooks where it differs."""

    name: ClassVar[Arena]
    label: ClassVar[str]
    """How people read its name in messages ("the WebDev arena")."""
    answers: ClassVar[str] = "text"
    """What a side returns, in words ("pictures")."""
    first_turn_image: ClassVar[bool] = False
    """The first turn must bring exactly one image, and later turns none."""
    style_features: ClassVar[tuple[str, ...]] = TEXT_STYLE_FEATURES
    """The style covariates its board controls for; empty: no style control."""
    messages_in_thread: ClassVar[bool] = True
    """``side_messages`` reads files (pictures, a brief), so it runs off the event loop."""
    finishes_without_client: ClassVar[bool] = False
    """A turn whose client leaves runs on and is stored (sides that are paid-for jobs);
    otherwise it is cancelled and nothing of it is kept."""

    @property
    def served_by(self) -> frozenset[str]:
        """Kinds of model that can battle here (``chat``, ``images``): see ``Arena``."""
        return self.name.served_by

    @property
    def style_unavailable(self) -> str | None:
        """Why this arena's board cannot control for style (None: it can)."""
        if self.style_features:
            return None
        return (
            f"style control adjusts for text length and Markdown; the {self.name.value} "
            f"arena's answers are {self.answers}"
        )

    @property
    def battle_quota(self) -> str:
        """The rate-limit counter of new battles: each arena counts its own."""
        return f"battles_{self.name.value}"

    # ---------------------------------------------------------- a turn arrives

    def check_turn(self, turn: TurnInput) -> None:
        """Refuse a turn whose inputs do not fit this arena, before any model runs."""
        if self.first_turn_image and turn.turns_before == 0:
            if len(turn.image_ids) != 1:
                raise InvalidInput(f"a {self.label} battle starts with exactly one image")
            return
        if turn.image_ids:
            if self.first_turn_image:
                raise InvalidInput(
                    f"a {self.label} battle takes its one image on the first turn only"
                )
            raise InvalidInput(f"the {self.label} arena takes no images")

    def side_messages(
        self, history: Sequence[dict[str, Any]], side: str, turn: TurnInput, load: LoadImage
    ) -> list[ChatMessage]:
        """The messages one side is sent: its own conversation so far, then the prompt."""
        mine = [m for m in history if m["side"] == side]
        messages = [
            ChatMessage(m["role"], m["content"], images(m.get("image_ids"), load)) for m in mine
        ]
        messages.append(ChatMessage("user", turn.prompt, images(turn.image_ids, load)))
        return messages

    # ---------------------------------------------------------- the turn runs

    def run_side(self, run: SideRun) -> AsyncIterator[SideEvent]:
        """One side's events for this turn; fills ``run.result`` with what it returned."""
        return stream_reply(run)

    # ---------------------------------------------------------- the turn is stored

    def prompt_parts(
        self, turn: TurnInput, pictures: BattlePictures
    ) -> list[dict[str, Any]] | None:
        """Typed parts of the person's message (None: plain text), as exported."""
        return pictures.parts(turn.prompt, turn.image_ids)

    def reply_parts(
        self, result: SideResult, pictures: BattlePictures
    ) -> list[dict[str, Any]] | None:
        """Typed parts of a side's reply (None: plain text), as exported."""
        return pictures.parts(result.reply, result.image_ids)

    def count_style(self, replies_a: Replies, replies_b: Replies) -> dict[str, Any]:
        """The battle's ``conv_metadata`` (style counts) from each side's replies, with the
        tone counts (emoji) beside the published fields."""
        replies_a, replies_b = list(replies_a), list(replies_b)
        return {**conv_metadata(replies_a, replies_b), **tone_counts(replies_a, replies_b)}

    def more_style(self, messages: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Style counts that need more than each reply's text (a search answer's
        sources), from the stored messages; added to ``conv_metadata``."""
        return {}

    def style_values(self, meta: dict[str, Any], side: str) -> tuple[float, ...]:
        """One side's covariates from ``conv_metadata``, in ``style_features`` order."""
        return side_style(meta, side)

    # ---------------------------------------------------------- a vote arrives

    async def vote_refusal(self, battle: StoredBattle, engine: Engine) -> str | None:
        """Why this battle cannot take a vote yet (a 409), or None."""
        return None

    def leaks_identity(self, replies: Sequence[dict[str, Any]], identity: ModelIdentity) -> bool:
        """Did this side's stored replies name its own model or maker?"""
        return side_leaked((m["content"] for m in replies), identity)

    # ---------------------------------------------------------- a battle is read

    def shown_message(self, message: dict[str, Any], revealed: bool) -> dict[str, Any]:
        """A stored message's public fields; ``revealed``: after the vote (or named)."""
        shown = {"role": message["role"], "content": message["content"]}
        if message.get("image_ids"):
            shown["images"] = message["image_ids"]
        return shown

    def battle_fields(self, conn: Connection, battle_id: str) -> dict[str, Any]:
        """Fields of the whole battle its owner reads beside the sides (none here)."""
        return {}

    def app_of(self, reply: str) -> ExtractedApp | None:
        """The app a stored reply holds, for its sandboxed preview; None: no previews."""
        return None


def images(ids: Sequence[str] | None, load: LoadImage) -> tuple[ImageInput, ...]:
    return tuple(load(i) for i in ids or ())
