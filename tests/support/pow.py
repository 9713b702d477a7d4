"""Solving an ALTCHA v1 proof-of-work challenge in tests, as the web UI does."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any


def solve(challenge: dict[str, Any]) -> str:
    """What the web UI does with Web Crypto: find n with sha256(salt + n) == challenge."""
    for n in range(challenge["maxNumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            payload = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
            return base64.b64encode(json.dumps({**payload, "number": n}).encode()).decode()
    raise AssertionError("unsolvable challenge")
