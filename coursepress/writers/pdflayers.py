"""A layered screenshot in the PDF: the lossless PNG, then each photograph's JPEG through its tile mask (issue 20).

:mod:`coursepress.photolayers` stores a screenshot's photographs as JPEG layers inside the prepared PNG
(``cpLY`` chunks). Here they become one form XObject (PDF 32000-1:2008, §8.10) over the unit square, which
WeasyPrint draws exactly where it would draw the image: the PNG as an image XObject over the whole square,
then each layer's JPEG (``DCTDecode``, §7.4.8) over its own part of it, clipped (§8.5.4) to the rectangles
of its photographic tiles (each row's runs), so that only those are taken from the JPEG and every other
pixel from the PNG.
:func:`flatten` puts the pixels together instead (for a picture WeasyPrint has to resample).
"""

from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING, Any

import pydyf

from ..photolayers import CHUNK, TILE, Layer
from .pngpass import png_chunks

if TYPE_CHECKING:
    from PIL.Image import Image


def read_layers(data: bytes) -> list[Layer]:
    """The layers carried by the PNG ``data`` (none for any other image or a PNG without them). Call it only
    for an image :mod:`coursepress.imageprep` wrote (:class:`~coursepress.imageprep.PreparedData`).

    A chunk that is not what :meth:`Layer.chunk` writes (too short, a mask or tiles outside the picture, no
    JPEG after the mask) makes the whole picture a plain PNG: none of its layers is used."""
    found = png_chunks(data)
    if found is None:
        return []
    (width, height, *_fields), chunks = found
    layers = []
    for body in chunks.get(CHUNK, []):
        if len(body) < 12:
            return []
        x, y, cols, rows = struct.unpack(">IIHH", body[:12])
        size = rows * ((cols + 7) // 8)
        jpeg = body[12 + size:]
        if not cols or not rows or x + cols * TILE > width or y + rows * TILE > height \
                or not jpeg.startswith(b"\xff\xd8"):
            return []
        layers.append(Layer(x, y, cols, rows, body[12:12 + size], jpeg))
    return layers


def flatten(data: bytes, layers: list[Layer]) -> Image:
    """The picture the PNG ``data`` and its ``layers`` show together (mode RGB)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        picture = opened.convert("RGB")
    for layer in layers:
        with Image.open(io.BytesIO(layer.jpeg)) as photo:
            mask = layer.mask_image().resize(photo.size, Image.Resampling.NEAREST)
            picture.paste(photo.convert("RGB"), (layer.x, layer.y), mask)
    return picture


def layered_x_object(width: int, height: int, layers: list[Layer], base: Any, interpolate: bool) -> Any:
    """A form XObject over the unit square drawing ``base`` (the PNG's image XObject, ``width`` × ``height``
    px) and then each of ``layers``, clipped to its photographic tiles (see the module docstring)."""
    names: dict[str, Any] = {"B": base}
    form = pydyf.Stream(extra=pydyf.Dictionary({"Type": "/XObject", "Subtype": "/Form",
                                                "BBox": pydyf.Array([0, 0, 1, 1])}))
    form.push_state()
    form.draw_x_object("B")
    form.pop_state()
    for k, layer in enumerate(layers):
        w_px, h_px = layer.columns * TILE, layer.rows * TILE
        names[f"P{k}"] = pydyf.Stream([layer.jpeg], pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Image", "Width": w_px, "Height": h_px, "ColorSpace": "/DeviceRGB",
            "BitsPerComponent": 8, "Filter": "/DCTDecode", "Interpolate": "true" if interpolate else "false"}))
        form.push_state()
        # the unit square's origin is the picture's bottom left corner; pixel rows run down from its top
        for x, y, w, h in _runs(layer):
            form.rectangle(x / width, 1 - (y + h) / height, w / width, h / height)
        form.clip()
        form.end()
        form.set_matrix(w_px / width, 0, 0, h_px / height, layer.x / width, 1 - (layer.y + h_px) / height)
        form.draw_x_object(f"P{k}")
        form.pop_state()
    form.extra["Resources"] = pydyf.Dictionary({"XObject": pydyf.Dictionary(names)})
    return form


def _runs(layer: Layer) -> list[tuple[int, int, int, int]]:
    """The layer's photographic tiles as rectangles (x, y, width, height in px of the picture): each row's
    runs of set bits."""
    mask = layer.mask_image()
    out = []
    for r in range(layer.rows):
        c = 0
        while c < layer.columns:
            if mask.getpixel((c, r)):
                start = c
                while c < layer.columns and mask.getpixel((c, r)):
                    c += 1
                out.append((layer.x + start * TILE, layer.y + r * TILE, (c - start) * TILE, TILE))
            else:
                c += 1
    return out
