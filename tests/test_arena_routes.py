"""An arena's own routes live in one module of ``web/routes/arenas/`` and need no other edit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi import APIRouter

from arena.web.routes import arenas


def test_a_module_with_a_router_is_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zz_probe_arena.py").write_text(
        "from fastapi import APIRouter\nrouter = APIRouter(prefix='/api/v1/probe')\n"
        "@router.get('/ping')\ndef ping() -> dict[str, str]:\n    return {'pong': 'yes'}\n"
    )
    monkeypatch.setattr(arenas, "__path__", [*arenas.__path__, str(tmp_path)])
    try:
        routers = arenas.arena_routers()
    finally:
        sys.modules.pop(f"{arenas.__name__}.zz_probe_arena", None)
    assert all(isinstance(r, APIRouter) for r in routers)
    assert "/api/v1/probe/ping" in [route.path for r in routers for route in r.routes]
