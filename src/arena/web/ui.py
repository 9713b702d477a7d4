"""Serving the built React app. The build lives in ``web/static`` (made by ``npm run build``
in ``ui/``); without it, ``/`` explains how to build it instead of failing obscurely."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from arena.web.edge import CSP
from arena.web.state import app_state

MISSING_UI = """<!doctype html><meta charset="utf-8"><title>Arena</title>
<h1>Arena is running, but its web UI has not been built.</h1>
<p>Build it with <code>bash scripts/install.sh</code>
(or <code>cd ui && npm ci && npm run build</code>), then reload.
The JSON API is at <a href="/docs">/docs</a>.</p>"""


def page_headers(request: Request) -> dict[str, str]:
    """The page may frame only WebDev previews: a sandboxed app that navigates its own frame
    (the one way out that ``connect-src 'none'`` leaves it) can go nowhere else, not to
    another host and not to another path of Arena's."""
    base = app_state(request).settings.public_base
    if base is None:  # only this response's own browser sees the origin it asked for
        base = f"{request.url.scheme}://{request.url.netloc}"
    return {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": f"{CSP}; frame-src {base}/api/v1/battles/",
    }


def mount_ui(app: FastAPI, static: Path) -> None:
    index = static / "index.html"

    @app.get("/", include_in_schema=False, response_model=None)
    async def home(request: Request) -> FileResponse | HTMLResponse:
        if index.is_file():
            return FileResponse(index, headers=page_headers(request))
        return HTMLResponse(MISSING_UI, status_code=503)

    assets = static / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
