"""Exact rules, where a rule is better than a classifier: code and LaTeX are unambiguous."""

from __future__ import annotations

import re

CODE = re.compile(
    r"```|^\s*(def |class \w+|import \w|from \S+ import |#include|public static|"
    r"function\s*\w*\(|SELECT .+ FROM |const \w+ = |let \w+ = |fn \w+\(|console\.log\()",
    re.MULTILINE | re.IGNORECASE,
)
LATEX = re.compile(
    r"\$[^$\n]*[\\^_=][^$\n]*\$|\\(frac|int|sum|sqrt|lim|mathbb|begin\{(equation|align))"
)
FENCE = re.compile(r"```.*?(```|$)", re.DOTALL)


def has_code(text: str) -> bool:
    return CODE.search(text) is not None


def has_latex(text: str) -> bool:
    return LATEX.search(text) is not None


def without_code(text: str) -> str:
    """The prose of a prompt: code says nothing about the asker's language."""
    return FENCE.sub(" ", text) if "```" in text else text
