"""Column-wise readings of a votes batch: which rows a filter keeps, times, style counts.

Each function takes Arrow columns and returns NumPy arrays of one value a row,
without a Python object per row; they know the spellings every published shape
uses for the same thing (``tstamp``/``timestamp``, tag strings, lists or structs).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arena.data.shapes import id_columns
from arena.data.style_counts import STYLE_FIELDS
from arena.errors import InvalidInput
from arena.ratings.style import STYLE_FEATURES


def arena_mask(column: pa.ChunkedArray | pa.Array, arena: str) -> np.ndarray:
    """Rows of ``arena``; an empty cell is a text vote (the default arena)."""

    values = pc.fill_null(column.cast(pa.string()), "text")
    return np.asarray(pc.equal(values, arena).to_numpy(zero_copy_only=False), dtype=bool)


def as_bool(arr: pa.Array) -> np.ndarray:
    if pa.types.is_boolean(arr.type):
        return np.asarray(arr.fill_null(False))
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        return np.asarray(arr.fill_null(0)).astype(bool)
    s = pc.utf8_lower(pc.cast(arr, pa.string())).fill_null("")
    return np.isin(np.asarray(s, dtype=object), ["true", "1", "yes", "t"])


def struct_leaves(arr: pa.Array, prefix: str = "") -> Iterator[tuple[str, pa.Array]]:
    if pa.types.is_struct(arr.type):
        for i in range(arr.type.num_fields):
            name = arr.type.field(i).name
            yield from struct_leaves(pc.struct_field(arr, [i]), f"{prefix}{name}.")
    else:
        yield prefix.rstrip("."), arr


def category_mask(batch: pa.RecordBatch, category: str) -> np.ndarray:
    cat = category.strip().lower()
    names = batch.schema.names
    if cat == "code" and "is_code" in names:
        return as_bool(batch.column("is_code"))
    tagged = tag_mask(batch, cat)
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


def tag_mask(batch: pa.RecordBatch, cat: str) -> np.ndarray | None:
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
            leaves = dict(struct_leaves(col))
            if cat in ("hard_prompt", "hard_prompts", "hard"):
                crit = [
                    a
                    for k, a in leaves.items()
                    if k.startswith("criteria") and pa.types.is_boolean(a.type)
                ]
                if crit:
                    return sum(as_bool(a).astype(int) for a in crit) >= 6
            mask = None
            for key, arr in leaves.items():
                if key.split(".")[-1].lower() == cat and pa.types.is_boolean(arr.type):
                    mask = as_bool(arr)
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


def time_seconds(batch: pa.RecordBatch) -> np.ndarray | None:
    for name in ("timestamp", "tstamp"):
        if name in batch.schema.names:
            col = batch.column(name)
            if pa.types.is_timestamp(col.type):
                unit = col.type.unit
                div = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
                ints = pc.cast(pc.cast(col, pa.timestamp(unit, tz=None)), pa.int64())
                return np.asarray(ints.fill_null(0)).astype(np.float64) / div
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                return string_seconds(col)
            return np.asarray(pc.cast(col, pa.float64()).fill_null(0.0))
    return None


def string_seconds(col: pa.Array) -> np.ndarray:
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
    lut = np.array([one_time(v) for v in encoded.dictionary.to_pylist()] + [np.nan])
    codes = np.asarray(encoded.indices.fill_null(len(lut) - 1))
    return lut[codes]


def one_time(value: str) -> float:
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


def style_checked(
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
            leaves = [arr]
            if pa.types.is_struct(arr.type):
                leaves = [leaf for _, leaf in struct_leaves(arr)]
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


def model_ids(arr: pa.Array, lookup: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
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


def dedup_sampled(col: pa.Array) -> np.ndarray | None:
    """``dedup_tag.sampled`` (null counts as sampled); None when the column has no such field."""
    if not pa.types.is_struct(col.type) or col.type.get_field_index("sampled") < 0:
        return None
    sampled = pc.struct_field(col, "sampled")
    if not pa.types.is_boolean(sampled.type):
        sampled = pc.cast(sampled, pa.bool_())
    # a null struct or a null flag: the release did not mark the row, so it counts
    return np.asarray(sampled.fill_null(True).fill_null(True))


def vote_ids(batch: pa.RecordBatch) -> pa.Array | None:
    """The id import gives each row (the first of the shapes' id columns), as text."""
    names = batch.schema.names
    for name in id_columns():
        head, _, field = name.partition(".")
        if head not in names:
            continue
        col = batch.column(head)
        if field:
            if not pa.types.is_struct(col.type) or col.type.get_field_index(field) < 0:
                continue
            col = pc.struct_field(col, field)
        if pa.types.is_floating(col.type):  # an integer id that went through a float
            col = pc.cast(col, pa.int64())
        return pc.cast(col, pa.string())
    return None
