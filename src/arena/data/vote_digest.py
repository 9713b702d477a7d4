"""A fingerprint of a set of votes that anyone can recompute from released data.

Each vote hashes to a 256-bit number (SHA-256 of ``id``, ``model_a``, ``model_b``
and ``winner`` joined by U+001F); the fingerprint is their sum modulo 2**256.
Addition makes it independent of row order and lets a running server update it as
votes arrive, without rescanning the votes it has already counted.

The column-wise path (:func:`row_limbs`) builds the joined lines in Arrow, hashes
them with one C call per vote, and sums the digests as 16-bit limbs in NumPy (float64
sums of 16-bit limbs stay exact up to 2**37 votes), so no Python integer or tuple
is made per vote; sums per model pair let a board fingerprint exactly the votes it
counted after dropping models.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from operator import methodcaller

import numpy as np

MODULUS = 1 << 256
LIMBS = 16  # 16-bit limbs per 256-bit digest, most significant first
SEP = "\x1f"


def vote_hash(vote_id: str, model_a: str, model_b: str, winner: str) -> int:
    line = SEP.join((vote_id, model_a, model_b, winner)).encode()
    return int.from_bytes(hashlib.sha256(line).digest(), "big")


def add_votes(total: int, votes: Iterable[tuple[str, str, str, str]]) -> int:
    for vote in votes:
        total = (total + vote_hash(*vote)) % MODULUS
    return total


def digest_hex(total: int) -> str:
    return f"{total:064x}"


_DIGEST = methodcaller("digest")


def row_limbs(vote_id, model_a, model_b, winner, chunk: int = 1 << 16) -> np.ndarray:
    """Each vote's hash as 16-bit limbs.

    Lines are joined in Arrow and hashed ``chunk`` rows at a time, so the Python
    objects alive at once are one chunk's (memory stays near 32 bytes a vote).

    Parameters
    ----------
    vote_id, model_a, model_b, winner : pyarrow arrays of strings, length N

    Returns
    -------
    np.ndarray of uint16, shape (N, 16)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = [
        pc.cast(pc.cast(c, pa.string()), pa.binary()) for c in (vote_id, model_a, model_b, winner)
    ]
    lines = pc.binary_join_element_wise(*cols, SEP.encode())
    n = len(lines)
    out = np.empty((n, 32), dtype=np.uint8)
    sha = hashlib.sha256
    for lo in range(0, n, chunk):
        part = lines.slice(lo, chunk).to_pylist()
        digests = b"".join(map(_DIGEST, map(sha, part)))
        out[lo : lo + len(part)] = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 32)
    return out.view(">u2").astype(np.uint16)


def limb_sums(limbs: np.ndarray, group: np.ndarray | None = None, n_groups: int = 1) -> np.ndarray:
    """Exact sums of limbs, overall or per group.

    Returns
    -------
    np.ndarray of float64, shape (n_groups, 16)
    """
    g = np.zeros(limbs.shape[0], dtype=np.int64) if group is None else group
    out = np.empty((n_groups, LIMBS))
    for j in range(LIMBS):
        out[:, j] = np.bincount(g, weights=limbs[:, j], minlength=n_groups)
    return out


def limbs_to_int(sums: np.ndarray) -> int:
    """Sum modulo 2**256 of the numbers whose 16-bit limbs were summed into ``sums``."""
    total = 0
    for j, s in enumerate(np.asarray(sums).reshape(-1, LIMBS).sum(axis=0).tolist()):
        total += round(s) << (16 * (LIMBS - 1 - j))
    return total % MODULUS
