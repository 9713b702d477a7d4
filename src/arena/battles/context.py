"""Will the conversation still fit? Checked before any model runs.

A turn that cannot fit one side's context would fail that side after the user
waited, and used to end the battle. Counting first turns it into a plain 413
that names no model (in anonymous mode the sides' limits would hint at who is
who), and the battle stays as it was: its completed turns can still be voted on.

Also the one place that says what a reply's end means for the stream's
``done`` event: ``finish_reason`` is only ever ``stop`` or ``length`` (a
provider's own spelling, e.g. Anthropic's ``end_turn``, would name it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from arena.battles.roster import Contestant
from arena.errors import ArenaError
from arena.providers.base import ChatMessage

log = logging.getLogger(__name__)

# A turn must leave at least this many tokens for the reply, or it is refused.
MIN_REPLY_TOKENS = 64
TOO_LONG = (
    "This conversation is now too long for the models in this battle to read. "
    "Shorten your message, vote on the answers so far, or start a new battle."
)
# A first turn has no answers to vote on: never offer that.
TOO_LONG_FIRST = (
    "This prompt is too long for the models in this battle to read. Shorten it "
    "(a prompt here holds about {chars:,} characters) and send it again."
)
# Tokens a prompt gives up to the chat template and the arena's brief, and the characters
# a token holds at the least in ordinary text: the limit a page states is a safe estimate.
TEMPLATE_TOKENS = 256
CHARS_PER_TOKEN = 3
CUT_REASONS = {"length", "max_tokens", "max_output_tokens"}


class ConversationTooLong(ArenaError):
    status_code = 413


def prompt_chars(contestants: Sequence[Contestant], max_prompt_chars: int) -> int:
    """The longest prompt worth sending to any of these models: the smallest context,
    less room for the template and a reply, in characters; never above the server's cap.

    Computed over every model an arena may draw, so it says nothing about a pair.
    """
    limits = [
        limit for c in contestants if (limit := getattr(c.provider, "context_tokens", None))
    ]
    if not limits:
        return max_prompt_chars
    usable = max(min(limits) - MIN_REPLY_TOKENS - TEMPLATE_TOKENS, MIN_REPLY_TOKENS)
    return min(max_prompt_chars, usable * CHARS_PER_TOKEN)


async def ensure_fits(
    contestants: Mapping[str, Contestant],
    conversations: Mapping[str, Sequence[ChatMessage]],
    first_turn_chars: int | None = None,
) -> None:
    """Raise ``ConversationTooLong`` if any side's conversation leaves no room to reply.

    ``first_turn_chars`` (on a first turn) is the arena's stated prompt limit (``prompt_chars``
    over every model it may draw, never this pair's): the refusal repeats it.
    """

    async def too_long(side: str) -> bool:
        provider = contestants[side].provider
        limit = getattr(provider, "context_tokens", None)
        counter = getattr(provider, "count_tokens", None)
        if limit is None or counter is None:
            return False
        try:
            used = await counter(conversations[side])
        except Exception as exc:  # e.g. weights that will not load: the turn reports it
            log.warning("could not count a conversation's tokens: %s", exc)
            return False
        return used is not None and used + MIN_REPLY_TOKENS > limit

    results = await asyncio.gather(*(too_long(side) for side in contestants))
    if any(results):
        if first_turn_chars is not None:
            raise ConversationTooLong(TOO_LONG_FIRST.format(chars=first_turn_chars))
        raise ConversationTooLong(TOO_LONG)


def finish_fields(
    finish_reason: str | None, completion_tokens: int | None, limit: int | None
) -> dict[str, object]:
    """The additive fields of a side's ``done`` event.

    A reply cut short says so with the number of tokens it was cut at: the
    tokens it got when known (a reply can also be cut by the context filling
    up), else the limit in force.
    """
    if finish_reason is None:
        return {}
    if finish_reason not in CUT_REASONS:
        return {"finish_reason": "stop"}
    fields: dict[str, object] = {"finish_reason": "length"}
    cut_at = completion_tokens or limit
    if cut_at:
        fields["max_tokens"] = cut_at
    return fields
