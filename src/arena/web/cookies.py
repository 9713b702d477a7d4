"""Reading and writing Arena's own cookies: one parser and one Set-Cookie format for all.

Both cookies (the client's and the signed-in session's) hold a ``secrets.token_urlsafe(32)``
token; anything else in the header counts as no cookie, so a forged or mangled value is
never looked up.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
"""What ``secrets.token_urlsafe(32)`` makes."""


def read_token(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    """The token of cookie ``name`` from the Cookie header(s); malformed counts as none."""
    prefix = name.encode() + b"="
    for header, value in headers:
        if header != b"cookie":
            continue
        for part in value.split(b";"):
            part = part.strip()
            if part.startswith(prefix):
                token = part[len(prefix) :].decode("latin-1")
                if TOKEN.fullmatch(token):
                    return token
    return None


def cookie_header(name: str, token: str, max_age_s: int, https: bool) -> str:
    """The Set-Cookie value: HTTP-only, SameSite=Lax, Secure over HTTPS."""
    secure = "; Secure" if https else ""
    return f"{name}={token}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{secure}"
