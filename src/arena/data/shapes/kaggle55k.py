"""The Kaggle "LMSYS – Chatbot Arena Human Preference Predictions" 55k CSV (2024).

Integer ``id``, one-hot ``winner_model_a``/``winner_model_b``/``winner_tie``, and
``prompt``/``response_a``/``response_b`` as JSON lists of strings (a reply may be
``null``: it never came, which stays apart from an empty reply).
"""

from __future__ import annotations

from typing import Any

from arena.data.shapes import Shape


def conversations(raw: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Each side's messages: a user prompt and the model's reply per turn."""
    from arena.data.import_shapes import BadRow, _json_list

    prompts = _json_list(raw.get("prompt"), "prompt")
    sides = []
    for key in ("response_a", "response_b"):
        replies = _json_list(raw.get(key), key)
        if len(replies) != len(prompts):
            raise BadRow(f"{key} has {len(replies)} replies for {len(prompts)} prompts")
        conv = []
        for prompt, reply in zip(prompts, replies, strict=True):
            conv += [("user", *_text(prompt)), ("assistant", *_text(reply))]
        sides.append(conv)
    return sides[0], sides[1]


def _text(value: Any) -> tuple[str, None, list[dict[str, Any]] | None]:
    if value is None:  # no reply: no text and no parts, unlike an empty reply
        return "", None, []
    return str(value), None, None


SHAPE = Shape(
    name="55k",
    source="kaggle lmsys-chatbot-arena (train.csv)",
    marks=("prompt", "response_a", "winner_model_a"),
    time_column=None,
    one_hot_winner=True,
    conversations=conversations,
)
