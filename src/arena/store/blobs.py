"""Content-addressed storage for image bytes.

A blob's id is the SHA-256 of its bytes, so storing the same image twice costs
nothing and an id cannot name anything but those bytes. Images never go into the
database or the logs as base64; they live here. ``BlobStore`` is the seam an object
store (S3, GCS) would fill for several hosts; ``FileBlobStore`` is the embedded
default, one file per blob, written atomically (temp file, then rename).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

BLOB_ID = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def put(self, data: bytes, mime_type: str) -> str:
        """Store ``data``; return its id (SHA-256 hex)."""
        ...

    def get(self, blob_id: str) -> tuple[bytes, str] | None:
        """The bytes and MIME type, or ``None`` for an unknown or malformed id."""
        ...

    def mime_type(self, blob_id: str) -> str | None:
        """The MIME type of a stored blob without reading it; ``None`` if unknown."""
        ...


_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}
_MIME = {suffix: mime for mime, suffix in _SUFFIX.items()}


class FileBlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _folder(self, blob_id: str) -> Path:
        return self.root / blob_id[:2]

    def put(self, data: bytes, mime_type: str) -> str:
        blob_id = hashlib.sha256(data).hexdigest()
        suffix = _SUFFIX[mime_type]
        folder = self._folder(blob_id)
        target = folder / f"{blob_id}{suffix}"
        if target.exists():
            return blob_id
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return blob_id

    def _find(self, blob_id: str) -> tuple[Path, str] | None:
        if not BLOB_ID.match(blob_id):
            return None
        folder = self._folder(blob_id)
        for suffix, mime in _MIME.items():
            path = folder / f"{blob_id}{suffix}"
            if path.is_file():
                return path, mime
        return None

    def get(self, blob_id: str) -> tuple[bytes, str] | None:
        found = self._find(blob_id)
        return (found[0].read_bytes(), found[1]) if found is not None else None

    def mime_type(self, blob_id: str) -> str | None:
        found = self._find(blob_id)
        return found[1] if found is not None else None
