"""A votes file tallied a record batch at a time, as it streams.

Per row read, what stays in memory is the id's two 64-bit hash lanes (16 bytes, to
find repeated ids at the end) and a status byte; per counted row, its two model ids
and winner (9 bytes) and with style control its 8 style counts. The fingerprint's
sums per model pair are added batch by batch (:class:`arena.data.vote_digest.PairSums`),
so nothing of a row's text outlives its batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arena.data import vote_columns as vc
from arena.data.shapes import shape_of
from arena.data.vote_digest import PairSums, digest_hex, id_lanes, limbs_to_int
from arena.data.vote_files import ONE_HOT, repeated_rows
from arena.data.votes_table import DROP_REASONS, VotesTable
from arena.errors import InvalidInput
from arena.vocabulary import Winner

if TYPE_CHECKING:
    from arena.data.votes_reader import VoteFilters

__all__ = ["Tally", "winner_codes"]


class Tally:
    """What is kept of the rows read, and the :class:`VotesTable` at the end."""

    def __init__(self, style: bool, fingerprint: bool) -> None:
        self.style = style
        self.read = 0
        self.category_hits = 0
        self.known_winners = 0
        self.unknown_example = ""
        self.lookup: dict[str, int] = {}
        self.names: list[str] = []  # by global id
        self.left_out: dict[str, int] = {}  # a rule's key appears once a file has its column
        self.hashed = True  # every row has an id (else: no repeats found, no fingerprint)
        self.sums = PairSums() if fingerprint else None
        self.status_counts = np.zeros(len(DROP_REASONS), dtype=np.int64)
        self.parts: dict[str, list[np.ndarray]] = {
            k: [] for k in ("h", "status", "counted", "a", "b", "w", "style_a", "style_b")
        }

    def _left(self, rule: str, n: int) -> None:
        self.left_out[rule] = self.left_out.get(rule, 0) + n

    def add(self, batch: pa.RecordBatch, flt: VoteFilters, use_category: bool) -> None:
        n = batch.num_rows
        self.read += n
        names = batch.schema.names
        if "model_a" not in names or "model_b" not in names:
            if not shape_of(names).votes or "conversation" in names:
                raise InvalidInput(
                    "this file has no votes: it holds conversations (like lmsys-chat-1m), "
                    "not battles with a winner; `arena import` can store them"
                )
            raise InvalidInput("votes need 'model_a' and 'model_b' columns")
        keep = self._kept(batch, flt, use_category)
        ia, missing_a = vc.model_ids(batch.column("model_a"), self.lookup)
        ib, missing_b = vc.model_ids(batch.column("model_b"), self.lookup)
        if len(self.lookup) > len(self.names):
            self.names += sorted(self.lookup, key=self.lookup.__getitem__)[len(self.names) :]
        w = winner_codes(batch)
        self.known_winners += int((w >= 0).sum())
        if not self.unknown_example and (w == -1).any() and "winner" in names:
            value = batch.column("winner")[int(np.argmax(w == -1))].as_py()
            self.unknown_example = f" (such as {str(value)[:40]!r})"
        reasons = [missing_a | missing_b, ia == ib, w == -2, w == -1]
        if self.style:
            sa, sb, bad_style, no_meta = vc.style_checked(batch)
            reasons += [no_meta, bad_style]
        status = np.zeros(n, dtype=np.uint8)
        for code in range(len(reasons), 0, -1):  # the first reason that applies wins
            status[reasons[code - 1]] = code
        self.status_counts += np.bincount(status, minlength=len(DROP_REASONS))
        counted = keep & (status == 0)
        small = np.int16 if len(self.lookup) < 2**15 else np.int32  # ids of the models
        a, b, wc = ia[counted].astype(small), ib[counted].astype(small), w[counted]
        if self.style:
            self.parts["style_a"].append(sa[counted])
            self.parts["style_b"].append(sb[counted])
        ids = vc.vote_ids(batch) if self.hashed else None
        if ids is None or ids.null_count:
            self.hashed = False
            self.parts["h"].clear()
            self.sums = None
        else:
            h = id_lanes(ids)
            self.parts["h"].append(h)
            if self.sums is not None:
                self.sums.add(self.names, h[:, counted], a, b, wc)
        for key, value in (("status", status), ("counted", counted), ("a", a), ("b", b),
                           ("w", wc)):  # fmt: skip
            self.parts[key].append(value)

    def _kept(self, batch: pa.RecordBatch, flt: VoteFilters, use_category: bool) -> np.ndarray:
        """Rows the filters keep; counts what each default rule left out."""
        names = batch.schema.names
        keep = np.ones(batch.num_rows, dtype=bool)
        if "arena" in names:
            in_arena = vc.arena_mask(batch.column("arena"), flt.arena)
            self._left("other arenas", int((~in_arena).sum()))
            keep &= in_arena
        elif flt.arena != "text":
            keep[:] = False
        if flt.anonymous_only and "anony" not in names:
            raise InvalidInput("--anonymous-only needs an 'anony' column")
        if "anony" in names and (flt.anonymous_only or not flt.include_named):
            anonymous = vc.as_bool(batch.column("anony"))
            self._left("named", int((keep & ~anonymous).sum()))
            keep &= anonymous
        if "dedup_tag" in names and not flt.include_deduped:
            sampled = vc.dedup_sampled(batch.column("dedup_tag"))
            if sampled is not None:
                self._left("deduped", int((keep & ~sampled).sum()))
                keep &= sampled
        if flt.exclude_flagged:
            for col in ("flagged", "is_flagged"):
                if col in names:
                    keep &= ~vc.as_bool(batch.column(col))
        if use_category:
            in_category = vc.category_mask(batch, flt.category)  # type: ignore[arg-type]
            self.category_hits += int(in_category.sum())
            keep &= in_category
        if flt.since is not None or flt.until is not None:
            ts = vc.time_seconds(batch)
            if ts is None:
                raise InvalidInput("a time window needs a 'timestamp' or 'tstamp' column")
            if flt.since is not None:
                keep &= ts >= flt.since
            if flt.until is not None:
                keep &= ts < flt.until
        return keep

    def _cat(self, key: str, dtype: type) -> np.ndarray:
        xs = self.parts.pop(key)
        return np.concatenate(xs) if xs else np.zeros(0, dtype)

    def table(self, path: str | Path, batch_size: int) -> VotesTable:
        if self.read and not self.known_winners:
            raise InvalidInput(
                "no usable winner: every row's winner is empty or an unknown winner"
                f"{self.unknown_example}; use model_a, model_b, tie or both_bad, or the "
                "one-hot winner_model_a/winner_model_b/winner_tie"
            )
        h_parts = self.parts.pop("h")
        # the first lane alone finds repeats; both lanes only for the rows that repeat
        status, counted = self._cat("status", np.uint8), self._cat("counted", bool)
        ga, gb, w = self._cat("a", np.int32), self._cat("b", np.int32), self._cat("w", np.int8)
        style_a = style_b = None
        if self.style:
            style_a = self._cat("style_a", np.float32).reshape(-1, 4)
            style_b = self._cat("style_b", np.float32).reshape(-1, 4)
        dropped: dict[str, int] = {}
        repeat = None
        if self.hashed:
            repeat = repeated_rows([p[0] for p in h_parts], path, batch_size)
        statuses = self.status_counts.copy()
        if repeat is not None:
            dropped[DROP_REASONS[0]] = int(repeat.sum())
            # one reason a row: a repeat is only a repeat
            statuses -= np.bincount(status[repeat], minlength=len(DROP_REASONS))
            gone = repeat[counted]  # counted rows that repeat an earlier id
            if gone.any():
                if self.sums is not None:
                    rows = np.flatnonzero(counted)[gone]
                    h = np.concatenate(h_parts, axis=1)[:, rows]
                    self.sums.add(self.names, h, ga[gone], gb[gone], w[gone], sign=-1)
                ga, gb, w = ga[~gone], gb[~gone], w[~gone]
                if style_a is not None and style_b is not None:
                    style_a, style_b = style_a[~gone], style_b[~gone]
        del h_parts
        for code in range(1, len(DROP_REASONS)):
            if statuses[code]:
                dropped[DROP_REASONS[code]] = int(statuses[code])
        # Renumber so models are sorted by name (the PairCounts convention); a model
        # seen only in dropped or filtered-out rows is not on the board.
        k = len(self.names)
        used = (np.bincount(ga, minlength=k) > 0) | (np.bincount(gb, minlength=k) > 0)
        order = sorted(np.flatnonzero(used).tolist(), key=self.names.__getitem__)
        remap = np.full(max(k, 1), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        pair_digest = None
        if self.sums is not None:
            lo, hi, sums = self.sums.pairs()
            fa, fb = remap[lo], remap[hi]
            pair_digest = (np.minimum(fa, fb), np.maximum(fa, fb), sums)
        return VotesTable(
            models=[self.names[i] for i in order],
            ia=remap[ga],
            ib=remap[gb],
            codes=np.minimum(w, 2).astype(np.int8),  # both bad counts as a tie
            style_a=style_a,
            style_b=style_b,
            rows_read=self.read,
            vote_set_sha256=None
            if pair_digest is None
            else digest_hex(limbs_to_int(pair_digest[2])),
            dropped=dropped,
            left_out=self.left_out,
            pair_digest=pair_digest,
        )


def winner_codes(batch: pa.RecordBatch) -> np.ndarray:
    """Winner codes, shape (N,) int8: :attr:`Winner.code`, -1 unknown, -2 empty.

    Raises when the batch has no winner column at all (nothing to count).
    """
    names = batch.schema.names
    if "winner" in names:
        arr = batch.column("winner")
        if not pa.types.is_dictionary(arr.type):
            arr = pc.dictionary_encode(pc.cast(arr, pa.string()))
        lut = [_code(v) for v in arr.dictionary.to_pylist()]
        table = np.array([*lut, -2], dtype=np.int8)
        indices = arr.indices.fill_null(len(lut)) if arr.null_count else arr.indices
        return table[np.asarray(indices)]
    if all(c in names for c in ONE_HOT):
        oa, ob, ot = (vc.as_bool(batch.column(c)) for c in ONE_HOT)
        one_hot = oa.astype(np.int8) + ob + ot == 1
        codes = np.where(oa, 0, np.where(ob, 1, 2)).astype(np.int8)
        codes[~one_hot] = -1
        return codes
    raise InvalidInput(
        "votes need a 'winner' column or the one-hot winner_model_a/winner_model_b/winner_tie"
    )


def _code(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return -2
    winner = Winner.lookup(value)
    return -1 if winner is None else winner.code
