"""Is a ``--votes`` path a database? Light to import: a ``--votes`` run never loads the store."""

from __future__ import annotations

from pathlib import Path

__all__ = ["looks_like_database"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def looks_like_database(path: Path) -> bool:
    """A SQLite file (by its header, or by its name when it does not exist)."""
    if path.suffix.lower() in (".db", ".sqlite", ".sqlite3"):
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False
