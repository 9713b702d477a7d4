"""``arena categories eval``: precision, recall, F1 and support per tag, language accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from arena.categories.names import ALL_TAGS
from arena.categories.tagger import PromptTags, tag_prompts


def evaluate(
    rows: list[dict[str, Any]], answers: Sequence[PromptTags] | None = None
) -> dict[str, Any]:
    """Scores of the current tagger on labelled rows (the DESIGN.md output shape), or of
    ``answers`` (one per row: another classifier's, the LLM judge's) when given."""
    counts = {t: [0, 0, 0] for t in ALL_TAGS}  # tp, fp, fn
    lang_right = lang_total = 0
    for i, row in enumerate(rows):
        found = answers[i] if answers is not None else tag_prompts([row["prompt"]])
        truth, got = set(row.get("tags", [])), set(found.tags)
        for tag in ALL_TAGS:
            if tag in got and tag in truth:
                counts[tag][0] += 1
            elif tag in got:
                counts[tag][1] += 1
            elif tag in truth:
                counts[tag][2] += 1
        if row.get("language"):
            lang_total += 1
            lang_right += found.language == row["language"]
    tags = {}
    for tag, (tp, fp, fn) in counts.items():
        if tp + fp + fn == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        tags[tag] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    accuracy = lang_right / lang_total if lang_total else 0.0
    return {"tags": tags, "language": {"accuracy": round(accuracy, 4), "support": lang_total}}
