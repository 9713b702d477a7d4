"""A fingerprint of a set of votes that anyone can recompute from released data.

Each vote hashes to a 256-bit number; the fingerprint is their sum modulo 2**256.
Addition makes it independent of row order and lets a running server update it as
votes arrive, without rescanning the votes it has already counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MODULUS = 1 << 256


def vote_hash(vote_id: str, model_a: str, model_b: str, winner: str) -> int:
    line = "\x1f".join((vote_id, model_a, model_b, winner)).encode()
    return int.from_bytes(hashlib.sha256(line).digest(), "big")


def add_votes(total: int, votes: Iterable[tuple[str, str, str, str]]) -> int:
    for vote in votes:
        total = (total + vote_hash(*vote)) % MODULUS
    return total


def digest_hex(total: int) -> str:
    return f"{total:064x}"
