"""The device cookie: this browser signed in to an account before.

Why: failed sign-ins are limited per account over all addresses together, which stops
guessing spread over many addresses; but a limit anyone can run out is a lock anyone
can turn (issue 31). A browser that once signed in to the account carries
``arena_device``, and past the account's limit it may still try, under a limit of its
own; every other browser waits.

The value is a random device id, then ``.<tag>`` per account signed in from it (at most
``MAX_ACCOUNTS``), where tag = HMAC-SHA256(server secret, id and username), 32 hex
digits: the server keeps nothing, the cookie names no account, and a tag cannot be
made without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from arena.web.cookies import cookie_header

__all__ = ["COOKIE_NAME", "Device", "device_cookie", "read_device"]

COOKIE_NAME = "arena_device"
MAX_ACCOUNTS = 8
MAX_AGE_S = 400 * 24 * 3600  # the longest lifetime browsers honour
_VALUE = re.compile(rf"([A-Za-z0-9_-]{{43}})((?:\.[0-9a-f]{{32}}){{0,{MAX_ACCOUNTS}}})")


class Device:
    """A browser's device id and the account tags it holds."""

    def __init__(self, device_id: str, tags: list[str]) -> None:
        self.device_id = device_id
        self.tags = tags

    def knows(self, secret: str, username: str) -> bool:
        mine = _tag(secret, self.device_id, username)
        return any(hmac.compare_digest(mine, tag) for tag in self.tags)


def _tag(secret: str, device_id: str, username: str) -> str:
    message = f"device:{device_id}:{username}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def read_device(headers: list[tuple[bytes, bytes]]) -> Device | None:
    """The request's device cookie; malformed counts as none."""
    prefix = COOKIE_NAME.encode() + b"="
    for header, value in headers:
        if header != b"cookie":
            continue
        for part in value.split(b";"):
            part = part.strip()
            if part.startswith(prefix):
                found = _VALUE.fullmatch(part[len(prefix) :].decode("latin-1"))
                if found:
                    return Device(found[1], [t for t in found[2].split(".") if t])
    return None


def device_cookie(secret: str, device: Device | None, username: str, https: bool) -> str:
    """The Set-Cookie value after a successful sign-in to ``username`` on this browser."""
    device_id = device.device_id if device else secrets.token_urlsafe(32)
    tag = _tag(secret, device_id, username)
    tags = [t for t in (device.tags if device else []) if t != tag] + [tag]
    value = device_id + "".join(f".{t}" for t in tags[-MAX_ACCOUNTS:])
    return cookie_header(COOKIE_NAME, value, MAX_AGE_S, https)
