"""Precision and recall of the identity-leak check on the labelled set shipped with Arena.

The set (``leak_eval_set.jsonl``, one reply per line) was written for this project: replies
in several languages that identify their own model (``self_id``) or name its deployed id
(``own_name``), and replies that must not be flagged: mentions of the maker or its
products without a claim (vendor comparisons, code, news, homonyms such as the mistral
wind), denials, claims to be another family, and plain answers. Each line carries a fixed
``split``, fixed before any rule was written: the rules were tuned on ``tune`` only;
``heldout`` keeps the figures honest, and ``fresh`` replies were written after the rules
were frozen and measured once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from arena.errors import InvalidInput
from arena.integrity.identity import names_own_model

SET_NAME = "leak_eval_set.jsonl"
POSITIVE_KINDS = ("self_id", "own_name")


def load_set(path: Path | None = None) -> list[dict[str, Any]]:
    """The labelled replies; the built-in set unless ``path`` names another JSONL file.

    Each line: ``{"text": ..., "label": true|false, "kind": ..., "model": {"name": ...,
    "organization": ..., "aliases": [...]}}``, optionally ``id``, ``lang`` and ``split``.
    """
    if path is None:
        text = resources.files("arena.integrity").joinpath(SET_NAME).read_text(encoding="utf-8")
        source = SET_NAME
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}") from None
        source = str(path)
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            records.append(_record(line, f"{source}:{number}"))
    if not records:
        raise InvalidInput(f"{source} holds no labelled replies")
    return records


def _record(line: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}: not JSON ({exc.msg})") from None
    ok = (
        isinstance(record, dict)
        and isinstance(record.get("text"), str)
        and isinstance(record.get("label"), bool)
        and isinstance(record.get("model"), dict)
        and isinstance(record["model"].get("name"), str)
    )
    if not ok:
        raise InvalidInput(f"{where}: needs text (string), label (true/false) and model.name")
    record.setdefault("kind", "self_id" if record["label"] else "other")
    record.setdefault("id", where)
    return record


@dataclass
class Scores:
    """Confusion counts of one slice of the set, and what was got wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    self_id: int = 0
    self_id_found: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, record: dict[str, Any], flagged: bool) -> None:
        label = bool(record["label"])
        if record["kind"] == "self_id":
            self.self_id += 1
            self.self_id_found += flagged
        if flagged and label:
            self.tp += 1
        elif flagged:
            self.fp += 1
            self.errors.append(record)
        elif label:
            self.fn += 1
            self.errors.append(record)
        else:
            self.tn += 1

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def self_id_recall(self) -> float:
        return self.self_id_found / self.self_id if self.self_id else 1.0

    @property
    def false_flag_rate(self) -> float:
        negatives = self.fp + self.tn
        return self.fp / negatives if negatives else 0.0


def evaluate(records: Iterable[dict[str, Any]]) -> dict[str, Scores]:
    """Scores on ``all``, each split and each language (``lang:xx``)."""
    out: dict[str, Scores] = {}
    for record in records:
        flagged = names_own_model(record["text"], record["model"])
        for key in _slices(record):
            out.setdefault(key, Scores()).add(record, flagged)
    return out


def _slices(record: dict[str, Any]) -> Iterator[str]:
    yield "all"
    if "split" in record:
        yield str(record["split"])
    yield f"lang:{record.get('lang', '?')}"
