"""A fingerprint of a set of votes that anyone can recompute from released data.

Scheme ``vs2`` (the tag is part of the printed value, ``vs2:<32 hex digits>``):

- A vote is (``id``, ``model_a``, ``model_b``, ``winner``), the winner in the one
  vocabulary (:class:`arena.vocabulary.Winner`), so every accepted spelling of a
  winner gives the same fingerprint.
- Its id is hashed in two 64-bit lanes: the UTF-8 bytes, zero-padded to whole
  8-byte little-endian words, are absorbed into ``h = SEED[L] ^ len`` by
  ``h = (h ^ word) * MUL[L]; h ^= h >> 29``, then ``h = mix(h)`` (SplitMix64's
  finalizer). The length in the seed keeps padded ids apart.
- Names (models and winner) are hashed once each with SHA-256 (lane L takes bytes
  8L..8L+8, little endian); ``P[L] = mix(mix(SEED[L] ^ a) ^ b)`` keeps the sides apart.
- The vote's value is ``mix(h0 ^ P0 ^ w0) * 2**64 + mix(h1 ^ P1 ^ w1)``, ``w`` the
  winner's lanes; the fingerprint is the sum of the values modulo 2**128.

Guarantees: a sum does not depend on row order, and a server updates it as votes
arrive without rescanning (add a vote's value, or subtract it). Each step above is a
bijection of its 64-bit input, so two different votes collide only by chance
(about 2**-128 per pair, 2**-64 per pair of ids hashing alike in both lanes): the
fingerprint identifies exactly the counted set against accident and carelessness. It
is not a cryptographic commitment against someone who crafts a colliding set on
purpose (the per-vote SHA-256 of scheme 1 was, at 20x the cost of a board).

Speed: :func:`id_lanes` hashes a whole Arrow string column with NumPy over its data
buffer, a few operations per 8 bytes of id and no Python object per vote; the
per-name work is one SHA-256 per distinct model. :func:`vote_hash` is the same scheme
one vote at a time, for the live board.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from typing import Any

import numpy as np

from arena.vocabulary import Winner

SCHEME = "vs2"
MODULUS = 1 << 128
MASK = (1 << 64) - 1
SEEDS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F)
MULS = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
LIMBS = 4  # 32-bit limbs of a 128-bit value, most significant first
_CHUNK = 1 << 15  # rows hashed at a time: the working set stays in cache

__all__ = [
    "MODULUS",
    "SCHEME",
    "PairSums",
    "add_votes",
    "digest_hex",
    "id_lanes",
    "limb_sums",
    "limbs_to_int",
    "name_lanes",
    "vote_hash",
]  # fmt: skip


# ---------------------------------------------------------------- one vote (Python ints)


def _mix(x: int) -> int:
    x ^= x >> 30
    x = (x * _M1) & MASK
    x ^= x >> 27
    x = (x * _M2) & MASK
    return x ^ (x >> 31)


def _id_lane(data: bytes, lane: int) -> int:
    words = struct.unpack(f"<{(len(data) + 7) // 8}Q", data + b"\0" * (-len(data) % 8))
    h = SEEDS[lane] ^ len(data)
    for w in words:
        h = ((h ^ w) * MULS[lane]) & MASK
        h ^= h >> 29
    return _mix(h)


def _name_lane(name: str, lane: int) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[8 * lane : 8 * lane + 8], "little")


def _canonical_winner(winner: str) -> str:
    known = Winner.lookup(winner)
    if known is None:
        raise ValueError(f"unknown winner {winner!r}")
    return known.value


def vote_hash(vote_id: str, model_a: str, model_b: str, winner: str) -> int:
    """One vote's value in [0, 2**128)."""
    data = str(vote_id).encode()
    w = _canonical_winner(winner)
    out = 0
    for lane in (0, 1):
        p = _mix(_mix(SEEDS[lane] ^ _name_lane(model_a, lane)) ^ _name_lane(model_b, lane))
        out = (out << 64) | _mix(_id_lane(data, lane) ^ p ^ _name_lane(w, lane))
    return out


def add_votes(total: int, votes: Iterable[tuple[str, str, str, str]]) -> int:
    for vote in votes:
        total = (total + vote_hash(*vote)) % MODULUS
    return total


def digest_hex(total: int) -> str:
    return f"{SCHEME}:{total % MODULUS:032x}"


# ---------------------------------------------------------------- columns (NumPy)

_U = np.uint64


def _mix_np(x: np.ndarray, tmp: np.ndarray) -> None:
    """SplitMix64's finalizer in place (``tmp``: scratch of the same shape)."""
    np.right_shift(x, _U(30), out=tmp)
    x ^= tmp
    x *= _U(_M1)
    np.right_shift(x, _U(27), out=tmp)
    x ^= tmp
    x *= _U(_M2)
    np.right_shift(x, _U(31), out=tmp)
    x ^= tmp


def id_lanes(ids: Any) -> np.ndarray:
    """Both lanes of every id's hash, shape (2, N) uint64, from the Arrow buffers.

    ``ids``: a pyarrow ``string`` or ``large_string`` array without nulls. Ids of one
    length (the published files' UUIDs and hex ids) are read as 8-byte words straight
    from the data buffer; others are padded a chunk at a time.
    """
    import pyarrow as pa

    off_type = np.int64 if pa.types.is_large_string(ids.type) else np.int32
    n = len(ids)
    out = np.empty((2, n), dtype=np.uint64)
    if n == 0:
        return out
    bufs = ids.buffers()
    width = np.dtype(off_type).itemsize
    offsets = np.frombuffer(bufs[1], dtype=off_type, count=n + 1, offset=ids.offset * width)
    data = np.zeros(8, np.uint8) if bufs[2] is None else np.frombuffer(bufs[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    fixed = bool((lengths == lengths[0]).all())
    seeds = np.array(SEEDS, dtype=np.uint64)[:, None]
    muls = np.array(MULS, dtype=np.uint64)[:, None]
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        if fixed:
            words = _fixed_words(data, int(offsets[lo]), hi - lo, int(lengths[0]))
        else:
            words = list(_words(data, offsets[lo : hi + 1], lengths[lo:hi]))
        h = out[:, lo:hi]
        h[:] = seeds
        h ^= lengths[lo:hi].astype(np.uint64)
        tmp = np.empty_like(h)
        before = None if fixed or not words else np.empty_like(h)
        for j, word in enumerate(words):
            if before is not None:
                before[:] = h
            h ^= word
            h *= muls
            np.right_shift(h, _U(29), out=tmp)
            h ^= tmp
            if before is not None:  # an id absorbs only its own words
                past = lengths[lo:hi] <= 8 * j
                h[:, past] = before[:, past]
        _mix_np(h, tmp)
    return out


def _fixed_words(data: np.ndarray, start: int, rows: int, length: int) -> list[np.ndarray]:
    """Ids of one length as word columns: views into the buffer, the last word padded."""
    block = data[start : start + rows * length].reshape(rows, length)
    full = length // 8
    words = list(block[:, : full * 8].view("<u8").T) if full else []
    if length % 8:
        tail = np.zeros((rows, 8), dtype=np.uint8)
        tail[:, : length % 8] = block[:, full * 8 :]
        words.append(tail.view("<u8")[:, 0])
    return words


def _words(data: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Ids of a chunk as zero-padded little-endian words, shape (W, rows)."""
    rows = lengths.size
    longest = int(lengths.max()) if rows else 0
    width = (longest + 7) // 8
    mat = np.zeros((rows, width * 8), dtype=np.uint8)
    col = np.arange(width * 8)
    inside = col[None, :] < lengths[:, None]
    mat[inside] = data[(offsets[:-1, None] + col[None, :])[inside]]
    return np.ascontiguousarray(mat.view("<u8").T)


def name_lanes(names: Iterable[str]) -> np.ndarray:
    """Both lanes of each name's hash, shape (2, K) uint64."""
    out = [[_name_lane(n, lane) for n in names] for lane in (0, 1)]
    return np.array(out, dtype=np.uint64).reshape(2, -1)


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``P`` of each (a, b): lanes of model names in, lanes out."""
    p = np.empty(a.shape, dtype=np.uint64)
    p[:] = np.array(SEEDS, dtype=np.uint64)[:, None]
    tmp = np.empty_like(p)
    for part in (a, b):
        p ^= part
        _mix_np(p, tmp)
    return p


def limb_sums(lanes: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Exact sums of the votes' 32-bit limbs per group, shape (n_groups, 4) uint64.

    Float64 sums stay exact up to 2**21 rows a call; the caller adds calls in uint64.
    """
    out = np.zeros((n_groups, LIMBS), dtype=np.uint64)
    halves = np.ascontiguousarray(lanes).view(np.uint32)  # little endian: low, high
    for lo in range(0, lanes.shape[1], 1 << 20):
        sl = slice(2 * lo, 2 * lo + (1 << 21))
        g = group[lo : lo + (1 << 20)]
        for lane in (0, 1):
            for j, half in enumerate((1, 0)):  # most significant first
                limb = halves[lane, sl][half::2]
                s = np.bincount(g, weights=limb, minlength=n_groups)
                out[:, 2 * lane + j] += s.astype(np.uint64)
    return out


def limbs_to_int(sums: np.ndarray) -> int:
    """Sum modulo 2**128 of the values whose limbs were summed into ``sums``."""
    total = 0
    limbs = np.asarray(sums, dtype=np.uint64).reshape(-1, LIMBS).sum(axis=0, dtype=np.uint64)
    for j, s in enumerate(limbs.tolist()):
        total += int(s) << (32 * (LIMBS - 1 - j))
    return total % MODULUS


class PairSums:
    """Running limb sums of the counted votes' values per unordered model pair.

    Fed a batch at a time with global model ids (handed out in order of first
    appearance); names are hashed once each, and the (a, b) part of a vote's value
    is a table lookup while there are at most :attr:`DENSE_MAX` models.
    """

    DENSE_MAX = 512  # models: beyond, pairs are kept sparse

    def __init__(self) -> None:
        self.names: list[str] = []
        self.lanes = np.zeros((2, 0), dtype=np.uint64)
        self.winners = name_lanes([w.value for w in Winner])
        self.table: np.ndarray | None = None
        self.cap = 0
        self.dense = np.zeros((0, LIMBS), dtype=np.uint64)
        self.sparse: list[tuple[np.ndarray, np.ndarray]] = []

    def _names(self, names: list[str]) -> None:
        if len(names) > len(self.names):
            new = names[len(self.names) :]
            self.lanes = np.concatenate([self.lanes, name_lanes(new)], axis=1)
            self.names = list(names)
            self.table = None

    def values(self, h: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
        """The votes' values as two lanes, shape (2, N)."""
        k = self.lanes.shape[1]
        if k > self.DENSE_MAX:
            p = _pairs(self.lanes[:, a], self.lanes[:, b])
        else:
            if self.table is None:
                ca, cb = np.divmod(np.arange(k * k), k)
                self.table = _pairs(self.lanes[:, ca], self.lanes[:, cb])
            cell = a.astype(np.int32) * np.int32(k) + b  # int32: NumPy's faster take
            p = np.empty((2, cell.size), dtype=np.uint64)
            p[0] = self.table[0].take(cell)
            p[1] = self.table[1].take(cell)
        p ^= h
        p ^= self.winners[:, w]
        _mix_np(p, np.empty_like(p))
        return p

    def add(
        self, names: list[str], h: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray,
        sign: int = 1,
    ) -> None:  # fmt: skip
        """Add (or, with ``sign=-1``, take away) votes: id hash lanes, model ids, winner codes."""
        self._names(names)
        if not a.size:
            return
        lanes = self.values(h, a, b, w)
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        k = len(self.names)
        if k <= self.DENSE_MAX:
            if k > self.cap:
                self._grow(k)
            sums = limb_sums(lanes, lo * self.cap + hi, self.cap * self.cap)
            self.dense += sums if sign > 0 else (np.uint64(0) - sums)
        else:
            keys, inverse = np.unique(lo * (1 << 32) + hi, return_inverse=True)
            sums = limb_sums(lanes, inverse, keys.size)
            self.sparse.append((keys, sums if sign > 0 else (np.uint64(0) - sums)))

    def _grow(self, k: int) -> None:
        cap = max(k, 2 * self.cap, 16)
        grown = np.zeros((cap, cap, LIMBS), dtype=np.uint64)
        grown[: self.cap, : self.cap] = self.dense.reshape(self.cap, self.cap, LIMBS)
        self.dense = grown.reshape(cap * cap, LIMBS)
        self.cap = cap

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lower id, higher id, limb sums) of every pair with votes (global ids)."""
        keys = [np.flatnonzero(self.dense.any(axis=1))]
        lo, hi = keys[0] // max(self.cap, 1), keys[0] % max(self.cap, 1)
        sums = [self.dense[keys[0]]]
        if self.sparse:
            all_keys = np.concatenate([k for k, _ in self.sparse])
            uniq, inverse = np.unique(all_keys, return_inverse=True)
            merged = np.zeros((uniq.size, LIMBS), dtype=np.uint64)
            np.add.at(merged, inverse, np.concatenate([s for _, s in self.sparse]))
            lo, hi = np.concatenate([lo, uniq >> 32]), np.concatenate([hi, uniq & 0xFFFFFFFF])
            sums.append(merged)
        return lo, hi, np.concatenate(sums)
