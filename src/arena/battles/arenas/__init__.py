"""The registry of arenas: one object per arena name, each in its own module.

Adding an arena: its name in ``arena.vocabulary.Arena`` (with the kinds of model that
serve it), a module here whose ``ARENA`` implements the hooks of
``arena.battles.arenas.base.ArenaPlugin`` where it differs, one line below, and its
component in the UI's registry (``ui/src/arenas/``). The service, the routes and the
exporter ask ``arena_plugin(name)``; none of them names an arena.
"""

from __future__ import annotations

from arena.battles.arenas import image_edit, search, text, text_to_image, vision, webdev
from arena.battles.arenas.base import ArenaPlugin, TurnInput
from arena.vocabulary import Arena

__all__ = ["ARENAS", "ArenaPlugin", "TurnInput", "arena_plugin"]

ARENAS: dict[Arena, ArenaPlugin] = {
    plugin.name: plugin
    for plugin in (
        text.ARENA,
        vision.ARENA,
        text_to_image.ARENA,
        image_edit.ARENA,
        webdev.ARENA,
        search.ARENA,
    )
}


def arena_plugin(arena: str) -> ArenaPlugin:
    """The object of an arena by its name (an ``Arena`` or its string value)."""
    return ARENAS[Arena.parse(arena)]
