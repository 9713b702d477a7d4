"""Re-tag every stored battle with the current classifier, resumably.

Battles are taken in id order, a batch at a time; each batch's tags are
committed together with the classifier version, so an interrupted run picks up
where it stopped: the battles it finished already carry the current version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from arena.categories import tagger
from arena.store import battle_tags

BATCH = 500


@dataclass(frozen=True, slots=True)
class RetagReport:
    version: str
    tagged: int
    remaining_before: int


def count_pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return battle_tags.count_untagged(conn, tagger.classifier_version())


def retag(
    engine: Engine, progress: Callable[[int], None] = lambda n: None, limit: int | None = None
) -> RetagReport:
    """Tag the battles whose tags are missing or older than this classifier."""
    version = tagger.classifier_version()
    before = count_pending(engine)
    done, after = 0, ""
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        with engine.connect() as conn:
            batch = battle_tags.untagged_batch(conn, version, after, size)
        if not batch:
            break
        rows = []
        for battle_id, turns, prompts in batch:
            found = tagger.tag_prompts(prompts or [""], turns)
            rows.append(
                {
                    "battle_id": battle_id,
                    "classifier": tagger.CLASSIFIER_NAME,
                    "version": version,
                    "language": found.language,
                    "tags": list(found.tags),
                    "criteria": list(found.criteria),
                }
            )
        with engine.begin() as conn:
            battle_tags.save_many(conn, rows)
        done += len(rows)
        after = batch[-1][0]
        progress(len(rows))
    return RetagReport(version, done, before)
