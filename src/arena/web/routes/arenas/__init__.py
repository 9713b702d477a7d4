"""HTTP routes that belong to one arena (a video's file, a code project's snapshot).

An arena that needs routes of its own adds one module here with a module-level
``router`` (a FastAPI ``APIRouter``); the app includes every such router, so adding an
arena's routes edits no shared file. Routes common to all arenas stay in ``routes/``.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def arena_routers() -> list[APIRouter]:
    """Every ``router`` defined by a module of this package, in module-name order."""
    routers = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers
