"""A running turn, the same in every arena: both sides at once, each side's clock and
its one ending, storing the turn before its last event goes out, and releasing the
battle when the client leaves.

What differs (what a side is sent, how it answers, what its parts are) is asked of the
battle's arena object; nothing here names an arena. A side's error never carries the
upstream's words: they could name the model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from arena.battles.arenas import ArenaPlugin, TurnInput
from arena.battles.context import finish_fields
from arena.battles.events import SideDone, SideEvent, SideFailed, TurnStarted
from arena.battles.pictures import BattlePictures
from arena.battles.recent import BattleSnapshot, RecentBattles
from arena.battles.roster import Contestant
from arena.battles.side_run import SideResult, SideRun
from arena.categories.background import tag_in_background
from arena.categories.structural import looks_like_code
from arena.clock import Clock
from arena.errors import ProviderError
from arena.providers.base import ChatMessage
from arena.store import repository as repo
from arena.store.writer import Writer

if TYPE_CHECKING:
    from arena.categories.judge import LlmJudge

log = logging.getLogger(__name__)

SIDE_FAILED = "This model could not answer. Please start a new battle."
# A later turn that fails is not kept, so the turns before it can still be voted on.
LATER_TURN_FAILED = (
    "This model could not answer this message, so this turn was not kept. "
    "You can still vote on the earlier answers, or start a new battle."
)
TURN_NOT_SAVED = "This turn could not be saved. Please try again or start a new battle."
_UNWATCHED: set[asyncio.Task[None]] = set()  # turns finishing after their client left


@dataclass(slots=True)
class RunningTurn:
    """One claimed turn: both sides running at once, their events, the stored result."""

    snapshot: BattleSnapshot
    plugin: ArenaPlugin
    turn: TurnInput
    writer: Writer
    recent: RecentBattles
    pictures: BattlePictures
    judge: LlmJudge | None
    clock: Clock
    results: dict[str, SideResult] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return self.snapshot.battle.turns + 1

    def start(
        self, contestants: dict[str, Contestant], conversations: dict[str, list[ChatMessage]]
    ) -> TurnStarted:
        """Start every side's runner; the events are read from what this returns."""
        battle_id = self.snapshot.battle.id
        queue: asyncio.Queue[SideEvent] = asyncio.Queue()
        tasks = []
        for side, contestant in contestants.items():
            result = self.results[side] = SideResult()
            run = SideRun(
                battle_id, self.number, side, contestant, conversations[side], result, self.pictures
            )
            tasks.append(asyncio.create_task(run_side(self.plugin, run, queue)))
        return TurnStarted(battle_id, self.number, self._events(tasks, queue))

    async def _events(
        self, tasks: list[asyncio.Task[None]], queue: asyncio.Queue[SideEvent]
    ) -> AsyncIterator[SideEvent]:
        saved = False
        finished = 0
        try:
            while finished < len(tasks):
                event = await queue.get()
                if event.ends_side:
                    finished += 1
                    if finished == len(tasks):
                        # Store the turn before the client sees it end, so a vote
                        # sent straight after the last event always finds it.
                        try:
                            await self._save()
                            saved = True
                        except Exception:
                            log.exception(
                                "could not store a turn of battle %s", self.snapshot.battle.id
                            )
                            event = SideFailed(event.side, TURN_NOT_SAVED)
                if isinstance(event, SideFailed) and event.error == SIDE_FAILED and self.number > 1:
                    event = SideFailed(event.side, LATER_TURN_FAILED)
                yield event
        finally:
            if not saved and finished < len(tasks) and self.plugin.finishes_without_client:
                # The person left (a reload, a closed tab) while the sides still run: this
                # arena's sides are jobs worth finishing, so the turn is stored when they end.
                left = len(tasks) - finished
                unwatched = asyncio.create_task(self._finish_unwatched(queue, left))
                _UNWATCHED.add(unwatched)
                unwatched.add_done_callback(_UNWATCHED.discard)
            else:
                for task in tasks:
                    task.cancel()
                if not saved:
                    # The client left mid-turn: nothing of this turn is kept.
                    await self._release()

    async def _finish_unwatched(self, queue: asyncio.Queue[SideEvent], running: int) -> None:
        try:
            while running:
                if (await queue.get()).ends_side:
                    running -= 1
            await self._save()
        except Exception:
            log.exception("could not store a turn of battle %s", self.snapshot.battle.id)
            await self._release()

    async def _release(self) -> None:
        battle_id = self.snapshot.battle.id
        await asyncio.shield(
            self.writer.write(lambda conn: repo.release_turn(conn, battle_id), durable=False)
        )

    async def _save(self) -> None:
        snapshot, results, number = self.snapshot, self.results, self.number
        battle_id = snapshot.battle.id
        if number > 1 and any(r.failed for r in results.values()):
            # Keep the completed turns votable: this turn is dropped, not the battle.
            log.warning("turn %d of battle %s failed; not kept", number, battle_id)
            self.recent.drop(battle_id)
            await self._release()
            return
        rows = turn_rows(self.plugin, self.turn, results, self.pictures, self.clock.now())
        failed = [side for side, r in results.items() if r.failed]
        reason = f"side {', '.join(failed)} failed" if failed else None
        details = turn_details(self.plugin, list(snapshot.history) + rows, self.turn.prompt)
        self.recent.drop(battle_id)
        await asyncio.shield(
            self.writer.write(
                lambda conn: repo.save_turn(conn, battle_id, number, rows, reason, details)
            )
        )
        self.recent.put(snapshot.after_turn([{**r, "turn": number} for r in rows], bool(failed)))
        if number == 1:  # categories, off the streaming path (arena.categories.background)
            tag_in_background(self.writer, battle_id, [self.turn.prompt], number, self.judge)


async def run_side(plugin: ArenaPlugin, run: SideRun, queue: asyncio.Queue[SideEvent]) -> None:
    """Forward one side's events; always end with exactly one done or failed event."""
    result = run.result
    started = time.perf_counter()
    final: SideEvent = SideFailed(run.side, SIDE_FAILED)
    try:
        async for event in plugin.run_side(run):
            if event.ends_side:
                raise RuntimeError("a side's runner yields its output; the turn ends it")
            if result.first_token_ms is None:
                result.first_token_ms = (time.perf_counter() - started) * 1000
            queue.put_nowait(event)
        limit = getattr(run.contestant.provider, "max_tokens", None)
        cut = finish_fields(result.finish_reason, result.completion_tokens, limit)
        final = SideDone(run.side, {**cut, **result.done_fields})
    except ProviderError as exc:
        log.warning("model %s failed in a battle: %s", run.contestant.name, exc)
    except Exception:
        log.exception("model %s failed unexpectedly in a battle", run.contestant.name)
    finally:
        result.failed = isinstance(final, SideFailed)
        result.duration_ms = (time.perf_counter() - started) * 1000
        queue.put_nowait(final)


def turn_rows(
    plugin: ArenaPlugin,
    turn: TurnInput,
    results: dict[str, SideResult],
    pictures: BattlePictures,
    now: datetime,
) -> list[dict[str, Any]]:
    """The message rows of a stored turn: the prompt and the reply, for each side."""
    rows: list[dict[str, Any]] = []
    for side, result in results.items():
        rows.append(
            {
                "side": side,
                "role": "user",
                "content": turn.prompt,
                "created_at": now,
                "image_ids": list(turn.image_ids) or None,
                "parts": plugin.prompt_parts(turn, pictures),
            }
        )
        rows.append(
            {
                "side": side,
                "role": "assistant",
                "created_at": now,
                "content": result.reply,
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "first_token_ms": result.first_token_ms,
                "duration_ms": result.duration_ms,
                "finish_reason": "error" if result.failed else result.finish_reason,
                "image_ids": result.image_ids or None,
                "parts": plugin.reply_parts(result, pictures),
                "extra": result.extra or None,
            }
        )
    return rows


def turn_details(
    plugin: ArenaPlugin, messages: list[dict[str, Any]], prompt: str
) -> dict[str, Any]:
    """Style counts and category facts of the whole conversation so far."""
    prompts = [m["content"] for m in messages if m["role"] == "user"] + [prompt]

    def replies(side: str) -> list[tuple[str, int | None]]:
        return [
            (m["content"], m.get("completion_tokens"))
            for m in messages
            if m["side"] == side and m["role"] == "assistant"
        ]

    meta = plugin.count_style(replies("a"), replies("b")) | plugin.more_style(messages)
    meta["longest_prompt_chars"] = max(len(p) for p in prompts)
    return {"conv_metadata": meta, "is_code": looks_like_code(prompts)}
