"""From a fitted :class:`Leaderboard` to the public board's body.

Invariant: a row a board shows has passed its minimum of votes, and ranks count only
the rows shown (a hidden model leaves no gap); ``rank`` is ``rank_ub`` and
``rank_lb`` is the worst rank the intervals allow among the shown rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arena.ratings import Leaderboard
from arena.vocabulary import Arena

__all__ = [
    "SPEED_COLUMNS",
    "UNDESCRIBED",
    "blended_price",
    "board_body",
    "pareto_front",
    "rerank",
    "with_rank_change",
]

UNDESCRIBED = {
    "organization": "unknown",
    "license": "unknown",
    "provisional": False,
    "deprecated": False,
    "deprecated_at": None,
}


SPEED_COLUMNS = {"median_ttft_ms": None, "median_tokens_per_s": None}
#: Artificial Analysis's blend: three prompt tokens for every completion token.
INPUT_SHARE = 0.75


def blended_price(
    price_input_per_mtok: float | None, price_output_per_mtok: float | None
) -> float | None:
    """One price per million tokens for a 3:1 mix of prompt and completion tokens."""
    if price_input_per_mtok is None or price_output_per_mtok is None:
        return None
    blend = INPUT_SHARE * price_input_per_mtok + (1 - INPUT_SHARE) * price_output_per_mtok
    return round(blend, 4)


def pareto_front(rows: list[dict[str, Any]]) -> list[str]:
    """Models no other model beats on both score and price (higher score, lower price):
    the best score each price buys. Rows without a price or a rank are left out; the
    front is returned cheapest first."""
    priced = [
        r for r in rows if r.get("price_blended_per_mtok") is not None and r.get("rank") is not None
    ]
    priced.sort(key=lambda r: (r["price_blended_per_mtok"], -r["score"]))
    front, best = [], float("-inf")
    for r in priced:
        if r["score"] > best:
            front.append(r["model"])
            best = r["score"]
    return front


def board_body(
    board: Leaderboard | None,
    *,
    arena: Arena,
    category: str,
    style_control: bool,
    emoji: bool = False,
    describe: Callable[[str], dict[str, Any] | None],
    min_votes: int,
    row_min_votes: int,
    categories: list[str],
    languages: list[str],
    style_available: bool,
    counted: dict[str, Any],
    computed_at: str,
    speeds: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``/api/v1/leaderboard`` body of one fitted board (None: no votes yet).

    ``counted`` carries the cut-off and fingerprint of the votes the fit counted.
    """
    from arena.categories.names import LANGUAGE_PREFIX

    is_language = category.startswith(LANGUAGE_PREFIX)
    language = category[len(LANGUAGE_PREFIX) :] if is_language else None
    rows: list[dict[str, Any]] = []
    waiting = board.waiting_rows() if board is not None else []
    if board is not None:
        for row in board.to_dicts():
            if row["votes"] < row_min_votes:
                # too few votes in this category to rank the model there: it waits
                waiting.append({"model": row["model"], "votes": row["votes"]})
                continue
            # The fit holds only shown models; a model the reader has not described yet
            # (another worker just released it) keeps its row, without the details.
            info = describe(row["model"]) or UNDESCRIBED
            speed = (speeds or {}).get(row["model"], {})
            timing = {k: speed.get(k) for k in SPEED_COLUMNS}
            rows.append({**row, **info, **timing})
    rerank(rows)
    extra: dict[str, Any] = {}
    if board is not None and board.style_control:
        extra["style_coefficients"] = board.style_block()
    if board is not None and board.warnings:
        extra["warnings"] = board.warnings
    n_components = len({r.get("component", 0) for r in rows})
    return {
        "total_votes": int(board.total_votes) if board is not None else 0,
        "arena": arena.value,
        # A model is shown from this many votes (a category board may ask for more).
        "min_votes": min_votes,
        "too_few_votes": sorted(w["model"] for w in waiting),
        # Who waits for the minimum, with the votes each has: never "no votes" when
        # there are some (issue 33).
        "waiting": sorted(waiting, key=lambda w: (-w["votes"], w["model"])),
        "all_votes": max(board.all_votes, board.total_votes) if board is not None else 0,
        **extra,
        "computed_at": computed_at,
        "category": "overall" if language else category,
        "categories": categories,
        "language": language,
        "languages": languages,
        "style_control": style_control,
        "emoji_control": emoji,
        "style_control_available": style_available,
        "reweighted": bool(board is not None and board.reweighted),
        "components": n_components,
        "disconnected": n_components > 1,
        "pareto_front": pareto_front(rows),
        "counted_votes": {
            "filters": {
                "modes": ["anonymous"],
                "valid_only": True,
                "exclude_flagged_clients": True,
                "arena": arena.value,
                "exclude_held_clients": True,
                "category": category,
            },
            **counted,
            "method": "style_control/sandwich" if style_control else "bradley_terry/bootstrap",
            "seed": 0,
        },
        "models": rows,
    }


def with_rank_change(board: dict[str, Any], overall: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``board`` whose rows carry ``rank_overall`` and ``rank_change``.

    ``rank_change`` is positive when a model ranks higher (a smaller number) here
    than overall, as LMArena's arrows show it.
    """
    overall_rank = {row["model"]: row["rank"] for row in overall["models"]}
    rows = []
    for row in board["models"]:
        before = overall_rank.get(row["model"])
        # An unrated model has no rank, here or overall: no change to show.
        change = None if before is None or row["rank"] is None else before - row["rank"]
        rows.append({**row, "rank_overall": before, "rank_change": change})
    return {**board, "models": rows}


def rerank(rows: list[dict[str, Any]]) -> None:
    """Ranks count only the models shown, so a hidden model leaves no gap or trace.

    Unrated models keep a null rank and sort last; an unknown bound ranks as unbounded.
    ``rank_lb`` counts the shown rated models whose upper bound reaches this lower bound.
    """
    inf = float("inf")
    rated = [r for r in rows if r.get("rated", True)]
    for row in rows:
        if not row.get("rated", True):
            row["rank"] = row["rank_ub"] = row["rank_lb"] = None
            continue
        group = row.get("component", 0)
        peers = [o for o in rated if o.get("component", 0) == group]
        upper = inf if row["ci_upper"] is None else row["ci_upper"]
        lower = -inf if row["ci_lower"] is None else row["ci_lower"]
        above = sum(1 for o in peers if o["ci_lower"] is not None and o["ci_lower"] > upper)
        reach = sum(1 for o in peers if o["ci_upper"] is None or o["ci_upper"] >= lower)
        row["rank"] = row["rank_ub"] = 1 + above
        row["rank_lb"] = max(1, reach)
    rows.sort(key=lambda r: (r.get("component", 0), r["rank"] is None, r["rank"] or 0, -r["score"]))
