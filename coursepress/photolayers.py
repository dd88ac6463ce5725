"""A screenshot with a photograph inside: the photograph as JPEG over the lossless rest (issue 20, PDF only).

A screenshot is stored as lossless PNG (:mod:`coursepress.imageprep`): its text must stay sharp. A picture
inside it (a video frame, a slide, an avatar, a photo in a web page) is what costs the bytes: sensor noise
does not compress, so a photograph covering 6 % of a window took 42 % of its PNG (the benchmark's
screenshots: 79 KB of 219 KB; as JPEG at quality 85 the same pixels take 8 KB). Scanners' PDFs do the same
(mixed raster content, ITU-T T.44): the text layer lossless, the picture layer JPEG.

:func:`split` finds the photograph's tiles: the image is cut into :data:`TILE` × :data:`TILE` px tiles from
its top left corner, and a tile is photographic when at least :data:`BUSY_SHARE` of its pixels differ from
both their left and upper neighbours (noise: a flat UI, a gradient or text on a plain background has long
runs of equal pixels) and at most :data:`EDGE_STEPS` of them step by more than :data:`EDGE_STEP` from a
neighbour (text, a frame, an icon's outline: any tile with a sharp edge stays lossless, also text drawn
over the photograph). Each 4-connected group of at least :data:`MIN_TILES` such tiles becomes one layer:
its bounding box of pixels as a JPEG and a mask of which of its tiles are photographic. The PNG keeps
every other pixel exactly; under a layer's tiles it holds each tile's mean colour (flat, so it costs
nearly nothing). JPEG's 8 × 8 blocks (16 × 16 with 4:2:0 chroma) lie inside the tiles, so no block mixes
photograph and text. Under a layer's outline the PNG keeps :data:`EDGE_BAND` px of the photograph, so a
viewer that smooths the clipped edge mixes the JPEG with the same picture (no seam).

The layers travel inside the PNG as private ``cpLY`` chunks (PNG spec §5.4: ancillary, private, unsafe to
copy), one per layer: x, y (px), columns and rows (tiles), the mask (1 bit per tile, rows padded to a
byte, 1 = photographic) and the JPEG bytes. Only the PDF writers ask for layered images (they draw the
PNG, then each JPEG through its mask: :mod:`coursepress.writers.pdflayers`); the deck and the HTML handout
get the plain PNG.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from PIL.Image import Image

TILE = 16                  # px; a multiple of JPEG's 16 × 16 px MCU (4:2:0)
BUSY_SHARE = 0.75          # share of a tile's pixels that differ from their left and upper neighbours
EDGE_STEP = 96             # sum of the three channels' steps to a neighbour above which it is an edge
EDGE_STEPS = 2             # at most this many edge pixels in a photographic tile (of 256)
MIN_TILES = 16             # a smaller group (an icon, a patch of noise) stays in the PNG
EDGE_BAND = 2              # px inside a layer's outline the PNG keeps as they are (under the JPEG's smoothed edge)
CHUNK = b"cpLY"


@dataclass(frozen=True)
class Layer:
    """A JPEG drawn over the PNG: its top left at ``x``, ``y`` (px of the PNG), ``columns`` × ``rows`` tiles
    of :data:`TILE` px, ``mask`` (``rows`` rows of ``columns`` bits, each row padded to a byte; bit 1 = the
    tile is drawn from the JPEG) and the ``jpeg`` bytes (``columns × TILE`` × ``rows × TILE`` px)."""

    x: int
    y: int
    columns: int
    rows: int
    mask: bytes
    jpeg: bytes

    def chunk(self) -> bytes:
        """The layer as a PNG ``cpLY`` chunk (length, type, data, CRC)."""
        body = struct.pack(">IIHH", self.x, self.y, self.columns, self.rows) + self.mask + self.jpeg
        return struct.pack(">I", len(body)) + CHUNK + body + struct.pack(">I", zlib.crc32(CHUNK + body))

    def mask_image(self) -> Image:
        """The mask as a mode-"1" image, one pixel per tile (1 = from the JPEG)."""
        from PIL import Image

        return Image.frombytes("1", (self.columns, self.rows), self.mask)


def photo_tiles(rgb: Image) -> Image:
    """A mode-"L" image with one pixel per whole tile of ``rgb`` (mode RGB): 255 for a photographic tile,
    0 for any other (rule: module docstring). Tiles cut off by the right or bottom edge are left out."""
    from PIL import Image as PILImage, ImageChops

    width, height = rgb.size
    cols, rows = width // TILE, height // TILE
    busy = edges = None
    for a, b in (((1, 0, width, height), (0, 0, width - 1, height)), ((0, 1, width, height), (0, 0, width, height - 1))):
        steps = ImageChops.difference(rgb.crop(a), rgb.crop(b)).convert("L", (1, 1, 1, 0))    # r + g + b, at most 255
        moved = PILImage.new("L", (width, height), 255)
        moved.paste(steps.point(lambda v: 255 if v else 0), (a[0], a[1]))
        sharp = PILImage.new("L", (width, height), 0)
        sharp.paste(steps.point(lambda v: 255 if v > EDGE_STEP else 0), (a[0], a[1]))
        busy = moved if busy is None else ImageChops.darker(busy, moved)
        edges = sharp if edges is None else ImageChops.lighter(edges, sharp)
    assert busy is not None and edges is not None
    whole = (0, 0, cols * TILE, rows * TILE)
    busy_tiles = busy.crop(whole).reduce(TILE).point(lambda v: 255 if v >= 255 * BUSY_SHARE else 0)
    calm_tiles = edges.crop(whole).reduce(TILE).point(lambda v: 255 if v * TILE * TILE <= 255 * EDGE_STEPS else 0)
    return ImageChops.darker(busy_tiles, calm_tiles)


def _groups(tiles: Image) -> list[tuple[int, int, int, int, set[tuple[int, int]]]]:
    """4-connected groups of at least :data:`MIN_TILES` photographic tiles: (first column, first row, end
    column, end row, tiles as (column, row)), in reading order of their first tile."""
    cols, rows = tiles.size
    raw = tiles.tobytes()
    seen = bytearray(len(raw))
    groups = []
    for start, value in enumerate(raw):
        if not value or seen[start]:
            continue
        seen[start] = 1
        todo, found = [start], set()
        while todo:
            at = todo.pop()
            c, r = at % cols, at // cols
            found.add((c, r))
            for nc, nr in ((c - 1, r), (c + 1, r), (c, r - 1), (c, r + 1)):
                near = nr * cols + nc
                if 0 <= nc < cols and 0 <= nr < rows and raw[near] and not seen[near]:
                    seen[near] = 1
                    todo.append(near)
        if len(found) >= MIN_TILES:
            groups.append((min(c for c, _ in found), min(r for _, r in found), max(c for c, _ in found) + 1,
                           max(r for _, r in found) + 1, found))
    return groups


def split(rgb: Image, quality: int) -> Optional[tuple[Image, list[Layer]]]:
    """``rgb`` (mode RGB) as a base image for lossless PNG and its JPEG layers (``quality``: libjpeg's
    scale), or None when it has no group of photographic tiles. The base is a copy: ``rgb`` is unchanged."""
    from PIL import Image as PILImage, ImageFilter

    groups = _groups(photo_tiles(rgb))
    if not groups:
        return None
    base = rgb.copy()
    means = rgb.crop((0, 0, rgb.width // TILE * TILE, rgb.height // TILE * TILE)).reduce(TILE)
    layers = []
    for c0, r0, c1, r1, found in groups:
        mask = PILImage.new("1", (c1 - c0, r1 - r0), 0)
        for c, r in found:
            mask.putpixel((c - c0, r - r0), 1)
        box = (c0 * TILE, r0 * TILE, c1 * TILE, r1 * TILE)
        out = io.BytesIO()
        rgb.crop(box).save(out, "JPEG", quality=quality, optimize=True)
        flat = means.crop((c0, r0, c1, r1)).resize((box[2] - box[0], box[3] - box[1]), PILImage.Resampling.NEAREST)
        # a band of EDGE_BAND px inside the layer's outline keeps its own pixels: where a viewer smooths the
        # JPEG's clipped edge, it mixes it with what it covers, which must then be the photograph, not a flat tile
        hidden = PILImage.new("L", (flat.width + 2, flat.height + 2), 0)
        hidden.paste(mask.convert("L").point(lambda v: 255 if v else 0).resize(flat.size, PILImage.Resampling.NEAREST),
                     (1, 1))
        inner = hidden.filter(ImageFilter.MinFilter(2 * EDGE_BAND + 1)).crop((1, 1, flat.width + 1, flat.height + 1))
        base.paste(flat, box[:2], inner)
        layers.append(Layer(box[0], box[1], c1 - c0, r1 - r0, mask.tobytes(), out.getvalue()))
    return base, layers


def with_layers(png: bytes, layers: list[Layer]) -> bytes:
    """The PNG ``png`` with a ``cpLY`` chunk per layer inserted before its IEND chunk."""
    end = png.rindex(b"IEND") - 4
    return png[:end] + b"".join(layer.chunk() for layer in layers) + png[end:]
