"""How fast each model answers, from the timings stored with its replies.

Time to first token and decoding speed (completion tokens over the time after the first
token) are measured by the server around the provider's stream and stored on each
assistant message; the board shows their medians per model. Only the most recent
:data:`SPEED_WINDOW` timed replies count: speed is a property of today's deployment,
and the query stays bounded on a store with millions of replies.
"""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import Connection, case, select

from arena.store.tables import BattleRow, MessageRow, ModelRow

__all__ = ["SPEED_WINDOW", "model_speeds"]

SPEED_WINDOW = 20_000
# A reply shorter than this after its first token says nothing about decoding speed.
MIN_DECODE_MS = 50.0


def model_speeds(conn: Connection, arena: str | None = None) -> dict[str, dict[str, Any]]:
    """Per model: ``median_ttft_ms``, ``median_tokens_per_s`` and ``timed_replies``."""
    side_model = case((MessageRow.side == "a", BattleRow.model_a_id), else_=BattleRow.model_b_id)
    stmt = (
        select(
            ModelRow.name,
            MessageRow.first_token_ms,
            MessageRow.duration_ms,
            MessageRow.completion_tokens,
        )
        .select_from(MessageRow)
        .join(BattleRow, BattleRow.id == MessageRow.battle_id)
        .join(ModelRow, ModelRow.id == side_model)
        .where(MessageRow.role == "assistant", MessageRow.first_token_ms.is_not(None))
        .order_by(MessageRow.id.desc())
        .limit(SPEED_WINDOW)
    )
    if arena is not None:
        stmt = stmt.where(BattleRow.arena == arena)
    ttft: dict[str, list[float]] = {}
    rate: dict[str, list[float]] = {}
    for name, first_ms, duration_ms, tokens in conn.execute(stmt):
        ttft.setdefault(name, []).append(float(first_ms))
        decode_ms = (duration_ms or 0.0) - first_ms
        if tokens and decode_ms >= MIN_DECODE_MS:
            rate.setdefault(name, []).append(tokens / (decode_ms / 1000.0))
    return {
        name: {
            "median_ttft_ms": round(median(values), 1),
            "median_tokens_per_s": round(median(rate[name]), 1) if name in rate else None,
            "timed_replies": len(values),
        }
        for name, values in ttft.items()
    }
