"""The pictures a battle handles: the voter's upload and the ones models make.

A model's picture is cleaned before it is stored (its metadata can name the model)
and kept in the blob store by content; messages carry only ids, and the published
shape's typed parts (``{"type": "image", "image": id, "mimeType": ...}``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from arena.errors import ArenaError, InvalidInput, ProviderError
from arena.images.sanitize import clean_image
from arena.providers.base import ImageInput
from arena.store.blobs import BlobStore

MAX_GENERATED_BYTES = 20 * 1024 * 1024


class BattlePictures:
    def __init__(self, images: BlobStore | None) -> None:
        self.images = images

    def load(self, image_id: str) -> ImageInput:
        found = self.images.get(image_id) if self.images is not None else None
        if found is None:
            raise InvalidInput("unknown image; upload it first with POST /api/v1/images")
        return ImageInput(*found)

    def parts(self, text: str, image_ids: Sequence[str]) -> list[dict[str, Any]] | None:
        """Typed content parts (the published shape) for a message with images; ``None``
        for plain text, which the store keeps as ``content`` alone."""
        if not image_ids:
            return None
        parts: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
        for image_id in image_ids:
            mime = self.images.mime_type(image_id) if self.images is not None else None
            parts.append({"type": "image", "image": image_id, "mimeType": mime or "image/png"})
        return parts

    def keep(self, image: ImageInput) -> str:
        """Clean a model's picture (its metadata can name the model) and store it."""
        if self.images is None:
            raise ProviderError("this server stores no images")
        try:
            clean = clean_image(image.data, max_bytes=MAX_GENERATED_BYTES)
        except ArenaError as exc:
            raise ProviderError(f"unusable image from the model: {exc}") from None
        return self.images.put(clean.data, clean.mime_type)
