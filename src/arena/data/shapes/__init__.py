"""The published shapes of a votes file, one module each, behind one small registry.

A shape says how a file spells what every board and import needs: which column is a
row's id, where its time is, how its winner is written (a ``winner`` column in the
one vocabulary, or Kaggle's one-hot columns), whether it has votes at all, and for
import how a row's two conversations are read. Everything else is the public
schema every shape shares (:mod:`arena.data.import_shapes`,
:mod:`arena.data.vote_columns`).

Adding a published shape is adding a module here that defines ``SHAPE``: the
registry finds it by itself. A file's shape is the most specific one whose marking
columns it has (the 140k shape, which is also what ``arena export`` writes, when none).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["Shape", "all_shapes", "id_columns", "shape_of"]

DEFAULT = "140k"


@dataclass(frozen=True)
class Shape:
    """How one published dataset spells a vote.

    Attributes
    ----------
    name : str
        Short name (``140k``, ``100k``, ``33k``, ``55k``, ``chat-1m``, ``search-arena``).
    source : str
        Who publishes it, for people reading ``arena import`` messages and the docs.
    marks : tuple of str
        Columns that together tell this shape from the others.
    id_columns : tuple of str
        Where a row's id is, first present wins (``a.b``: field ``b`` of struct ``a``).
    time_column : str or None
    one_hot_winner : bool
        The winner is ``winner_model_a``/``winner_model_b``/``winner_tie``.
    optional_winner : bool
        Rows without a winner are battles nobody voted on (imported without a vote).
    votes : bool
        False for conversation files (no winner, no board).
    conversations : callable or None
        For import: a raw row -> the two sides' messages, parsed (``(role, text,
        num_tokens, parts)`` each); None for the public ``conversation_a``/``_b``.
    record : callable or None
        For import: a raw row and its source -> a whole record (files without votes).
    """

    name: str
    source: str
    marks: tuple[str, ...]
    id_columns: tuple[str, ...] = ("id", "question_id")
    time_column: str | None = "timestamp"
    one_hot_winner: bool = False
    optional_winner: bool = False
    votes: bool = True
    conversations: Callable[[dict[str, Any]], tuple[list[Any], list[Any]]] | None = None
    record: Callable[[dict[str, Any], str], Any] | None = None

    def matches(self, columns: Collection[str]) -> bool:
        return all(c in columns for c in self.marks)


@cache
def all_shapes() -> tuple[Shape, ...]:
    """Every shape module's ``SHAPE``, the most specific (most marks) first."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        shape = getattr(module, "SHAPE", None)
        if isinstance(shape, Shape):
            found.append(shape)
    return tuple(sorted(found, key=lambda s: (-len(s.marks), s.name)))


@cache
def id_columns() -> tuple[str, ...]:
    """Every place a shape keeps its ids, the public schema's first (a reader that
    sees only some of a file's columns cannot tell its shape, but finds its id)."""
    found = dict.fromkeys(("id", "question_id"))
    for shape in all_shapes():
        found.update(dict.fromkeys(shape.id_columns))
    return tuple(found)


def shape_of(columns: Collection[str]) -> Shape:
    """The shape of a file (or row) with these columns."""
    shapes = all_shapes()
    for shape in shapes:
        if shape.matches(columns):
            return shape
    return next(s for s in shapes if s.name == DEFAULT)
