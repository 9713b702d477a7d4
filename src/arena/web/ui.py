"""Serving the built React app. The build lives in ``web/static`` (made by ``npm run build``
in ``ui/``); without it, ``/`` explains how to build it instead of failing obscurely."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

MISSING_UI = """<!doctype html><meta charset="utf-8"><title>Arena</title>
<h1>Arena is running, but its web UI has not been built.</h1>
<p>Build it with <code>bash scripts/install.sh</code>
(or <code>cd ui && npm ci && npm run build</code>), then reload.
The JSON API is at <a href="/docs">/docs</a>.</p>"""


def mount_ui(app: FastAPI, static: Path) -> None:
    index = static / "index.html"

    @app.get("/", include_in_schema=False, response_model=None)
    async def home() -> FileResponse | HTMLResponse:
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(MISSING_UI, status_code=503)

    assets = static / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
