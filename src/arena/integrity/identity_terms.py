"""Who a model is, in the form a reply is matched in: its deployed names and the terms it
could call itself by (aliases, organization, its family's makers and products).

Apart from the self-reference rules (``arena.integrity.identity``) because the registry,
the arenas and the validity check build identities without needing those rules, and the
spelling rules here (``normalize``, ``term_regex``) are shared by every matcher.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from arena.integrity.model_families import DESCRIPTOR_WORDS, FAMILIES, LEGAL_SUFFIXES

__all__ = [
    "CYR",
    "LETTER",
    "WORD_CHAR",
    "ModelIdentity",
    "compact",
    "families_of",
    "identity_from",
    "identity_of",
    "normalize",
    "term_regex",
    "term_union",
]

# ---------------------------------------------------------------- normalisation

# Soft hyphen, Mongolian vowel separator, zero-width (non-)joiners and spaces, direction
# marks, word joiner and invisible operators, byte-order mark, combining grapheme joiner.
_INVISIBLE = dict.fromkeys(
    [0xAD, 0x180E, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF, 0x34F]
)
_EMPHASIS = re.compile(r"[*_`~]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\uff07": "'"})
_SPACES = re.compile(r"[^\S\n]+")


def normalize(text: str) -> str:
    """The form both replies and names are matched in.

    NFKC folds full-width and compatibility letters ("ＧＰＴ" -> "GPT"); casefold handles
    case (also "ß"); zero-width characters and Markdown emphasis (``**GPT**-**4**``) are
    dropped so they cannot split a name; dashes and apostrophes get one spelling each.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _EMPHASIS.sub("", text)
    text = _DASHES.sub("-", text).translate(_QUOTES)
    return _SPACES.sub(" ", text.casefold())


# ---------------------------------------------------------------- names and terms

LETTER = r"0-9a-z\u00c0-\u024f"  # Latin letters and digits (after casefold)
CYR = r"\u0400-\u04ff"
WORD_CHAR = f"[{LETTER}{CYR}]"
_PART = re.compile(rf"[a-z\u00c0-\u024f]+|[0-9]+|[{CYR}]+|[^\W\d_a-z\u00c0-\u024f{CYR}]+")
_SEP = r"[\s\-_.·/]?"


def _parts(term: str) -> list[str]:
    """Split "GPT-4o" into ["gpt", "4", "o"]: letters, digits, other scripts; no separators."""
    return _PART.findall(normalize(term))


def compact(term: str) -> str:
    return "".join(_parts(term))


def term_regex(term: str, *, exact: bool) -> str:
    """A term matched with or without the separators between its parts.

    Latin and Cyrillic terms must start at a word boundary; family words may be followed
    by a version ("Qwen2.5", "GPT4o"), exact names may not. Cyrillic terms may carry a
    short case ending ("Сбера").
    """
    parts = _parts(term)
    body = _SEP.join(re.escape(p) for p in parts)
    first, last = parts[0][0], parts[-1][-1]
    head = f"(?<!{WORD_CHAR})" if re.match(WORD_CHAR, first) else ""
    if re.match(f"[{CYR}]", last):
        tail = f"[{CYR}]{{0,3}}(?![{CYR}])"
    elif re.match(WORD_CHAR, last):
        tail = f"(?!{WORD_CHAR})" if exact else rf"(?![a-z\u00c0-\u024f{CYR}])"
    else:
        tail = ""
    return head + body + tail


def term_union(patterns: list[str]) -> str:
    """Alternatives sharing the word-start guard test it once per position, not per term."""
    guard = f"(?<!{WORD_CHAR})"
    guarded = [p[len(guard) :] for p in patterns if p.startswith(guard)]
    others = [p for p in patterns if not p.startswith(guard)]
    parts = ([f"{guard}(?:{'|'.join(guarded)})"] if guarded else []) + others
    return "|".join(parts)


def _org_words(organization: str) -> list[str]:
    """Organization words without legal suffixes: "OpenAI, Inc." -> ["openai"]."""
    words = re.findall(r"[^\s,()]+", normalize(organization))
    words = [w.strip(".") for w in words if w.strip(".")]
    while words and words[-1].replace(".", "") in LEGAL_SUFFIXES:
        words.pop()
    return words


def _spans(words: list[str]) -> set[str]:
    return {
        "".join(compact(w) for w in words[i:j])
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    }


@lru_cache(maxsize=1)
def _family_index() -> dict[str, str]:
    """Compact maker/product spelling -> family key."""
    index: dict[str, str] = {}
    for key, family in FAMILIES.items():
        for term in (*family.makers, *family.products):
            index.setdefault(compact(term), key)
    return index


def families_of(*labels: str) -> set[str]:
    """The families a registry entry belongs to, from its organization, names and aliases."""
    index = _family_index()
    found: set[str] = set()
    for label in labels:
        words = _org_words(label) if label else []
        pieces = [p for w in words for p in _parts(w)]
        for span in _spans(words) | _spans(pieces):
            if span in index:
                found.add(index[span])
    return found


@dataclass(frozen=True, slots=True)
class ModelIdentity:
    """What a model could call itself: exact deployed names and identity terms."""

    names: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.names and not self.terms


def _specific(name: str) -> bool:
    """A deployed name worth matching anywhere: several parts, not a bare family word."""
    parts = _parts(name)
    return len(parts) >= 2 and len("".join(parts)) >= 5


def identity_of(
    name: str,
    organization: str = "unknown",
    aliases: Iterable[str] = (),
    codename: str | None = None,
    model_id: str | None = None,
) -> ModelIdentity:
    """Build the identity of a registry entry (its fields as in ``ModelSpec``)."""
    return _identity(name, organization, tuple(aliases), codename, model_id)


@lru_cache(maxsize=1024)
def _identity(
    name: str,
    organization: str,
    aliases_given: tuple[str, ...],
    codename: str | None,
    model_id: str | None,
) -> ModelIdentity:
    aliases = [a for a in aliases_given if a and a.strip()]
    org = "" if normalize(organization).strip() in ("", "unknown") else organization
    names = tuple(sorted({n for n in (name, codename) if n and _specific(n)}))
    terms: set[str] = set(aliases)
    words = _org_words(org)
    if words:
        terms.add(" ".join(words))
        core = [w for w in words if w not in DESCRIPTOR_WORDS]
        if core and core != words and len(compact(" ".join(core))) >= 3:
            terms.add(" ".join(core))
    for key in families_of(org, name, model_id or "", *aliases):
        family = FAMILIES[key]
        terms.update(family.makers)
        terms.update(family.products)
    terms.update(n for n in (name, codename) if n)
    kept = tuple(sorted(t for t in terms if len(compact(t)) >= 2))
    return ModelIdentity(names=names, terms=kept)


def identity_from(model: Any) -> ModelIdentity:
    if isinstance(model, ModelIdentity):
        return model
    get = model.get if isinstance(model, dict) else lambda k, d=None: getattr(model, k, d)
    return identity_of(
        get("name", "") or "",
        get("organization", "unknown") or "unknown",
        tuple(get("aliases", ()) or ()),
        get("codename", None),
        get("model", None),
    )
