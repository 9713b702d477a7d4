"""Tag one battle's prompts: structural facts, classifier heads, rules, hard criteria.

The heads' weights ship in ``model.npz`` (written by ``arena categories train``);
the tagger needs only NumPy and py3langid, loads both on first use, and runs
off the streaming path (see ``arena.categories.background``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from arena.categories import rules
from arena.categories.features import feature_ids
from arena.categories.language import detect_language
from arena.categories.lexicon import lexicon_counts
from arena.categories.names import CRITERIA, HARD_MIN, OCCUPATIONAL_TAGS

MODEL_FILE = Path(__file__).with_name("model.npz")
CLASSIFIER_NAME = "arena-lexical"
# Bump when the rules or the criteria change; the model's training digest is appended.
RULES_VERSION = "1"
LONG_QUERY_TOKENS = 500
_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORDLIKE = re.compile(r"\w+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", re.UNICODE)
_TECHNICAL = {
    "coding", "math", "science", "medicine", "law", "finance", "accounting",
    "software_engineering",
}  # fmt: skip
_APPLIED = set(OCCUPATIONAL_TAGS) - {"entertainment", "writing_and_literature"} | {"coding"}


@dataclass(frozen=True, slots=True)
class PromptTags:
    tags: tuple[str, ...]
    language: str | None
    criteria: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "language": self.language, "criteria": list(self.criteria)}


@dataclass(frozen=True, slots=True)
class _Model:
    features: np.ndarray
    weights: np.ndarray
    lex_weights: np.ndarray
    bias: np.ndarray
    thresholds: np.ndarray
    heads: tuple[str, ...]
    trained_on: str


@lru_cache(maxsize=1)
def _model() -> _Model:
    with np.load(MODEL_FILE) as z:
        return _Model(
            features=z["features"].astype(np.int64),
            weights=z["weights"].astype(np.float32),
            lex_weights=z["lex_weights"],
            bias=z["bias"],
            thresholds=z["thresholds"],
            heads=tuple(str(h) for h in z["heads"]),
            trained_on=str(z["trained_on"]),
        )


@lru_cache(maxsize=1)
def classifier_version() -> str:
    """Rules version plus a digest of the shipped weights and seed vocabularies.

    Any change to either gives a new version, which ``arena categories retag`` uses
    to find the battles still tagged by an older classifier.
    """
    from arena.categories.lexicon import STEMS

    digest = hashlib.sha256(MODEL_FILE.read_bytes())
    digest.update(repr(sorted(STEMS.items())).encode())
    return f"{RULES_VERSION}+{digest.hexdigest()[:10]}"


def head_scores(text: str) -> dict[str, float]:
    """Each head's score minus its threshold: positive means the tag holds."""
    model = _model()
    ids = feature_ids(text)
    pos = np.searchsorted(model.features, ids)
    pos = np.minimum(pos, len(model.features) - 1)
    hit = pos[model.features[pos] == ids]
    z = model.weights[hit].sum(axis=0) / np.sqrt(max(len(ids), 1)) + model.bias
    z += np.asarray(lexicon_counts(text), np.float32) @ model.lex_weights
    return {h: float(s) for h, s in zip(model.heads, z - model.thresholds, strict=True)}


def _criteria(text: str, tags: set[str], scores: dict[str, float]) -> tuple[str, ...]:
    """Arena-Hard's seven criteria, from the heads and the prompt's shape."""
    words = len(_WORDLIKE.findall(text))
    clauses = len(re.findall(r"[,;:，；、]|\b(and|with|then|including)\b|[.?!。？！]\s", text))
    hardness = scores.get("hard_prompt", -9.0)
    held = {
        "specificity": words >= 25 or (words >= 15 and clauses >= 3),
        "domain_knowledge": bool(tags & (_TECHNICAL | set(OCCUPATIONAL_TAGS))),
        "complexity": clauses >= 3 or hardness > 0,
        "problem_solving": hardness > -0.5 or (bool(tags & {"coding", "math"}) and words >= 20),
        "creativity": hardness > 0.3 or "creative_writing" in tags or words >= 35,
        "technical_accuracy": bool(tags & _TECHNICAL) or hardness > 0.5,
        "real_world_application": bool(tags & _APPLIED) or hardness > 0.5,
    }
    return tuple(c for c in CRITERIA if held[c])


def structural_tags(prompts: Sequence[str], turns: int) -> set[str]:
    """The tags that are facts, not judgements (the LLM judge reuses them)."""
    found = set()
    if turns > 1:
        found.add("multi_turn")
    if max((len(_TOKEN.findall(p)) for p in prompts), default=0) > LONG_QUERY_TOKENS:
        found.add("long_query")
    return found


def tag_prompts(prompts: Sequence[str], turns: int = 1) -> PromptTags:
    """The tags of a battle whose user prompts so far are ``prompts``."""
    text = "\n\n".join(prompts)
    scores = head_scores(text)
    tags = {t for t, s in scores.items() if s > 0 and t != "hard_prompt"}
    if rules.has_code(text):
        tags.add("coding")
    if rules.has_latex(text):
        tags.add("math")
    if "coding" in tags:
        tags.add("software_engineering")
    criteria = _criteria(text, tags, scores)
    if len(criteria) >= HARD_MIN:
        tags.add("hard_prompt")
    tags |= structural_tags(prompts, turns)
    language = detect_language(rules.without_code(text))
    return PromptTags(tuple(sorted(tags)), language, criteria)
