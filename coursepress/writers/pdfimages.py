"""Prepared images in WeasyPrint: laid out by their size, their bytes taken when the PDF is written (issue 20).

WeasyPrint 70 opens every image when it builds the box tree (``weasyprint.images.get_image_from_uri``: the
URL fetched, the bytes opened by Pillow, a ``RasterImage`` made) and reads its pixels only when the PDF
is written (``RasterImage.get_x_object``). For the handout's prepared images (``coursepress-image:`` URLs,
:meth:`coursepress.imageprep.ImagePreparer.src`) :func:`replacement` makes a :class:`PreparedRaster`
instead, which knows the prepared size before the image is ready (:class:`coursepress.imagepool.PendingImage`)
and asks for the bytes in :meth:`PreparedRaster.get_x_object`; so the images are prepared in other
processes while the pages are laid out.

It also embeds an indexed PNG (colour type 3, what :func:`coursepress.imageprep.exact_palette` makes of a
screenshot of ≤ 256 colours) as it is: an ``/Indexed`` colour space over ``/DeviceRGB`` with the PNG's
palette, and the PNG's IDAT data as a ``FlateDecode`` stream with the PNG predictor (PDF 32000-1:2008,
§8.6.6.3 and §7.4.4.4: 1 colour, the PNG's bit depth). WeasyPrint would convert it to RGB and compress it
again: 3 bytes a pixel instead of 1 or less. A screenshot with its photographs as JPEG layers is drawn as
the PNG and the layers over it (:mod:`.pdflayers`). Everything else goes through WeasyPrint's own ``RasterImage``.

Applied through :func:`coursepress.patches.apply_prepared_images` (every library patch is listed there).
"""

from __future__ import annotations

import io
from hashlib import md5
from typing import Any, Callable, Optional

import pydyf

from ..imagepool import PendingImage
from ..imageprep import URL_SCHEME, PreparedData
from .pdflayers import flatten, layered_x_object, read_layers
from .pngpass import png_chunks

def indexed_png(data: bytes) -> Optional[tuple[int, int, int, bytes, bytes]]:
    """``(width, height, bit depth, palette, IDAT data)`` of ``data`` if it is an indexed PNG the PDF can hold
    as is (colour type 3, not interlaced, no ``tRNS`` transparency); else None. ``palette``: the PLTE
    chunk's bytes (3 per entry, RGB)."""
    found = png_chunks(data)
    if found is None:
        return None
    (width, height, bit_depth, colour_type, interlace), chunks = found
    if colour_type != 3 or interlace != 0 or b"tRNS" in chunks:
        return None
    palette, idat = b"".join(chunks.get(b"PLTE", [])), b"".join(chunks.get(b"IDAT", []))
    if not palette or not idat:
        return None
    return width, height, bit_depth, palette, idat


class _HexString(pydyf.Object):
    """A PDF hexadecimal string (binary palette bytes: a literal string would turn CR into LF)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    @property
    def data(self) -> bytes:
        return b"<" + self._data.hex().encode("ascii") + b">"


def indexed_x_object(data: bytes, interpolate: bool) -> Optional[Any]:
    """A ``pydyf.Stream`` image XObject of the indexed PNG ``data`` (see the module docstring), or None
    when :func:`indexed_png` does not accept it."""
    found = indexed_png(data)
    if found is None:
        return None
    width, height, bits, palette, idat = found
    extra = pydyf.Dictionary({
        "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
        "ColorSpace": pydyf.Array(["/Indexed", "/DeviceRGB", len(palette) // 3 - 1, _HexString(palette)]),
        "BitsPerComponent": bits, "Interpolate": "true" if interpolate else "false",
        "Filter": "/FlateDecode",
        "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Colors": 1, "BitsPerComponent": bits, "Columns": width}),
    })
    return pydyf.Stream([idat], extra)


class PreparedRaster:
    """WeasyPrint's image object for a prepared image (an ``ImageData`` or a ``PendingImage``).

    Has what WeasyPrint's layout and drawing read of a ``RasterImage`` (``id``, ``width``, ``height``,
    ``ratio``, ``get_intrinsic_size``, ``draw``); :meth:`get_x_object` takes the bytes.
    """

    def __init__(self, image: Any, image_id: str, cache: dict, options: dict, orientation: str) -> None:
        from weasyprint.images import RasterImage

        self.id = image_id
        self.width, self.height = image.width_px, image.height_px
        self.ratio = self.width / self.height if self.height else float("inf")
        self._dpi = options["dpi"]
        self._image, self._cache, self._options, self._orientation = image, cache, options, orientation
        self._draw = RasterImage.draw

    def get_intrinsic_size(self, resolution: float, font_size: float) -> tuple[float, float, float]:
        return self.width / resolution, self.height / resolution, self.ratio

    def draw(self, stream: Any, concrete_width: float, concrete_height: float, style: Any) -> None:
        self._draw(self, stream, concrete_width, concrete_height, style)     # reads width, height, _dpi, id

    def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
        image = self._image.result() if isinstance(self._image, PendingImage) else self._image   # waits for it
        data = image.data
        layers = read_layers(data) if isinstance(image, PreparedData) else []    # only ours carry layers
        if layers and dpi_ratio != 1:       # WeasyPrint resamples it: the picture put together first
            out = io.BytesIO()
            flatten(data, layers).save(out, "PNG")
            data, layers = out.getvalue(), []
        if dpi_ratio == 1:
            found = indexed_x_object(data, interpolate)
            if found is None:
                found = self._upstream(data).get_x_object(interpolate, 1)
            if layers:
                found = layered_x_object(self.width, self.height, layers, found, interpolate)
            return found
        return self._upstream(data).get_x_object(interpolate, dpi_ratio)

    def _upstream(self, data: bytes) -> Any:
        """WeasyPrint's own ``RasterImage`` of the PNG or JPEG ``data``."""
        from weasyprint.images import RasterImage

        from ..images import open_image

        return RasterImage(open_image(data), self.id, data, None, self._cache, self._orientation,
                           self._options)


def replacement(upstream: Callable[..., Any]) -> Callable[..., Any]:
    """WeasyPrint's ``get_image_from_uri`` making a :class:`PreparedRaster` for a raster image the URL
    fetcher holds under a ``coursepress-image:`` URL (its ``images``, :func:`coursepress.resources.make_url_fetcher`),
    else calling ``upstream``. Applied by :func:`coursepress.patches.apply_prepared_images`."""
    def get_image_from_uri(cache, url_fetcher, options, url, forced_mime_type=None, context=None,
                           orientation="from-image"):
        if url in cache or not url.startswith(URL_SCHEME + ":"):
            return upstream(cache, url_fetcher, options, url, forced_mime_type, context, orientation)
        image = getattr(url_fetcher, "images", {}).get(url)
        if image is None or getattr(image, "source", image).mime == "image/svg+xml":
            return upstream(cache, url_fetcher, options, url, forced_mime_type, context, orientation)
        made = PreparedRaster(image, md5(url.encode(), usedforsecurity=False).hexdigest(), cache, options, orientation)
        cache[url] = made
        return made
    return get_image_from_uri
