"""WebDev previews: a model's app, served so that it cannot reach anything.

The response itself carries the sandbox: its Content-Security-Policy has
``sandbox allow-scripts`` (never ``allow-same-origin``), so even opened directly in a
tab the app runs in an opaque origin, without the app's cookies or storage, and
without pop-ups, forms, modals or top-level navigation. ``connect-src 'none'`` and no
external hosts anywhere mean no network; ``frame-ancestors 'self'`` means only Arena's
own page may frame it. Scripts and styles may only be inline: everything the app
needs (React, the TSX transpiler, Tailwind) is inlined from Arena's own built assets.
WebRTC, which no ``connect-src`` covers, is removed by the document's first script.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from arena.battles.webdev import preview_document
from arena.errors import Forbidden
from arena.web.deps import BattlesDep, RequesterDep, SettingsDep
from arena.web.schemas import STORE_INT_MAX, error_responses

router = APIRouter(prefix="/api/v1/battles", tags=["webdev"])

PREVIEW_CSP = "; ".join(
    [
        "sandbox allow-scripts",
        "default-src 'none'",
        "script-src 'unsafe-inline'",
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "media-src data: blob:",
        "connect-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-src 'none'",
        "child-src 'none'",
        "worker-src 'none'",
        "frame-ancestors 'self'",
        # CSP3's switch for WebRTC; browsers that lack it (Chromium) ignore it, and the
        # lockdown script in the document (battles/preview_lockdown.js) closes it there.
        "webrtc 'block'",
    ]
)
PREVIEW_HEADERS = {
    "Content-Security-Policy": PREVIEW_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}
Side = Literal["a", "b"]


class PreviewOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: int = Field(ge=1, le=STORE_INT_MAX)
    status: Literal["rendered", "error"]
    error: str | None = Field(default=None, max_length=2000)


@lru_cache(maxsize=4)
def _runtime(path: Path, mtime: float) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def runtime_js(static: Path) -> str | None:
    path = static / "preview" / "runtime.js"
    try:
        return _runtime(path, path.stat().st_mtime)
    except OSError:
        return None


@router.get(
    "/{battle_id}/preview/{side}",
    # Errors stay JSON like every other route's; only the document itself is HTML.
    responses={200: {"content": {"text/html": {}}}, **error_responses(403, 404, 422)},
    response_model=None,
)
async def preview(
    battle_id: str,
    side: Side,
    battles: BattlesDep,
    settings: SettingsDep,
    requester: RequesterDep,
    request: Request,
    turn: int | None = Query(None, ge=1, le=STORE_INT_MAX),
) -> HTMLResponse:
    """A WebDev side's app as one HTML document, once its turn is stored (owner only)."""
    _only_in_arenas_frame(request)
    _turn, app = await battles.previews.source(battle_id, side, turn, requester)
    runtime = (
        await asyncio.to_thread(runtime_js, settings.static_path) if app.kind == "react" else None
    )
    return HTMLResponse(preview_document(app, runtime), headers=PREVIEW_HEADERS)


def _only_in_arenas_frame(request: Request) -> None:
    """Browsers say where a response will go (``Sec-Fetch-Dest``) and who asked
    (``Sec-Fetch-Site``). Opened in a tab of its own, an app would be a top-level page
    free to navigate itself anywhere (only a frame's navigation is bound by the page's
    ``frame-src``), so a browser gets it only as a frame of Arena's own page. Clients
    that send neither header (API clients, tests) are not browsers and get the document;
    the same refusal for every id, so it tells nothing about a battle."""
    dest = request.headers.get("sec-fetch-dest")
    site = request.headers.get("sec-fetch-site")
    if (dest is not None and dest != "iframe") or (site is not None and site != "same-origin"):
        raise Forbidden("a preview opens only inside Arena's page, not in a tab of its own")


@router.post(
    "/{battle_id}/preview/{side}/outcome", status_code=204, responses=error_responses(404, 422)
)
async def preview_outcome(
    battle_id: str, side: Side, body: PreviewOutcome, battles: BattlesDep, requester: RequesterDep
) -> None:
    """What the voter's browser saw: the app rendered, or the error it threw (first report)."""
    await battles.previews.record(battle_id, side, body.turn, body.status, body.error, requester)
