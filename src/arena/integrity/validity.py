"""Is a vote worth counting? Flags that keep a vote in the data but off the board.

- ``identity_leak``: a side named its own model or organization ("I am Claude, made by
  Anthropic"), so the voter may not have been blind. The battle still reveals normally.
  The matching rules, and their measured precision and recall, are in
  ``arena.integrity.identity`` and ``arena votes leak-eval``.
- ``fast_vote``: the vote came sooner after the last token than anyone could read.

A flagged vote is stored with its flags (and ``valid = False``); nothing is discarded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arena.integrity.identity_terms import ModelIdentity

__all__ = ["model_identity", "side_leaked", "uncounted_reason", "vote_flags"]

# ``arena.integrity.identity`` compiles its rules on import (~0.1 s); it is imported by the
# first vote, not by the server's start-up.


def model_identity(name: str, stored: Any | None, spec: Any | None) -> ModelIdentity:
    """Who a battle side is: the stored model (organization, codename) and, while it is on
    the roster, its registry entry (``aliases``, upstream model id). Either may be missing."""
    from arena.integrity.identity_terms import identity_of

    organization = getattr(stored, "organization", None) or getattr(spec, "organization", None)
    codename = getattr(stored, "codename", None) or getattr(spec, "codename", None)
    return identity_of(
        name,
        organization or "unknown",
        tuple(getattr(spec, "aliases", ()) or ()),
        codename,
        getattr(spec, "model", None),
    )


def side_leaked(replies: Iterable[str], identity: ModelIdentity) -> bool:
    """Did any reply of this side name its own model (see ``arena.integrity.identity``)?"""
    from arena.integrity.identity import names_own_model

    return any(names_own_model(reply, identity) for reply in replies)


def code_leaked(replies: Iterable[str], identity: ModelIdentity) -> bool:
    """Like ``side_leaked``, and also where generated code signs itself (WebDev)."""
    from arena.integrity.identity import code_names_own_model

    return any(code_names_own_model(reply, identity) for reply in replies)


def vote_flags(
    *,
    leaked_sides: list[str],
    last_token_at: datetime | None,
    voted_at: datetime,
    min_vote_seconds: float,
) -> dict[str, object]:
    flags: dict[str, object] = {}
    if leaked_sides:
        flags["identity_leak"] = sorted(leaked_sides)
    if last_token_at is not None and min_vote_seconds > 0:
        elapsed = (voted_at - last_token_at).total_seconds()
        if elapsed < min_vote_seconds:
            flags["fast_vote"] = round(elapsed, 3)
    return flags


def uncounted_reason(
    flags: dict[str, object],
    client_status: str | None,
    *,
    mode: str,
    min_vote_seconds: float,
    hold_rule: str | None,
) -> str | None:
    """Why a vote just stored stays off the board, in plain words; None when it counts.

    The reveal carries this so a person (or a script written in good faith) is never
    thanked for a vote that silently does not count.
    """
    if "identity_leak" in flags:
        sides = " and ".join(str(s).upper() for s in flags["identity_leak"])  # type: ignore[attr-defined]
        return (
            f"Not counted: side {sides} named its own model or maker, so the vote was not "
            "blind. It is kept, but off the board."
        )
    if "fast_vote" in flags:
        return (
            f"Not counted: it came {flags['fast_vote']:g} s after the answers ended; votes "
            f"count from {min_vote_seconds:g} s after, so there is time to read both answers."
        )
    if client_status == "flagged":
        return "Not counted for now: votes from this browser are waiting for a review."
    if client_status == "held":
        rule = hold_rule or "an identity's votes count once it is old enough"
        return f"Kept off the board for now: {rule}."
    if mode != "anonymous":
        return (
            "Not on the public board: it counts only anonymous battles, where the names "
            "were hidden. Your vote is kept."
        )
    return None
