"""Batch runs of the LLM judge: over stored battles (resumable) and over a labels file.

Both keep to the judge's rate limit by waiting for it (an operator's batch may take
its time; only the live path skips). A battle is done once its verdict event is
stored, so an interrupted ``arena categories judge`` continues where it stopped;
a battle whose verdict failed stays to do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from arena.categories.judge import LlmJudge
from arena.categories.tagger import PromptTags
from arena.store import battle_tags

BATCH = 50


@dataclass(frozen=True, slots=True)
class JudgeReport:
    judged: int
    failed: int
    remaining_before: int


def count_pending(engine: Engine, judge: LlmJudge) -> int:
    with engine.connect() as conn:
        return battle_tags.count_unjudged(conn, judge.classifier)


async def judge_stored(
    engine: Engine,
    judge: LlmJudge,
    progress: Callable[[int], None] = lambda n: None,
    limit: int | None = None,
) -> JudgeReport:
    """Judge the stored battles this judge has no verdict on, in id order."""
    before = count_pending(engine, judge)
    judged = failed = 0
    after = ""
    while limit is None or judged + failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - judged - failed)
        with engine.connect() as conn:
            batch = battle_tags.unjudged_batch(conn, judge.classifier, after, size)
        if not batch:
            break
        for battle_id, turns, prompts in batch:
            await judge.limit.acquire()
            verdict = await judge.judge(prompts or [""], turns)
            after = battle_id
            progress(1)
            if verdict is None:
                failed += 1
                continue
            with engine.begin() as conn:
                battle_tags.save_judge_verdict(
                    conn,
                    battle_id,
                    judge.classifier,
                    judge.version,
                    verdict.as_json(),
                    judge.replaces,
                )
            judged += 1
    return JudgeReport(judged, failed, before)


async def judge_labels(judge: LlmJudge, rows: Sequence[dict[str, Any]]) -> list[PromptTags]:
    """The judge's tags of each labelled prompt; a failed verdict counts as no tags."""
    found = []
    for row in rows:
        await judge.limit.acquire()
        verdict = await judge.judge([row["prompt"]])
        found.append(verdict or PromptTags((), None, ()))
    return found
