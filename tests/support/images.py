"""Image bytes the tests upload: made here with Pillow, never downloaded."""

from __future__ import annotations

import io
import struct
import zlib

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


# Metadata that must not survive re-encoding, each holding its own marker bytes.
XMP_MARKER = b"MARKER-XMP-creator-tool"
EXIF_MARKER = b"MARKER-EXIF-camera"
C2PA_MARKER = b"MARKER-C2PA-manifest"
METADATA_MARKERS = (XMP_MARKER, EXIF_MARKER, C2PA_MARKER)
_XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="' + XMP_MARKER + b'"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _picture(fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format=fmt, **options)
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0131] = EXIF_MARKER.decode()
    return exif


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_metadata() -> bytes:
    """A JPEG with EXIF (APP1), XMP (APP1, Adobe's namespace) and C2PA (APP11 JUMBF)."""
    data = _picture("JPEG", exif=_exif())
    xmp = _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + _XMP_PACKET)
    c2pa = _jpeg_segment(0xEB, b"JP\x00\x00\x00\x00\x00\x01jumbc2pa" + C2PA_MARKER)
    return data[:2] + xmp + c2pa + data[2:]


def webp_with_metadata() -> bytes:
    """A WebP with EXIF and XMP chunks (Pillow writes both into the RIFF container)."""
    return _picture("WEBP", exif=_exif(), xmp=_XMP_PACKET, lossless=True)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_with_metadata() -> bytes:
    """A PNG with an iTXt XMP chunk, an eXIf chunk and a C2PA manifest (caBX)."""
    data = _picture("PNG")
    itxt = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + _XMP_PACKET
    exif = _exif().tobytes()
    chunks = (
        _png_chunk(b"iTXt", itxt)
        + _png_chunk(b"eXIf", exif)
        + _png_chunk(b"caBX", b"jumbc2pa" + C2PA_MARKER)
    )
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunks + data[end:]
