"""Tag a battle once its first turn is stored, off the streaming path.

The classifier runs on one dedicated thread (so a burst of battles never takes
the default executor's threads from turn and vote work) and the row goes
through the store's writer like any other write. A failure is logged, never
raised: a battle without tags is re-tagged by ``arena categories retag``.

With an LLM judge configured, it runs after the embedded tags are stored, within
its own rate limit: a battle over the limit is skipped (``arena categories judge``
does it later), never waited for.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from arena.store.writer import Writer

if TYPE_CHECKING:
    from arena.categories.judge import LlmJudge

log = logging.getLogger(__name__)

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arena-tagger")
_PENDING: set[asyncio.Task[None]] = set()


def tag_in_background(
    writer: Writer,
    battle_id: str,
    prompts: list[str],
    turns: int,
    judge: LlmJudge | None = None,
) -> None:
    """Schedule tagging (and judging); returns at once (call from the event loop)."""
    task = asyncio.get_running_loop().create_task(_tag(writer, battle_id, prompts, turns, judge))
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


async def pending() -> None:
    """Wait for the tags scheduled so far (shutdown, tests)."""
    while _PENDING:
        await asyncio.gather(*list(_PENDING), return_exceptions=True)


async def _tag(
    writer: Writer, battle_id: str, prompts: list[str], turns: int, judge: LlmJudge | None
) -> None:
    from arena.categories import tagger
    from arena.store.battle_tags import save_tags

    try:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(_EXECUTOR, tagger.tag_prompts, prompts, turns)
        version = await loop.run_in_executor(_EXECUTOR, tagger.classifier_version)
        await writer.write(
            lambda conn: save_tags(
                conn, battle_id, tagger.CLASSIFIER_NAME, version, result.as_json()
            ),
            durable=False,
        )
    except Exception:
        log.exception("could not tag battle %s", battle_id)
    if judge is not None:
        await _judge(writer, judge, battle_id, prompts, turns)


async def _judge(
    writer: Writer, judge: LlmJudge, battle_id: str, prompts: list[str], turns: int
) -> None:
    from arena.store.battle_tags import save_judge_verdict

    if not judge.limit.try_acquire():
        log.info("category judge over its rate limit; battle %s left for later", battle_id)
        return
    try:
        verdict = await judge.judge(prompts, turns)
        if verdict is None:
            return
        await writer.write(
            lambda conn: save_judge_verdict(
                conn, battle_id, judge.classifier, judge.version, verdict.as_json(), judge.replaces
            ),
            durable=False,
        )
    except Exception:
        log.exception("could not judge battle %s", battle_id)
