"""PNG image data passed into the PDF as it is, instead of decoded and compressed again (issue 20).

WeasyPrint 70 (``weasyprint/images.py``, ``RasterImage._get_png_data``) puts
every PNG into the PDF by decoding it with Pillow, saving it again as PNG and
keeping the IDAT chunks: on a chapter with 60 screenshots that is ≈ 0.15 s per
image, a quarter of the build. A PDF ``FlateDecode`` stream with ``Predictor``
15 (PDF 32000-1:2008, §7.4.4.4) holds exactly what a PNG's concatenated IDAT
chunks hold when the PNG is 8 bits per sample, not interlaced, and grey or
RGB without alpha (PNG spec §11.2.2 IHDR: colour type 0 or 2, interlace 0) —
what :mod:`coursepress.imageprep` writes for screenshots. For such a PNG the
IDAT chunks are taken from the file's bytes; any other image goes through
WeasyPrint's own code. The PDF is the same picture, pixel for pixel.

Applied through :func:`coursepress.patches.apply_png_passthrough` (every library patch is listed there).
"""

from __future__ import annotations

import io
import struct
from typing import Any, Callable, Optional

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> Optional[tuple[tuple[int, int, int, int, int], dict[bytes, list[bytes]]]]:
    """The IHDR fields ``(width px, height px, bit depth, colour type, interlace)`` and the chunks up to IEND,
    by type in file order (``{b"IDAT": [...], b"PLTE": [...], ...}``), of the PNG ``data``; None when ``data``
    is not a PNG (PNG spec §5.2 signature, §11.2.2 IHDR)."""
    if not data.startswith(_SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        return None
    width, height, bit_depth, colour_type, _compression, _filter, interlace = struct.unpack(">IIBBBBB", data[16:29])
    chunks: dict[bytes, list[bytes]] = {}
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IEND":
            break
        chunks.setdefault(kind, []).append(data[at + 8:at + 8 + length])
        at += 12 + length
    return (width, height, bit_depth, colour_type, interlace), chunks


def idat_stream(data: bytes) -> Optional[bytes]:
    """The concatenated IDAT data of ``data`` if it is a PNG the PDF can hold as is, else None.

    As is: 8-bit grey (colour type 0) or RGB (2), not interlaced, with no ``tRNS`` (transparency) chunk.
    """
    found = png_chunks(data)
    if found is None:
        return None
    (_width, _height, bit_depth, colour_type, interlace), chunks = found
    if bit_depth != 8 or colour_type not in (0, 2) or interlace != 0 or b"tRNS" in chunks:
        return None
    return b"".join(chunks.get(b"IDAT", [])) or None


def replacement(upstream: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """WeasyPrint's ``RasterImage._get_png_data(pillow_image)`` taking the IDAT data of a PNG opened from
    bytes (``pillow_image.fp``, as ``RasterImage.get_x_object`` opens it) when :func:`idat_stream` accepts
    them, else calling ``upstream``. Applied by :func:`coursepress.patches.apply_png_passthrough`."""
    def get_png_data(pillow_image: Any) -> bytes:
        source = getattr(pillow_image, "fp", None)
        if pillow_image.format == "PNG" and isinstance(source, io.BytesIO):
            found = idat_stream(source.getvalue())
            if found is not None:
                return found
        return upstream(pillow_image)
    return get_png_data
