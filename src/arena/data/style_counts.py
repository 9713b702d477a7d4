"""Style counts of a reply, for ``conv_metadata`` in exported votes files.

The counting rules follow the public LMArena releases (FastChat's
``count_markdown_elements``): fenced code blocks are removed first, then
headers (``#`` .. ``######`` at a line start), ordered and unordered list
items, and ``**bold**`` / ``__bold__`` spans are counted. The counts are a pure
function of the text, so an export, an import and a second export agree.

``STYLE_FIELDS`` is the one spelling of where each style covariate lives in
``conv_metadata``: the live turn path writes it, the votes reader and the board's
read model read it (``side_style``), and the published schema declares it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "SENTIMENT_FIELDS",
    "STYLE_FIELDS",
    "TEXT_STYLE_FEATURES",
    "conv_metadata",
    "emoji_count",
    "estimate_tokens",
    "markdown_counts",
    "side_style",
    "side_tone",
    "style_field",
    "tone_counts",
]

STYLE_FIELDS = {
    "tokens": "sum_assistant_{}_tokens",
    "headers": "header_count_{}",
    "lists": "list_count_{}",
    "bold": "bold_count_{}",
}
"""Style covariate (as ``arena.ratings.style.STYLE_FEATURES`` names it) -> its field in
``conv_metadata``, with ``{}`` for the side (``a`` or ``b``). A field holds a number or
a struct of counts, which add up."""
TEXT_STYLE_FEATURES = tuple(STYLE_FIELDS)
"""The covariates of a board whose answers are text: length and Markdown."""
_COUNT_GROUPS = tuple(
    stem.removesuffix("_{}") for stem in STYLE_FIELDS.values() if stem.endswith("_{}")
)  # header_count, list_count, bold_count: the structs markdown_counts fills

SENTIMENT_FIELDS = {"emoji": "emoji_count_{}"}
"""Tone covariates (LMArena's sentiment control), an option beside the style ones: the
live turn path stores them in the battle's metadata (not in the published
``conv_metadata``, which has no such field), and a board may control for them."""

# Pictographic emoji blocks (Unicode 15): faces, symbols, transport, flags' letters,
# dingbats and the miscellaneous symbols. Skin tones, variation selectors and ZWJ
# joiners are not counted, so a composed emoji counts once per pictograph in it.
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001f5ff\U0001f600-\U0001f64f"
    "\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff\U0001fa70-\U0001faff"
    "\u2600-\u26ff\u2700-\u27bf\u2b50\u2b55\u2b1b\u2b1c]"
)
_CODE_BLOCK = re.compile(r"```[^`]*```")
_HEADERS = {f"h{n}": re.compile(rf"^#{{{n}}}\s", re.MULTILINE) for n in range(1, 7)}
_ORDERED = re.compile(r"^\s*\d+\.\s", re.MULTILINE)
_UNORDERED = re.compile(r"^\s*[-*+]\s", re.MULTILINE)
_BOLD_STARS = re.compile(r"\*\*[^*\n]+\*\*")
_BOLD_UNDERSCORES = re.compile(r"__[^_\n]+__")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """Words and punctuation marks: a stand-in when the provider reported no usage."""
    return len(_TOKEN.findall(text))


def emoji_count(text: str) -> int:
    """Pictographs in a text (outside nothing: an emoji in code is still shown)."""
    if text.isascii():
        return 0
    return len(_EMOJI.findall(text))


def _zero_counts() -> dict[str, dict[str, int]]:
    return {
        "header_count": dict.fromkeys(_HEADERS, 0),
        "list_count": {"ordered": 0, "unordered": 0},
        "bold_count": {"**": 0, "__": 0},
    }


def markdown_counts(text: str) -> dict[str, dict[str, int]]:
    """Header, list and bold counts of one text, outside fenced code blocks.

    A pattern runs only when the text holds the character it needs (same counts,
    far fewer scans of plain prose).
    """
    if "```" in text:
        text = _CODE_BLOCK.sub("", text)
    counts = _zero_counts()
    if "#" in text:
        counts["header_count"] = {name: len(rx.findall(text)) for name, rx in _HEADERS.items()}
    lists = counts["list_count"]
    if "." in text:
        lists["ordered"] = len(_ORDERED.findall(text))
    if "-" in text or "*" in text or "+" in text:
        lists["unordered"] = len(_UNORDERED.findall(text))
    bold = counts["bold_count"]
    if "**" in text:
        bold["**"] = len(_BOLD_STARS.findall(text))
    if "__" in text:
        bold["__"] = len(_BOLD_UNDERSCORES.findall(text))
    return counts


def _side(replies: Iterable[tuple[str, int | None]]) -> tuple[int, dict[str, dict[str, int]]]:
    if type(replies) is list and len(replies) == 1:  # one reply: its counts are the sums
        content, completion_tokens = replies[0]
        tokens = estimate_tokens(content) if completion_tokens is None else completion_tokens
        return tokens, markdown_counts(content)
    tokens = 0
    total = _zero_counts()
    for content, completion_tokens in replies:
        tokens += estimate_tokens(content) if completion_tokens is None else completion_tokens
        for group, counts in markdown_counts(content).items():
            for key, n in counts.items():
                total[group][key] += n
    return tokens, total


def conv_metadata(
    replies_a: Iterable[tuple[str, int | None]], replies_b: Iterable[tuple[str, int | None]]
) -> dict[str, Any]:
    """The ``conv_metadata`` struct from each side's assistant replies.

    Parameters
    ----------
    replies_a, replies_b : iterable of (content, completion_tokens or None)
        Assistant messages of each side, in order. Reported token usage wins
        over the estimate, which is used only where usage is missing.
    """
    tokens_a, counts_a = _side(replies_a)
    tokens_b, counts_b = _side(replies_b)
    meta: dict[str, Any] = {
        style_field("tokens", "a"): tokens_a,
        style_field("tokens", "b"): tokens_b,
    }
    for group in _COUNT_GROUPS:
        meta[f"{group}_a"] = counts_a[group]
        meta[f"{group}_b"] = counts_b[group]
    return meta


def tone_counts(
    replies_a: Iterable[tuple[str, int | None]], replies_b: Iterable[tuple[str, int | None]]
) -> dict[str, int]:
    """The tone covariates (``SENTIMENT_FIELDS``) of each side's replies, stored beside
    ``conv_metadata``'s published fields in a battle's metadata."""
    return {
        SENTIMENT_FIELDS["emoji"].format(side): sum(emoji_count(text) for text, _ in replies)
        for side, replies in (("a", replies_a), ("b", replies_b))
    }


def style_field(feature: str, side: str) -> str:
    """The ``conv_metadata`` field of one style covariate for one side."""
    return STYLE_FIELDS[feature].format(side)


def side_style(meta: dict[str, Any], side: str) -> tuple[float, ...]:
    """One side's style covariates from a ``conv_metadata`` dict, in ``STYLE_FIELDS``
    order; a struct of counts adds up, a missing field is 0."""
    return _values(meta, side, STYLE_FIELDS.values())


def side_tone(meta: dict[str, Any], side: str) -> tuple[float, ...]:
    """One side's tone covariates (``SENTIMENT_FIELDS`` order) from a battle's metadata."""
    return _values(meta, side, SENTIMENT_FIELDS.values())


def _values(meta: dict[str, Any], side: str, fields: Iterable[str]) -> tuple[float, ...]:
    values = []
    for field in fields:
        value = meta.get(field.format(side))
        if isinstance(value, dict):
            value = sum(value.values())
        values.append(float(value or 0))
    return tuple(values)
