"""Personal data removal for public releases.

Invariant: what a release says about a person is replaced by a fixed
placeholder, never partially masked: e-mail addresses become ``[EMAIL]``,
phone numbers ``[PHONE]``, IPv4/IPv6 addresses ``[IP]``, street addresses
``[ADDRESS]`` (the forms :mod:`arena.data.addresses` knows), and the names a
user put in their profile ``[NAME]`` (whole words, case-insensitive). The
rules are regular expressions so the same text always scrubs the same way,
which keeps releases reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from arena.data.addresses import scrub_addresses

__all__ = ["Scrubber", "scrub_text"]

_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
# Not part of a longer dotted number ("1.2.3.4.5" is a version), but a full stop or any
# other punctuation may follow: "my IP is 10.0.0.5." ends a sentence.
_IPV4 = re.compile(rf"(?<!\d)(?<!\d\.)(?:{_OCTET}\.){{3}}{_OCTET}(?!\.?\d)")
# Likewise a colon may follow ("::1: refused"), unless another group does.
_V6_END = r"(?!\w|:[\w:])"
_IPV6 = re.compile(
    rf"(?<![\w:])(?:[0-9A-Fa-f]{{1,4}}:){{7}}[0-9A-Fa-f]{{1,4}}{_V6_END}"
    rf"|(?<![\w:])(?:[0-9A-Fa-f]{{1,4}}:){{1,6}}(?::[0-9A-Fa-f]{{1,4}}){{1,6}}{_V6_END}"
    rf"|(?<![\w:])(?:[0-9A-Fa-f]{{1,4}}:){{1,7}}:{_V6_END}"
    rf"|(?<![\w:])::(?:[0-9A-Fa-f]{{1,4}}:){{0,6}}[0-9A-Fa-f]{{1,4}}{_V6_END}"
)
# Digit groups joined by spaces, dots or dashes, optionally +country and (area).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w])"
)
_MIN_PHONE_DIGITS = 9  # fewer digits are dates, prices, versions


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    has_separator = any(c in " .-()+" for c in text)
    if digits >= _MIN_PHONE_DIGITS and (has_separator or digits >= 10):
        return "[PHONE]"
    return text


def scrub_text(text: str, names: Sequence[str] = ()) -> str:
    """Replace e-mails, IPs, street addresses, phone numbers and the given names in ``text``."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IPV6.sub("[IP]", text)
    text = _IPV4.sub("[IP]", text)
    # Before phones: a ZIP+4 code ("94043-1351") would otherwise read as a phone number.
    text = scrub_addresses(text)
    text = _PHONE.sub(_phone, text)
    for pattern in _name_patterns(names):
        text = pattern.sub("[NAME]", text)
    return text


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Longest names first, so "Ada Lovelace" goes before "Ada"."""
    words = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    return [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE) for w in words]


class Scrubber:
    """Scrubs texts of one release, knowing each user's profile names.

    ``names_by_user`` maps a user id to the names and e-mail they gave; a full
    name also contributes its parts ("Ada Lovelace" -> "Ada", "Lovelace").
    """

    def __init__(self, names_by_user: dict[str, list[str]] | None = None) -> None:
        self._names: dict[str, list[str]] = {}
        for user, names in (names_by_user or {}).items():
            expanded = set()
            for name in names:
                if not name:
                    continue
                expanded.add(name)
                if "@" not in name:
                    expanded.update(part for part in name.split() if len(part) >= 3)
            self._names[user] = sorted(expanded)

    def __call__(self, text: str, user_id: str | None) -> str:
        names = self._names.get(user_id, ()) if user_id else ()
        return scrub_text(text, names)
