"""Read public-schema votes files (Parquet, JSON Lines, CSV, or a directory) with pyarrow.

Invariant: files are streamed record batch by record batch, reading only the
columns needed; model names are dictionary-encoded per batch and mapped to
integer ids, so memory is a few bytes per vote (plus 8 floats when style
features are requested). Every winner spelling (``model_a``, ``model_b``,
``tie``, ``both_bad``, ``tie (bothbad)``) and the 55k Kaggle one-hot columns
(``winner_model_a``, ``winner_model_b``, ``winner_tie``) are accepted.
Problems with the input raise :class:`arena.errors.InvalidInput` with a
message fit for the person who gave the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arena.data.style_counts import STYLE_FIELDS
from arena.data.vote_digest import LIMBS, digest_hex, limb_sums, limbs_to_int, row_limbs
from arena.errors import InvalidInput
from arena.ratings.counts import PairCounts, parse_winner
from arena.ratings.style import STYLE_FEATURES, StyleData

__all__ = ["VoteFilters", "VotesTable", "iter_batches", "read_votes"]

SUFFIXES = (".parquet", ".pq", ".jsonl", ".json", ".ndjson", ".csv")
ONE_HOT = ("winner_model_a", "winner_model_b", "winner_tie")


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


@dataclass(frozen=True)
class VotesTable:
    """Encoded votes.

    Attributes
    ----------
    models : list of str, length K (sorted)
    ia, ib : np.ndarray of int (int32 from files), shape (N,)
    outcome : np.ndarray of float64, shape (N,)
        1.0 A won, 0.0 B won, 0.5 tie or both bad.
    style_a, style_b : np.ndarray, shape (N, 4), or None
        Raw style counts (tokens, headers, lists, bold) when requested.
    rows_read : int
        Rows seen before filters.
    vote_set_sha256 : str or None
        Fingerprint of exactly the counted votes (:mod:`arena.data.vote_digest`),
        when asked for and the file has ``id`` and ``winner`` columns.
    dropped : dict of str to int
        Rows not counted, by reason (:data:`DROP_REASONS`).
    """

    models: list[str]
    ia: np.ndarray
    ib: np.ndarray
    outcome: np.ndarray
    style_a: np.ndarray | None = None
    style_b: np.ndarray | None = None
    rows_read: int = 0
    vote_set_sha256: str | None = None
    # rows left out by each default rule (``named``, ``deduped``), for "what was counted"
    left_out: dict[str, int] | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    pair_digest: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    codes: np.ndarray | None = None

    def fingerprint(self, models: Iterable[str]) -> str | None:
        """``vote_set_sha256`` of the counted votes between ``models`` only (what a
        board fitted after dropping rare models counts)."""
        if self.pair_digest is None:
            return None
        wanted = set(models)
        keep = np.array([m in wanted for m in self.models], dtype=bool)
        return _digest_of(self.pair_digest, keep)

    def pair_counts(self) -> PairCounts:
        if self.codes is not None:  # int8 codes, self-battles already dropped: fast path
            return PairCounts.from_codes(self.models, self.ia, self.ib, self.codes)
        return PairCounts.from_indices(self.models, self.ia, self.ib, self.outcome)

    def style_data(self) -> StyleData:
        if self.style_a is None or self.style_b is None:
            raise InvalidInput("style control needs conv_metadata style counts in the votes file")
        return StyleData.from_indices(
            self.models, self.ia, self.ib, self.outcome, self.style_a, self.style_b
        )

    def model_names(self) -> tuple[np.ndarray, np.ndarray]:
        names = np.asarray(self.models, dtype=object)
        return names[self.ia], names[self.ib]


# A release directory also holds these JSON files; they describe the votes, they are not votes.
RELEASE_METADATA = {"leaderboard.json", "MANIFEST.json"}


def _files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        files = sorted(
            f
            for f in p.rglob("*")
            if f.is_file() and f.suffix.lower() in SUFFIXES and f.name not in RELEASE_METADATA
        )
        if not files:
            raise InvalidInput(f"no votes files ({', '.join(SUFFIXES)}) in {p}")
        return files
    if not p.exists():
        raise InvalidInput(f"votes file not found: {p}")
    if p.suffix.lower() not in SUFFIXES:
        raise InvalidInput(f"unsupported votes file type {p.suffix!r}; use Parquet, JSONL or CSV")
    return [p]


def iter_batches(
    path: str | Path, batch_size: int = 1 << 20, columns: list[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Stream record batches from a file or every votes file under a directory.

    ``columns`` limits what Parquet files read (missing ones are skipped);
    JSONL and CSV are parsed whole and yield every column.
    """
    wanted = _wanted_columns() if columns is None else columns
    for f in _files(path):
        suffix = f.suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                import pyarrow.parquet as pq

                names = set(pq.read_schema(f).names)
                dictionary = [c for c in ("model_a", "model_b", "winner") if c in names]
                pf = pq.ParquetFile(f, read_dictionary=dictionary)
                cols = [c for c in wanted if c in names]
                yield from pf.iter_batches(batch_size=batch_size, columns=cols)
            elif suffix == ".csv":
                import pyarrow.csv as pcsv

                reader = pcsv.open_csv(
                    f,
                    read_options=pcsv.ReadOptions(block_size=64 << 20),
                    parse_options=pcsv.ParseOptions(newlines_in_values=True),
                )
                yield from reader
            else:
                import pyarrow.json as pj

                opts = pj.ReadOptions(block_size=64 << 20)
                if hasattr(pj, "open_json"):
                    yield from pj.open_json(f, read_options=opts)
                else:  # older pyarrow: whole file, then batches
                    yield from pj.read_json(f, read_options=opts).to_batches(batch_size)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidInput(f"cannot read {f}: {exc}") from None


def _wanted_columns() -> list[str]:
    return [
        "model_a",
        "model_b",
        "winner",
        *ONE_HOT,
        "anony",
        "flagged",
        "is_flagged",
        "timestamp",
        "tstamp",
        "category_tag",
        "is_code",
        "language",
        "conv_metadata",
        "dedup_tag",
    ]


# Columns of a conversations file (lmsys-chat-1m), which has no votes.
CONVERSATION_COLUMNS = ("conversation_id", "conversation", "model")


def _arena_mask(column: pa.ChunkedArray | pa.Array, arena: str) -> np.ndarray:
    """Rows of ``arena``; an empty cell is a text vote (the default arena)."""

    values = pc.fill_null(column.cast(pa.string()), "text")
    return np.asarray(pc.equal(values, arena).to_numpy(zero_copy_only=False), dtype=bool)


def _as_bool(arr: pa.Array) -> np.ndarray:
    if pa.types.is_boolean(arr.type):
        return np.asarray(arr.fill_null(False))
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        return np.asarray(arr.fill_null(0)).astype(bool)
    s = pc.utf8_lower(pc.cast(arr, pa.string())).fill_null("")
    return np.isin(np.asarray(s, dtype=object), ["true", "1", "yes", "t"])


#: Outcome for model A of each code (0 A won, 1 B won, 2 tie), as in arena.ratings.counts.
CODE_OUTCOME = np.array([1.0, 0.0, 0.5])


def _outcome_codes(batch: pa.RecordBatch) -> np.ndarray:
    """Outcome codes, shape (N,) int8: 0 A won, 1 B won, 2 tie or both bad."""
    names = batch.schema.names
    if "winner" in names:
        arr = batch.column("winner")
        if not pa.types.is_dictionary(arr.type):
            arr = pc.dictionary_encode(pc.cast(arr, pa.string()))
        if arr.null_count:
            raise InvalidInput("every vote needs a winner; found an empty one")
        try:
            lut = np.array(
                [{1.0: 0, 0.0: 1}.get(parse_winner(v), 2) for v in arr.dictionary.to_pylist()],
                dtype=np.int8,
            )
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        return lut[np.asarray(arr.indices)]
    if all(c in names for c in ONE_HOT):
        oa, ob, ot = (_as_bool(batch.column(c)) for c in ONE_HOT)
        if not np.all(oa.astype(int) + ob + ot == 1):
            raise InvalidInput("winner_model_a/winner_model_b/winner_tie must be one-hot")
        return np.where(oa, 0, np.where(ob, 1, 2)).astype(np.int8)
    raise InvalidInput(
        "votes need a 'winner' column or the one-hot winner_model_a/winner_model_b/winner_tie"
    )


def _outcomes(batch: pa.RecordBatch) -> np.ndarray:
    """Outcome for model A (1.0, 0.0, 0.5), shape (N,)."""
    return CODE_OUTCOME[_outcome_codes(batch)]


def _leaves(arr: pa.Array, prefix: str = "") -> Iterator[tuple[str, pa.Array]]:
    if pa.types.is_struct(arr.type):
        for i in range(arr.type.num_fields):
            name = arr.type.field(i).name
            yield from _leaves(pc.struct_field(arr, [i]), f"{prefix}{name}.")
    else:
        yield prefix.rstrip("."), arr


def _category_mask(batch: pa.RecordBatch, category: str) -> np.ndarray:
    cat = category.strip().lower()
    names = batch.schema.names
    if cat == "code" and "is_code" in names:
        return _as_bool(batch.column("is_code"))
    tagged = _tag_mask(batch, cat)
    if "language" in names:
        # A language is a category too, whatever category_tag holds (often empty).
        vals = pc.utf8_lower(pc.cast(batch.column("language"), pa.string())).fill_null("")
        in_language = np.asarray(vals, dtype=object) == cat
        return in_language if tagged is None else (tagged | in_language)
    if tagged is not None:
        return tagged
    raise InvalidInput(
        f"unknown category {category!r}: no matching tag, is_code or language column"
    )


def _tag_mask(batch: pa.RecordBatch, cat: str) -> np.ndarray | None:
    """Rows whose ``category_tag`` holds ``cat``; None when no column can say."""
    names = batch.schema.names
    n = batch.num_rows
    if "category_tag" in names:
        col = batch.column("category_tag")
        t = col.type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            vals = pc.utf8_lower(pc.cast(col, pa.string())).fill_null("")
            return np.asarray(vals, dtype=object) == cat
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            flat = pc.utf8_lower(pc.cast(pc.list_flatten(col), pa.string()))
            parents = np.asarray(pc.list_parent_indices(col))
            hit = np.asarray(flat.fill_null(""), dtype=object) == cat
            return np.bincount(parents[hit], minlength=n) > 0
        if pa.types.is_struct(t):
            leaves = dict(_leaves(col))
            if cat in ("hard_prompt", "hard_prompts", "hard"):
                crit = [
                    a
                    for k, a in leaves.items()
                    if k.startswith("criteria") and pa.types.is_boolean(a.type)
                ]
                if crit:
                    return sum(_as_bool(a).astype(int) for a in crit) >= 6
            mask = None
            for key, arr in leaves.items():
                if key.split(".")[-1].lower() == cat and pa.types.is_boolean(arr.type):
                    mask = _as_bool(arr)
                elif pa.types.is_list(arr.type) and pa.types.is_string(arr.type.value_type):
                    # Arena's own tags (category_tag.tags in an export)
                    flat = pc.utf8_lower(pc.list_flatten(arr)).fill_null("")
                    parents = np.asarray(pc.list_parent_indices(arr))
                    hit = np.asarray(flat, dtype=object) == cat
                    found = np.bincount(parents[hit], minlength=n) > 0
                    mask = found if mask is None else (mask | found)
            if mask is not None:
                return mask
            return np.zeros(n, dtype=bool)
    return None


def _time_seconds(batch: pa.RecordBatch) -> np.ndarray | None:
    for name in ("timestamp", "tstamp"):
        if name in batch.schema.names:
            col = batch.column(name)
            if pa.types.is_timestamp(col.type):
                unit = col.type.unit
                div = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
                ints = pc.cast(pc.cast(col, pa.timestamp(unit, tz=None)), pa.int64())
                return np.asarray(ints.fill_null(0)).astype(np.float64) / div
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                return _string_seconds(col)
            return np.asarray(pc.cast(col, pa.float64()).fill_null(0.0))
    return None


def _string_seconds(col: pa.Array) -> np.ndarray:
    """Unix seconds of ISO 8601 (any zone offset; none means UTC) or numeric strings.

    Arrow parses a column whose times all carry an offset in one call; a column
    mixing forms is parsed per distinct value. A time that cannot be read is NaN,
    so it falls outside every window.
    """
    try:
        ts = pc.cast(col, pa.timestamp("us", tz="UTC"))
        us = pc.cast(pc.cast(ts, pa.timestamp("us")), pa.int64())
        return np.asarray(us.to_numpy(zero_copy_only=False), dtype=np.float64) / 1e6
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    encoded = pc.dictionary_encode(col)
    lut = np.array([_one_time(v) for v in encoded.dictionary.to_pylist()] + [np.nan])
    codes = np.asarray(encoded.indices.fill_null(len(lut) - 1))
    return lut[codes]


def _one_time(value: str) -> float:
    from datetime import UTC

    try:
        return float(value)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    return (dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt).timestamp()


def _style_checked(
    batch: pa.RecordBatch,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Style counts per side, plus rows with no ``conv_metadata`` and rows whose
    counts are null, NaN or negative (both dropped, never read as 0)."""
    if "conv_metadata" not in batch.schema.names:
        raise InvalidInput("--style-control needs the conv_metadata column (style counts)")
    meta = batch.column("conv_metadata")
    if not pa.types.is_struct(meta.type):
        raise InvalidInput("conv_metadata must be a struct of style counts")
    no_meta = np.asarray(meta.is_null())
    fields = {meta.type.field(i).name: i for i in range(meta.type.num_fields)}
    bad = np.zeros(batch.num_rows, dtype=bool)
    sides = []
    for side in ("a", "b"):
        out = np.empty((batch.num_rows, len(STYLE_FEATURES)), dtype=np.float32)
        for j, feat in enumerate(STYLE_FEATURES):
            name = STYLE_FIELDS[feat].format(side)
            if name not in fields:
                raise InvalidInput(f"conv_metadata lacks {name!r}, needed for style control")
            arr = pc.struct_field(meta, [fields[name]])
            leaves = [leaf for _, leaf in _leaves(arr)] if pa.types.is_struct(arr.type) else [arr]
            out[:, j] = 0.0
            for leaf in leaves:
                if leaf.null_count:
                    bad |= np.asarray(leaf.is_null())
                    leaf = leaf.fill_null(0)
                values = leaf.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
                bad |= ~(values >= 0)  # NaN and negatives
                out[:, j] += values
        sides.append(out)
    bad &= ~no_meta
    return sides[0], sides[1], bad, no_meta


def read_votes(
    path: str | Path,
    *,
    filters: VoteFilters | None = None,
    style: bool = False,
    fingerprint: bool = False,
    batch_size: int = 1 << 20,
) -> VotesTable:
    """Read and filter a votes file or directory.

    A category that matches no vote at all is an error (most likely a typo).
    Dirty rows are dropped, never counted, and reported in ``dropped`` by
    reason (see :data:`DROP_REASONS`): a repeated ``id`` (the first row wins,
    as in ``arena import``), an empty or missing model name, a model against
    itself, and with ``style`` a missing ``conv_metadata`` or a null, NaN or
    negative style count.

    Parameters
    ----------
    path : str or Path
        Parquet, JSONL or CSV file, or a directory of them.
    filters : VoteFilters, optional
    style : bool
        Also read the style counts from ``conv_metadata``.
    fingerprint : bool
        Also hash the counted votes, as a server's leaderboard does for the votes it counts.

    Returns
    -------
    VotesTable
        N votes after filters and dropped rows.
    """
    flt = filters or VoteFilters()
    lookup: dict[str, int] = {}
    parts: list[_Part] = []
    rows = 0
    category_hits = 0
    use_category = bool(flt.category) and flt.category.strip().lower() not in ("overall", "all")
    columns = ["id", "question_id", "model_a", "model_b", "winner", *ONE_HOT,
               CONVERSATION_COLUMNS[0]]
    left_out: dict[str, int] = {}  # a rule's key appears once a file has its column
    if flt.anonymous_only or not flt.include_named:
        columns.append("anony")
    if not flt.include_deduped:
        columns.append("dedup_tag")
    columns.append("arena")
    if flt.exclude_flagged:
        columns += ["flagged", "is_flagged"]
    if use_category:
        columns += ["category_tag", "is_code", "language"]
    if flt.since is not None or flt.until is not None:
        columns += ["timestamp", "tstamp"]
    if style:
        columns.append("conv_metadata")
    for batch in iter_batches(path, batch_size, columns):
        rows += batch.num_rows
        names = batch.schema.names
        if "model_a" not in names or "model_b" not in names:
            if CONVERSATION_COLUMNS[0] in names or "conversation" in names:
                raise InvalidInput(
                    "this file has no votes: it holds conversations (like lmsys-chat-1m), "
                    "not battles with a winner; `arena import` can store them"
                )
            raise InvalidInput("votes need 'model_a' and 'model_b' columns")
        keep = np.ones(batch.num_rows, dtype=bool)
        if "arena" in names:
            in_arena = _arena_mask(batch.column("arena"), flt.arena)
            left_out["other arenas"] = left_out.get("other arenas", 0) + int((~in_arena).sum())
            keep &= in_arena
        elif flt.arena != "text":
            keep[:] = False
        if flt.anonymous_only and "anony" not in names:
            raise InvalidInput("--anonymous-only needs an 'anony' column")
        if "anony" in names and (flt.anonymous_only or not flt.include_named):
            anonymous = _as_bool(batch.column("anony"))
            left_out["named"] = left_out.get("named", 0) + int((keep & ~anonymous).sum())
            keep &= anonymous
        if "dedup_tag" in names and not flt.include_deduped:
            sampled = _dedup_sampled(batch.column("dedup_tag"))
            if sampled is not None:
                left_out["deduped"] = left_out.get("deduped", 0) + int((keep & ~sampled).sum())
                keep &= sampled
        if flt.exclude_flagged:
            for col in ("flagged", "is_flagged"):
                if col in names:
                    keep &= ~_as_bool(batch.column(col))
        if use_category:
            in_category = _category_mask(batch, flt.category)  # type: ignore[arg-type]
            category_hits += int(in_category.sum())
            keep &= in_category
        if flt.since is not None or flt.until is not None:
            ts = _time_seconds(batch)
            if ts is None:
                raise InvalidInput("a time window needs a 'timestamp' or 'tstamp' column")
            if flt.since is not None:
                keep &= ts >= flt.since
            if flt.until is not None:
                keep &= ts < flt.until
        ia, missing_a = _model_ids(batch.column("model_a"), lookup)
        ib, missing_b = _model_ids(batch.column("model_b"), lookup)
        part = _Part(batch, keep, missing_a | missing_b, ia, ib, _outcome_codes(batch))
        if style:
            part.style_a, part.style_b, part.bad_style, part.no_meta = _style_checked(batch)
        parts.append(part)
    if use_category and rows and not category_hits:
        raise InvalidInput(f"no votes in category {flt.category!r}")
    return _assemble(
        parts, lookup, rows, style=style, fingerprint=fingerprint, left_out=left_out
    )


#: Why a row is not counted, in the order a row is charged to (one reason per row).
DROP_REASONS = (
    "duplicate id",
    "missing model name",
    "model against itself",
    "no conv_metadata",
    "null, NaN or negative style count",
)


@dataclass
class _Part:
    """One record batch, encoded, before rows are dropped."""

    batch: pa.RecordBatch
    keep: np.ndarray
    missing: np.ndarray
    ia: np.ndarray
    ib: np.ndarray
    codes: np.ndarray
    style_a: np.ndarray | None = None
    style_b: np.ndarray | None = None
    bad_style: np.ndarray | None = None
    no_meta: np.ndarray | None = None


def _model_ids(arr: pa.Array, lookup: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Global model ids of a name column, and which rows have no name (null or blank)."""
    if not pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_encode(pc.cast(arr, pa.string()))
    names = arr.dictionary.to_pylist()
    blank = [v is None or not str(v).strip() for v in names]
    lut = np.array(
        [-1 if b else lookup.setdefault(str(v), len(lookup)) for v, b in zip(names, blank)],  # noqa: B905
        dtype=np.int32,
    )
    if not lut.size:
        return np.full(len(arr), -1, np.int32), np.ones(len(arr), dtype=bool)
    indices = arr.indices.fill_null(0) if arr.null_count else arr.indices
    ids = lut[np.asarray(indices)]
    missing = ids < 0
    if arr.null_count:
        missing |= np.asarray(arr.is_null())
    return ids, missing


def _first_occurrence(parts: list[_Part]) -> np.ndarray | None:
    """True for the first row of each id (file order); None when ids are absent or null."""
    chunks = []
    for part in parts:
        col = _vote_ids(part.batch)
        if col is None or col.null_count:
            return None
        chunks.append(col)
    if not chunks:
        return np.zeros(0, dtype=bool)
    codes = np.asarray(pc.dictionary_encode(pa.concat_arrays(chunks)).indices).astype(np.int64)
    # Dictionary codes are handed out in order of first appearance: a row is the first
    # of its id exactly when its code exceeds every earlier one.
    seen = np.maximum.accumulate(codes)
    first = np.empty(codes.size, dtype=bool)
    first[:1] = True
    first[1:] = codes[1:] > seen[:-1]
    return first


def _cat(xs: list, dt: type) -> np.ndarray:
    return np.concatenate(xs) if xs else np.zeros(0, dt)


def _assemble(
    parts: list[_Part],
    lookup: dict[str, int],
    rows: int,
    *,
    style: bool,
    fingerprint: bool,
    left_out: dict[str, int] | None = None,
) -> VotesTable:
    ia = _cat([p.ia for p in parts], np.int32)
    ib = _cat([p.ib for p in parts], np.int32)
    codes = _cat([p.codes for p in parts], np.int8)
    first = _first_occurrence(parts)
    reasons: list[tuple[str, np.ndarray | None]] = [
        ("duplicate id", None if first is None or first.all() else ~first),
        ("missing model name", _any_rows([p.missing for p in parts])),
        ("model against itself", ia == ib),
    ]
    if style:
        reasons += [
            ("no conv_metadata", _any_rows([p.no_meta for p in parts])),  # type: ignore[misc]
            ("null, NaN or negative style count", _any_rows([p.bad_style for p in parts])),  # type: ignore[misc]
        ]
    dropped: dict[str, int] = {}
    counted: np.ndarray | None = None  # None: every row counts
    for reason, bad in reasons:
        if bad is None or not bad.any():
            continue
        hit = bad if counted is None else bad & counted
        n = int(hit.sum())
        if n:
            dropped[reason] = n
            counted = ~hit if counted is None else counted & ~hit
    keep = _any_rows([~p.keep for p in parts])
    if keep is not None:
        counted = ~keep if counted is None else counted & ~keep
    if counted is not None:
        ia, ib, codes = ia[counted], ib[counted], codes[counted]
    # Renumber ids so models are sorted by name (the PairCounts convention); a model
    # seen only in dropped or filtered-out rows is not on the board.
    names_by_id = sorted(lookup, key=lookup.__getitem__)
    used = np.zeros(len(names_by_id), dtype=bool)
    used[np.bincount(ia, minlength=len(names_by_id)) > 0] = True
    used[np.bincount(ib, minlength=len(names_by_id)) > 0] = True
    order = sorted(np.flatnonzero(used).tolist(), key=names_by_id.__getitem__)
    remap = np.full(len(names_by_id), -1, dtype=np.int32)
    remap[order] = np.arange(len(order), dtype=np.int32)
    style_a = style_b = None
    if style:
        style_a = _cat([p.style_a for p in parts], np.float32).reshape(-1, 4)
        style_b = _cat([p.style_b for p in parts], np.float32).reshape(-1, 4)
        if counted is not None:
            style_a, style_b = style_a[counted], style_b[counted]
    pair_digest = None
    if fingerprint and first is not None:
        every = np.ones(ia.size, dtype=bool) if counted is None else counted
        pair_digest = _pair_digest(parts, every, remap, len(order))
    return VotesTable(
        models=[names_by_id[i] for i in order],
        ia=remap[ia],
        ib=remap[ib],
        outcome=CODE_OUTCOME[codes],
        style_a=style_a,
        style_b=style_b,
        rows_read=rows,
        vote_set_sha256=None if pair_digest is None else _digest_of(pair_digest, None),
        dropped=dropped,
        left_out=left_out,
        pair_digest=pair_digest,
        codes=codes,
    )


def _dedup_sampled(col: pa.Array) -> np.ndarray | None:
    """``dedup_tag.sampled`` (null counts as sampled); None when the column has no such field."""
    if not pa.types.is_struct(col.type) or col.type.get_field_index("sampled") < 0:
        return None
    sampled = pc.struct_field(col, "sampled")
    if not pa.types.is_boolean(sampled.type):
        sampled = pc.cast(sampled, pa.bool_())
    # a null struct or a null flag: the release did not mark the row, so it counts
    return np.asarray(sampled.fill_null(True).fill_null(True))


def _vote_ids(batch: pa.RecordBatch) -> pa.Array | None:
    """The id import gives each row: ``id``, else ``question_id``, as text."""
    for name in ("id", "question_id"):
        if name in batch.schema.names:
            col = batch.column(name)
            if pa.types.is_floating(col.type):  # an integer id that went through a float
                col = pc.cast(col, pa.int64())
            return pc.cast(col, pa.string())
    return None


def _winner_names(batch: pa.RecordBatch) -> pa.Array:
    """The winner as the store keeps it (model_a, model_b, tie, both_bad), any spelling."""
    if "winner" in batch.schema.names:
        col = pc.cast(batch.column("winner"), pa.string())
        return pc.replace_substring(col, "tie (bothbad)", "both_bad")
    out = _outcomes(batch)
    names = np.where(out == 1.0, "model_a", np.where(out == 0.0, "model_b", "tie"))
    return pa.array(names.tolist(), pa.string())


def _any_rows(masks: list[np.ndarray | None]) -> np.ndarray | None:
    """Concatenated per-batch row masks; None when no batch marks any row."""
    if not any(m is not None and m.any() for m in masks):
        return None
    return np.concatenate([m for m in masks])  # type: ignore[misc]


def _pair_digest(
    parts: list[_Part], counted: np.ndarray, remap: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums of the counted votes' hashes per unordered model pair: (a, b, limb sums)."""
    keys_parts, sums_parts = [np.zeros(0, dtype=np.int64)], [np.zeros((0, LIMBS))]
    start = 0
    for part in parts:
        n = part.batch.num_rows
        sel = np.flatnonzero(counted[start : start + n])
        start += n
        if not sel.size:
            continue
        idx = pa.array(sel)
        # Ids and winners as import stores them, so a file and its store share a fingerprint.
        cols = [
            _vote_ids(part.batch).take(idx),  # type: ignore[union-attr]
            part.batch.column("model_a").take(idx),
            part.batch.column("model_b").take(idx),
            _winner_names(part.batch).take(idx),
        ]
        a, b = remap[part.ia[sel]], remap[part.ib[sel]]
        keys, inv = np.unique(np.minimum(a, b) * k + np.maximum(a, b), return_inverse=True)
        keys_parts.append(keys)
        sums_parts.append(limb_sums(row_limbs(*cols), inv, keys.size))
    keys, inv = np.unique(np.concatenate(keys_parts), return_inverse=True)
    merged = np.zeros((keys.size, LIMBS))
    np.add.at(merged, inv, np.concatenate(sums_parts))
    k = max(k, 1)
    return keys // k, keys % k, merged


def _digest_of(
    pair_digest: tuple[np.ndarray, np.ndarray, np.ndarray], keep_models: np.ndarray | None
) -> str:
    a, b, sums = pair_digest
    if keep_models is not None:
        sums = sums[keep_models[a] & keep_models[b]]
    return digest_hex(limbs_to_int(sums))


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
