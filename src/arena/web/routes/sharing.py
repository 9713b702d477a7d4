"""Share links: share and revoke a battle (its owner only), read a shared battle, and the
``/s/<share_id>`` page that unfurls (Open Graph tags) and opens the UI's shared view."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from arena.battles.sharing import ShareLinks, describe, share_url
from arena.errors import NotFound
from arena.web.deps import RequesterDep
from arena.web.schemas import error_responses
from arena.web.state import app_state
from arena.web.ui import MISSING_UI, page_headers

router = APIRouter(tags=["sharing"])
ERRORS = error_responses(404, 409, 422)


async def _links(request: Request) -> ShareLinks:
    return ShareLinks(app_state(request).battles)


LinksDep = Annotated[ShareLinks, Depends(_links)]


@router.post("/api/v1/battles/{battle_id}/share", responses=ERRORS)
async def share_battle(battle_id: str, links: LinksDep, requester: RequesterDep) -> dict[str, str]:
    """Owner only; an anonymous battle after its vote. Sharing again gives the same link."""
    share_id = await links.share(battle_id, requester)
    return {"share_id": share_id, "url": share_url(share_id)}


@router.delete("/api/v1/battles/{battle_id}/share", status_code=204, responses=ERRORS)
async def revoke_share(battle_id: str, links: LinksDep, requester: RequesterDep) -> Response:
    await links.revoke(battle_id, requester)
    return Response(status_code=204)


@router.get("/api/v1/shared/{share_id}", responses=ERRORS)
async def shared_battle(share_id: str, links: LinksDep, response: Response) -> dict[str, Any]:
    """The read-only snapshot a share link shows; 404 once revoked. Not cached anywhere, so
    a revoke takes effect on the next request."""
    snapshot = await links.snapshot(share_id)
    response.headers["Cache-Control"] = "no-store"
    return snapshot


@router.get("/s/{share_id}", include_in_schema=False, response_class=HTMLResponse)
async def shared_page(share_id: str, links: LinksDep, request: Request) -> HTMLResponse:
    """The UI's page with the battle's Open Graph tags; the UI reads the id from the path.
    ``og:url`` is there only when ``ARENA_PUBLIC_URL`` says where Arena lives.

    A revoked or unknown link still gets the page (status 404, no tags), which says so.
    """
    index = Path(app_state(request).settings.static_path) / "index.html"
    if not index.is_file():
        return HTMLResponse(MISSING_UI, status_code=503)
    page = index.read_text(encoding="utf-8")
    headers = {**page_headers(request), "Cache-Control": "no-store"}
    try:
        snapshot = await links.snapshot(share_id)
    except NotFound:
        return HTMLResponse(page, status_code=404, headers=headers)
    title, description = describe(snapshot)
    # An absolute URL only from the configured public URL: the Host header is the client's
    # to write, and a page that echoed it would point crawlers (and caches) elsewhere.
    base = app_state(request).settings.public_base
    url = f"{base}{share_url(share_id)}" if base else None
    return HTMLResponse(_with_meta(page, title, description, url), headers=headers)


def _with_meta(page: str, title: str, description: str, url: str | None) -> str:
    tags = {
        "og:type": "article",
        "og:site_name": "Arena",
        "og:title": title,
        "og:description": description,
    }
    if url is not None:
        tags["og:url"] = url
    meta = "".join(
        f'<meta property="{key}" content="{html.escape(value, quote=True)}" />'
        for key, value in tags.items()
    )
    meta += (
        '<meta name="twitter:card" content="summary" />'
        f'<meta name="twitter:title" content="{html.escape(title, quote=True)}" />'
        f'<meta name="twitter:description" content="{html.escape(description, quote=True)}" />'
    )
    page = page.replace("<title>Arena</title>", f"<title>{html.escape(title)}</title>", 1)
    return page.replace("</head>", meta + "</head>", 1)
