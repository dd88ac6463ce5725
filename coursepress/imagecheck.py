"""Raster pictures are decoded once at the door, so no output silently drops one.

A PNG, JPEG or GIF whose header looks right but whose pixels cannot be decoded
(truncated, garbage after the header, 0×0) used to vanish from the handout
(WeasyPrint logs the failure and prints the alt text) while the deck refused
it. Decoding it here with Pillow makes it an error at the line that references
it, for every output alike.
"""

from __future__ import annotations

import io
import warnings

from .errors import ContentError, SourcePos


def check_decodes(data: bytes, kind: str, origin: str, pos: SourcePos) -> None:
    """Decode the raster image ``data`` (``kind``: png, jpg or gif) fully.

    Raises:
        ContentError: at ``pos``: the pixels cannot be decoded, or the picture has no pixels (0 × 0).
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                image.load()
    except Image.UnidentifiedImageError:
        raise ContentError(pos, f"image '{origin}' cannot be decoded: its data is not a valid {kind.upper()} "
                           "(broken, cut short or with no pixels)",
                           "open it in an image editor and save it again, or replace it") from None
    except Exception as exc:              # noqa: BLE001 — Pillow raises many kinds for a broken file
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise ContentError(pos, f"image '{origin}' cannot be decoded as {kind.upper()} ({reason})",
                           "open it in an image editor and save it again, or replace it") from None
    if width == 0 or height == 0:
        raise ContentError(pos, f"image '{origin}' has no pixels ({width} × {height})", "replace it")
