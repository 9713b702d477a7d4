"""A fresh install offers only arenas its built-in models can serve (issue 33).

``bench/webdev_render.py`` measured the built-in models on 20 app prompts: none renders
the bar (half of them), so none lists ``webdev`` and a fresh install offers no WebDev arena.
"""

from __future__ import annotations

from arena.registry import load_registry
from arena.vocabulary import Arena


def test_built_in_models_list_only_the_arenas_they_pass() -> None:
    models = load_registry().models
    assert models and all(m.serves(Arena.text) for m in models)
    assert [m.name for m in models if m.serves(Arena.webdev)] == []
