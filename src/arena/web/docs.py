"""``/docs``: Swagger UI served from this server, under the same Content-Security-Policy as
every other answer. FastAPI's own page loads Swagger UI from a CDN and starts it with an
inline script; here the assets come from the ``fastapi-offline`` wheel (Swagger UI 5, its
``swagger-ui-bundle.js`` 1.5 MB and ``swagger-ui.css`` 0.2 MB, served only when asked for)
and the starter is a file of Arena's own. ReDoc is not served (``/redoc`` is 404).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["mount_docs"]

ASSETS = "/docs/assets"
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Arena API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""


def _swagger_dir() -> Path | None:
    try:
        return Path(str(resources.files("fastapi_offline") / "static"))
    except ModuleNotFoundError:
        return None


def mount_docs(app: FastAPI) -> None:
    """Add ``/docs``; without the assets (a trimmed install) it says so instead."""
    static = _swagger_dir()
    init = Path(str(resources.files("arena.web") / "docs_assets" / "init.js"))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if static is None:
            return HTMLResponse("Swagger UI is not installed; see /openapi.json.", 503)
        return HTMLResponse(PAGE)

    @app.get("/docs/init.js", include_in_schema=False)
    async def docs_init() -> FileResponse:
        return FileResponse(init, media_type="text/javascript")

    if static is not None and static.is_dir():
        app.mount(ASSETS, StaticFiles(directory=static), name="docs-assets")
