"""Passwords: the policy a new one must meet, and Argon2 hashing through ``argon2-cffi``.

Why Argon2id with the library's defaults (RFC 9106 "low memory" profile): it is the
current recommendation for password storage, and ``argon2-cffi`` is maintained and
small. Hashing is slow on purpose (tens of ms), so callers run it on a worker thread.
An unknown user still costs one verification (against a fixed dummy hash), so the time
an answer takes does not tell whether a username exists.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from arena.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 256  # Argon2 takes any length; this only bounds the work a request can ask for
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.@+-]{2,63}")

_hasher = PasswordHasher()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    text = resources.files("arena.accounts").joinpath("common_passwords.txt").read_text()
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def normalize_username(username: str) -> str:
    """The stored form of a username (or e-mail): trimmed and lower-cased."""
    return username.strip().lower()


def check_username(username: str) -> str:
    name = normalize_username(username)
    if not USERNAME.fullmatch(name):
        raise InvalidInput(
            "a username has 3 to 64 characters: letters, digits and _ . @ + - "
            "(an e-mail address works)"
        )
    return name


def check_password(password: str, username: str) -> None:
    """Refuse a weak password with a message that says what to change."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password is too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password is too long: use at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in common_passwords():
        raise InvalidInput("that password is on a list of common passwords: choose another")
    if lowered == normalize_username(username):
        raise InvalidInput("the password must not be the username")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Verified against when the username is unknown; made once with the same parameters, so
# the first such request does not also pay for hashing.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$"
    "8ecSRzJzG3H6KSedWD7cIw$5G6LoZlOo0vJSfATF13tHweB1XxLqzLgfeqiRbpfNrA"
)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; with no stored hash, spends the same time and says no."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
