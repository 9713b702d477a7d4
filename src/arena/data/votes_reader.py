"""Read public-schema votes files (Parquet, JSON Lines, CSV, or a directory) with pyarrow.

Invariant: files are streamed record batch by record batch (a Parquet row group at
a time), reading only the columns the board needs. Per row read, what is kept is
about 23 bytes: the id's two 64-bit hash lanes (to find repeated ids and fingerprint
the votes), the two model codes, the winner and a status; nothing of the row's text.
Model names and winners are dictionary-encoded per batch, so a name is looked at
once per batch, not once per vote. Every winner spelling of the one vocabulary
(:class:`arena.vocabulary.Winner`) and the 55k Kaggle one-hot columns are accepted;
a row whose winner is empty or unknown is dropped and counted, like other dirty rows.
Problems with the input raise :class:`arena.errors.InvalidInput` with a message fit
for the person who gave the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from arena.data.vote_files import ID_COLUMNS, ONE_HOT, iter_batches, prefetched
from arena.data.vote_tally import Tally
from arena.data.votes_table import DROP_REASONS, VotesTable
from arena.errors import InvalidInput

__all__ = ["DROP_REASONS", "VoteFilters", "VotesTable", "iter_batches", "read_votes"]


@dataclass(frozen=True)
class VoteFilters:
    """Which votes count.

    Attributes
    ----------
    category : str or None
        ``None``/``"overall"`` keeps all. Otherwise matched against
        ``category_tag`` (a string, a list of strings, or the releases'
        nested struct of boolean tags such as ``math`` or ``creative_writing``;
        ``hard_prompt`` means at least 6 of the ``criteria`` tags), ``is_code``
        for ``code``, or the ``language`` column (case-insensitive).
    anonymous_only : bool
        Require an ``anony`` column (an error without one) and keep votes with it true.
    include_named : bool
        Also count votes whose ``anony`` is false. By default, as on the web board
        and LMArena's published boards, only anonymous votes count (a file without
        an ``anony`` column, such as the 140k release, holds anonymous votes only).
    include_deduped : bool
        Also count the rows a release marks ``dedup_tag.sampled = false`` (prompts
        LMArena down-sampled as over-represented). By default they are left out,
        as LMArena's boards do; files without ``dedup_tag`` are unaffected.
    exclude_flagged : bool
        Drop votes whose ``flagged``/``is_flagged`` is true (no-op without such a column).
    since, until : float or None
        Unix-time window on ``timestamp``/``tstamp`` (inclusive, exclusive). String
        times honour their zone offset (``Z``, ``-07:00``); times without one are UTC.
    arena : str
        Only votes of this arena (``text`` by default; a file without an ``arena``
        column holds text votes only, as every release before the image arenas).
    """

    category: str | None = None
    anonymous_only: bool = False
    include_named: bool = False
    include_deduped: bool = False
    exclude_flagged: bool = False
    since: float | None = None
    until: float | None = None
    arena: str = "text"


def _columns(flt: VoteFilters, style: bool, use_category: bool) -> list[str]:
    columns = [*ID_COLUMNS, "model_a", "model_b", "winner", *ONE_HOT, "arena"]
    if flt.anonymous_only or not flt.include_named:
        columns.append("anony")
    if not flt.include_deduped:
        columns.append("dedup_tag")
    if flt.exclude_flagged:
        columns += ["flagged", "is_flagged"]
    if use_category:
        columns += ["category_tag", "is_code", "language"]
    if flt.since is not None or flt.until is not None:
        columns += ["timestamp", "tstamp"]
    if style:
        columns.append("conv_metadata")
    return columns


def read_votes(
    path: str | Path,
    *,
    filters: VoteFilters | None = None,
    style: bool = False,
    fingerprint: bool = False,
    batch_size: int = 1 << 17,
) -> VotesTable:
    """Read and filter a votes file or directory.

    A category that matches no vote at all is an error (most likely a typo), and so
    is a file whose winners are all unknown. Dirty rows are dropped, never counted,
    and reported in ``dropped`` by reason (see :data:`DROP_REASONS`): a repeated
    ``id`` (the first row wins, as in ``arena import``), an empty or missing model
    name, a model against itself, an empty or unknown winner, and with ``style`` a
    missing ``conv_metadata`` or a null, NaN or negative style count.

    Parameters
    ----------
    path : str or Path
        Parquet, JSONL or CSV file, or a directory of them.
    filters : VoteFilters, optional
    style : bool
        Also read the style counts from ``conv_metadata``.
    fingerprint : bool
        Also fingerprint the counted votes, as a server's leaderboard does.

    Returns
    -------
    VotesTable
        N votes after filters and dropped rows.
    """
    flt = filters or VoteFilters()
    use_category = bool(flt.category) and flt.category.strip().lower() not in ("overall", "all")
    rows = Tally(style, fingerprint)
    for batch in prefetched(iter_batches(path, batch_size, _columns(flt, style, use_category))):
        rows.add(batch, flt, use_category)
    if use_category and rows.read and not rows.category_hits:
        raise InvalidInput(f"no votes in category {flt.category!r}")
    return rows.table(path, batch_size)


def parse_time(value: str | None) -> float | None:
    """ISO date/time or Unix seconds -> Unix seconds (UTC when no zone is given)."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date/time: {value!r} (use e.g. 2024-05-01)") from None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
