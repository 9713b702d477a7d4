"""Turn untrusted image bytes into a clean image, or refuse them.

Invariant: what leaves this module was decoded by Pillow and encoded anew, so no
byte of the original container survives. That is what strips EXIF (GPS positions
in a user's photo), PNG text chunks, XMP and C2PA manifests (a generator's name in
a model's picture, which would break anonymity), and what turns a polyglot file
into a plain image. The declared type is never trusted: the decoder decides.

Pillow is imported inside the functions: the CLI and the app's start-up never pay
for it unless an image arrives.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from arena.errors import InvalidInput, TooLarge

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_SOURCE_PIXELS = 50_000_000
"""Refused before decoding: a 12-megapixel photo fits four times, a decompression bomb does
not."""
DEFAULT_MAX_SIDE = 1024


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    mime_type: str
    width: int
    height: int


def clean_image(
    raw: bytes, *, max_side: int = DEFAULT_MAX_SIDE, max_bytes: int = MAX_UPLOAD_BYTES
) -> CleanImage:
    """Decode, orient, downscale and re-encode ``raw``; refuse anything else with a reason."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not raw:
        raise InvalidInput("the file is empty")
    if len(raw) > max_bytes:
        raise TooLarge(f"the image is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise InvalidInput("the image must be PNG, JPEG, WebP or GIF")
            # The header's size is known before any pixel is decoded: refuse bombs here.
            if probe.width * probe.height > MAX_SOURCE_PIXELS:
                raise InvalidInput("the image has too many pixels")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as source:
            if fmt == "JPEG":
                # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 while decoding, never below
                # the target: a 12 MP photo then costs a quarter of the memory and time.
                source.draft("RGB", _draft_box(source.size, max_side))
            source.load()
            image = ImageOps.exif_transpose(source) or source
            image = _flatten_mode(image)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            return _encode(image, keep_lossless=fmt in {"PNG", "GIF"} or _has_alpha(image))
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise InvalidInput("the image has too many pixels") from None
    except UnidentifiedImageError:
        raise InvalidInput("the file is not an image Arena can read") from None
    except (OSError, SyntaxError, ValueError):
        # Truncated or corrupt data surfaces as any of these, depending on the codec.
        raise InvalidInput("the image is damaged or truncated") from None


def _draft_box(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The smallest decode size that still downscales to ``max_side`` on the long side."""
    width, height = size
    scale = max_side / max(width, height)
    if scale >= 1:
        return size
    return (max(1, int(width * scale)), max(1, int(height * scale)))


def _has_alpha(image: object) -> bool:
    return getattr(image, "mode", "") in {"RGBA", "LA"}


def _flatten_mode(image: object) -> object:
    """One frame, in a mode both encoders take; palette transparency becomes an alpha channel."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
        image = image.copy()
    if image.mode in {"RGB", "RGBA", "L", "LA"}:
        return image
    if image.mode == "P" and "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in {"I;16", "I", "F"}:
        return image.convert("L")
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def _encode(image: object, *, keep_lossless: bool) -> CleanImage:
    from PIL import Image

    assert isinstance(image, Image.Image)
    out = io.BytesIO()
    if keep_lossless:
        # No ``pnginfo`` and no ``exif``: the new file carries pixels only.
        image.save(out, format="PNG", optimize=False)
        mime = "image/png"
    else:
        image.save(out, format="JPEG", quality=90, optimize=True)
        mime = "image/jpeg"
    return CleanImage(out.getvalue(), mime, image.width, image.height)
