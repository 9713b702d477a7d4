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
    from arena.integrity.identity import ModelIdentity

__all__ = ["model_identity", "side_leaked", "vote_flags"]

# ``arena.integrity.identity`` compiles its rules on import (~0.1 s); it is imported by the
# first vote, not by the server's start-up.


def model_identity(name: str, stored: Any | None, spec: Any | None) -> ModelIdentity:
    """Who a battle side is: the stored model (organization, codename) and, while it is on
    the roster, its registry entry (``aliases``, upstream model id). Either may be missing."""
    from arena.integrity.identity import identity_of

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
