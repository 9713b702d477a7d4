"""Image bytes the tests upload: made here with Pillow, never downloaded."""

from __future__ import annotations

import io

from PIL import Image


def photo_with_exif(
    size: tuple[int, int], colour: tuple[int, int, int], fmt: str, camera: str
) -> bytes:
    """A plain picture that carries EXIF naming its camera (``Software``), as phones write."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0131] = camera
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()
