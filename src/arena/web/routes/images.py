"""Image upload and download: the only way image bytes enter or leave Arena.

An upload is cleaned (``arena.images.sanitize``) before anything is stored, so a
stored image never carries its source's metadata; a download serves only what the
blob store holds, under a content-hash id, with headers that stop a browser from
reading it as anything but an image.
"""

from __future__ import annotations

import asyncio
import os

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import Response

from arena.errors import NotFound, TooLarge
from arena.images.sanitize import clean_image
from arena.store.blobs import BlobStore
from arena.web.deps import ModeratorDep, SettingsDep
from arena.web.ratelimit import limit_uploads
from arena.web.schemas import ImageStored, error_responses
from arena.web.state import app_state

router = APIRouter(prefix="/api/v1/images", tags=["images"])

CLEANING_SLOTS = max(1, min(4, os.cpu_count() or 1))
"""Images decoded at once per worker: one per core, as decoding is CPU-bound."""
IMAGE_HEADERS = {
    # The id is the hash of the bytes, so the bytes behind a URL never change.
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


async def _blobs(request: Request) -> BlobStore:
    return app_state(request).images


def _cleaning_slots(request: Request) -> asyncio.Semaphore:
    return app_state(request).image_slots


@router.post(
    "",
    status_code=201,
    response_model=ImageStored,
    responses=error_responses(413, 422, 429, 503),
    dependencies=[Depends(limit_uploads)],
)
async def upload_image(
    request: Request,
    file: UploadFile,
    settings: SettingsDep,
    moderator: ModeratorDep,
    blobs: BlobStore = Depends(_blobs),  # noqa: B008
) -> ImageStored:
    limit = settings.image_max_bytes
    raw = await file.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(f"the image is larger than {limit // (1024 * 1024)} MB")
    # Decoding takes tens to hundreds of milliseconds and tens of MB: off the event loop,
    # and a few at a time, so a burst of uploads queues instead of exhausting memory.
    async with _cleaning_slots(request):
        image = await asyncio.to_thread(
            clean_image, raw, max_side=settings.image_max_side, max_bytes=limit
        )
    await moderator.enforce_image(image.data, image.mime_type)
    image_id = await asyncio.to_thread(blobs.put, image.data, image.mime_type)
    return ImageStored(image_id=image_id, width=image.width, height=image.height)


@router.get(
    "/{image_id}", responses={200: {"content": {"image/png": {}}}, **error_responses(404, 422)}
)
async def get_image(image_id: str, blobs: BlobStore = Depends(_blobs)) -> Response:  # noqa: B008
    found = await asyncio.to_thread(blobs.get, image_id)
    if found is None:
        raise NotFound("image not found")
    data, mime = found
    return Response(data, media_type=mime, headers=IMAGE_HEADERS)
