"""Raster images at print resolution, prepared once and shared by every writer (issue 20).

A screenshot of 1920 px printed 430 pt wide in the handout needs 1194 px at
200 dpi; embedding all 1920 px makes the PDF ~2.6× larger and every layout
decode and re-compress pixels no reader can see. :func:`prepared_image` gives
each writer the image at

    min(its own resolution, ``images.dpi`` at its printed size)

never upsampled (resampled with a box filter: each new pixel the mean of
the source pixels it covers, so text in screenshots gets no ringing halo,
and the PNG stays ~40 % smaller than after Lanczos), re-encoded without metadata, cached on disk by content hash
and target size so the handout, the book, the deck and a later build (or
``watch`` round) reuse it.

The rule that picks the format (:func:`is_photo`), applied to the upright
pixels after any resize:

- an image with transparency, a palette (GIF, indexed PNG) or at most 256
  colours is kept lossless: PNG;
- otherwise the share of pixels equal to their left neighbour decides: a
  screenshot, diagram or chart has large flat areas (≥ :data:`FLAT_SHARE`, 35 %,
  measured on the pixels as they are), a photograph almost none (sensor noise
  and JPEG's own blocks make neighbours differ): photos become JPEG at
  ``images.jpeg_quality`` (default 85, libjpeg's scale, 4:2:0), the rest PNG.

Metadata: EXIF, XMP, comments and PNG text chunks are dropped (EXIF
orientation was already applied when the course was loaded, see
:mod:`coursepress.images`); an ICC colour profile is kept, since the pixels
mean nothing without it. An image that needs no resize, is already in the
chosen format and carries no metadata is passed on byte for byte.

``images: original`` in course.yaml turns all of this off: every writer embeds
the bytes the course was loaded with.

The cache lives in the private per-user cache (:func:`coursepress.cachedir.cache_folder`
``"prints"``, ``~/.cache/coursepress/prints``), outside the project, so it is never
committed; entries are keyed by the SHA-256 of the source bytes, the target
size in px, the format rule's version and the JPEG quality.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .cachedir import cache_folder, read_private, write_private
from .imagecheck import prepared_ahead
from .images import identify, open_image
from .photolayers import Layer, split, with_layers
from .resources import ImageData
from .units import PT_PER_INCH

if TYPE_CHECKING:
    from PIL.Image import Image

    from .imagepool import ImagePool, PendingImage
    from .schema import ImageSettings

CACHE_NAME = "prints"
RULE_VERSION = 4            # bump when the format rule or the encoders' settings change (3: indexed PNG, 4: grey)
LAYERS_VERSION = 1          # of photographs kept as JPEG layers (coursepress.photolayers), in the key of layered images
PNG_LEVEL = 6               # zlib level of prepared PNGs (measured: level 9 is 1 % smaller and 5× slower)
# zlib strategy of the PDF writers' PNGs (layers: their photographs are JPEG): Z_DEFAULT_STRATEGY makes the
# benchmark's screenshots 3.6 % smaller than Pillow's Z_FILTERED in the same time; with a photograph in the
# PNG (the deck's) Z_FILTERED is 1.4 % smaller, so those keep it
PNG_STRATEGY = {True: 0, False: 1}      # zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED
FLAT_SHARE = 0.35           # share of pixels equal to their left neighbour above which an image is not a photo
PALETTE_COLOURS = 256       # this few colours or fewer: lossless whatever the flatness
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")
URL_SCHEME = "coursepress-image"


def target_pixels(width_px: int, height_px: int, printed_width_pt: float, printed_height_pt: Optional[float],
                  dpi: int) -> tuple[int, int]:
    """The pixel size an image of ``width_px`` × ``height_px`` needs when printed at the given size.

    Args:
        width_px, height_px: the image's own size (px, > 0).
        printed_width_pt: its printed width (pt, 1/72 in).
        printed_height_pt: its printed height (pt); None: ``printed_width_pt`` × the image's aspect.
        dpi: the resolution wanted at that size (pixels per inch).

    Returns:
        ``(width_px, height_px)``: the own size scaled by min(1, ``dpi`` × printed inches ÷ own pixels) in
        the dimension that needs more, aspect kept, rounded down (so never above ``dpi``), at least 1 px.
        Never larger than the own size (no upsampling).
    """
    if printed_height_pt is None:
        printed_height_pt = printed_width_pt * height_px / width_px
    want_w = dpi * max(printed_width_pt, 0.0) / PT_PER_INCH
    want_h = dpi * max(printed_height_pt, 0.0) / PT_PER_INCH
    scale = min(1.0, max(want_w / width_px, want_h / height_px))
    if scale >= 1.0:
        return width_px, height_px
    return max(1, math.floor(width_px * scale)), max(1, math.floor(height_px * scale))


def is_photo(image: Image) -> bool:
    """True if ``image`` (a decoded Pillow image) should be stored as JPEG, False for PNG (rule: module docstring)."""
    from PIL import ImageChops

    if image.mode in ("P", "1", "LA", "RGBA", "PA", "I", "I;16", "F") or "transparency" in image.info:
        return False
    rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
    if rgb.getcolors(PALETTE_COLOURS) is not None:
        return False
    if rgb.width < 2:
        return True
    left = rgb.crop((0, 0, rgb.width - 1, rgb.height))
    right = rgb.crop((1, 0, rgb.width, rgb.height))
    same = ImageChops.difference(left, right).convert("L").histogram()[0]
    return same / (left.width * left.height) < FLAT_SHARE


@dataclass
class ImagePreparer:
    """Prepares images for one build (or one ``watch`` session): :meth:`prepare` with counters and a memo.

    ``prepared``: images resized or re-encoded by this preparer; ``cached``: taken from the disk cache;
    ``kept``: passed on as they were (already small enough and clean, or ``images: original``).
    ``pool``: an :class:`~coursepress.imagepool.ImagePool`; with one, :meth:`prepare` starts each
    preparation the cache does not have in the pool and returns a
    :class:`~coursepress.imagepool.PendingImage` at once (for the handout: layout needs only the size).
    ``layers``: screenshots keep their photographs as JPEG layers (:mod:`coursepress.photolayers`; only
    for writers whose PDF draws them, :mod:`coursepress.writers.pdflayers`).
    """

    settings: ImageSettings
    pool: Optional[ImagePool] = None
    layers: bool = False
    prepared: int = 0
    cached: int = 0
    kept: int = 0
    served: dict[str, ImageData | PendingImage] = field(default_factory=dict, repr=False)
    _memo: dict[str, ImageData | PendingImage] = field(default_factory=dict, repr=False)
    _urls: dict[int, str] = field(default_factory=dict, repr=False)
    _pending: list[PendingImage] = field(default_factory=list, repr=False)

    def prepare(self, image: ImageData, printed_width_pt: float, printed_height_pt: Optional[float] = None
                ) -> ImageData | PendingImage:
        """``image`` at print resolution for a placement ``printed_width_pt`` × ``printed_height_pt`` (pt).

        ``printed_height_pt`` None: the width times the image's aspect. SVG (vector) and ``images:
        original`` are returned unchanged. The result's ``width_px``/``height_px`` are the prepared
        pixels; lay the picture out by the source's size, not these. With a ``pool``, an image not in
        the cache comes back as a :class:`~coursepress.imagepool.PendingImage`.
        """
        if self.settings.original or image.mime == "image/svg+xml" or image.width_px <= 0 or image.height_px <= 0:
            self.kept += 1
            self._urls[id(image)] = f"{URL_SCHEME}:{image.sha1}.{image.ext}"
            return image
        size = target_pixels(image.width_px, image.height_px, printed_width_pt, printed_height_pt,
                             self.settings.dpi)
        key = print_key(hashlib.sha256(image.data).hexdigest(), size, self.settings, self.layers)
        if key in self._memo:
            self.cached += 1
            return self._memo[key]
        ahead = prepared_ahead(key)
        found: Optional[ImageData | PendingImage] = None if ahead is not None else _cache_read(key, image.origin)
        if ahead is not None:                 # being prepared from the load's decode (coursepress.imagecheck)
            from .imagepool import PendingImage

            found = PendingImage(ahead, image, size, key, self.settings.jpeg_quality, self.layers)
            self._pending.append(found)
        elif found is not None:
            self.cached += 1
        elif self.pool is not None:
            found = self.pool.submit(image, size, self.settings.jpeg_quality, key, self.layers)
            self._pending.append(found)       # counted as prepared or kept when done (summary)
        else:
            data = prepare_bytes(image.data, size, self.settings.jpeg_quality, self.layers)
            if data is None:
                self.kept += 1
                found = image
            else:
                self.prepared += 1
                _cache_write(key, data)
                found = _identify(data, image.origin) or image    # None cannot happen: Pillow just wrote it
        self._memo[key] = found
        # the URL names the source and the size, not the prepared bytes: equal PDFs from a warm or an empty cache
        self._urls[id(found)] = f"{URL_SCHEME}:{key}"
        return found

    def src(self, image: ImageData | PendingImage) -> str:
        """A ``coursepress-image:`` URL for ``image`` (what :meth:`prepare` returned), recorded in ``served``.

        For the HTML→PDF writers: the page refers to the picture by this short URL and the
        engine's URL fetcher serves the bytes from ``served`` (:meth:`PdfEngine.render
        <coursepress.writers.pdfengine.PdfEngine.render>`), so megabytes of base64 never pass
        through the HTML parser. A writer whose HTML leaves the process links a file or uses
        ``image.data_uri()`` instead.
        """
        key = self._urls.get(id(image)) or f"{URL_SCHEME}:{hashlib.sha1(image.data).hexdigest()}.{image.ext}"
        self.served[key] = image
        return key

    def close(self) -> None:
        """Stop the ``pool``'s worker processes, if any (call after the PDF is written)."""
        if self.pool is not None:
            self.pool.close()

    def summary(self) -> str:
        """``images: N prepared, M from cache, K kept`` for ``-v`` (empty if no image was seen); waits for
        images still being prepared."""
        for pending in self._pending:
            if pending.result() is pending.source:
                self.kept += 1
            else:
                self.prepared += 1
        self._pending.clear()
        if not (self.prepared or self.cached or self.kept):
            return ""
        return f"images: {self.prepared} prepared, {self.cached} from cache, {self.kept} kept"


def print_key(digest: str, size: tuple[int, int], settings: ImageSettings, layers: bool = False) -> str:
    """The cache key of an image whose bytes have SHA-256 ``digest`` (hex) prepared at ``size`` (px) with
    ``settings`` (``layers``: see :func:`prepare_bytes`)."""
    key = f"{digest}-{size[0]}x{size[1]}-r{RULE_VERSION}-q{settings.jpeg_quality}"
    return key + f"-l{LAYERS_VERSION}" if layers else key


def prepared_image(image: ImageData, printed_width_pt: float, printed_height_pt: Optional[float],
                   settings: ImageSettings) -> ImageData:
    """The one entry for any writer: ``image`` (a :class:`~coursepress.resources.ImageData` of the
    document model) for a placement ``printed_width_pt`` × ``printed_height_pt`` (pt; height None: the
    width × the image's aspect), at min(own resolution, ``settings.dpi``), PNG or JPEG by content, no
    metadata, from the disk cache when it was prepared before (see the module docstring).

    ``settings``: ``course.meta.image_settings()`` (:class:`coursepress.schema.ImageSettings`). A writer
    placing many pictures keeps one :class:`ImagePreparer` instead (a memo and counters for ``-v``).
    EMU (python-pptx) → pt: divide by :data:`coursepress.units.EMU_PER_PT`. Never raises for an image the course loaded
    (those were decoded in full at load); returns the input unchanged for SVG.
    """
    found = ImagePreparer(settings).prepare(image, printed_width_pt, printed_height_pt)
    assert isinstance(found, ImageData)       # no pool: prepared here
    return found


def prepare_bytes(data: bytes, size: tuple[int, int], quality: int, layers: bool = False) -> Optional[bytes]:
    """PNG or JPEG bytes of the image ``data`` at ``size`` (px); None when ``data`` already are that.

    A pure function of its arguments (the same bytes on every run, in any process: :mod:`coursepress.imagepool`
    runs it in worker processes). Steps: a JPEG is decoded at the smallest DCT scale still ≥ ``size``
    (libjpeg's scaled decoding, ``Image.draft``: a 6 MP photo printed at 1.2 MP decodes ¼ of its pixels);
    a box-filter resample to ``size``; the format rule (module docstring); a PNG written anew whose pixels are
    all grey stored grey (:func:`exact_grey`), else with at most 256 colours stored as an indexed PNG with
    exactly those colours (:func:`exact_palette`: lossless, 1 byte or fewer per pixel instead of 3) when that
    maps every pixel back to its own colour. ``layers`` (the PDF
    writers): a screenshot with photographs inside carries them as JPEG layers (:mod:`coursepress.photolayers`).
    """
    with open_image(data) as source:
        if (source.width, source.height) != size and source.format == "JPEG":
            source.draft(source.mode, size)          # keeps ≥ size; resampled below
        source.load()
        return prepare_loaded(source, size, quality, layers)


def prepare_loaded(source: Image, size: tuple[int, int], quality: int, layers: bool = False) -> Optional[bytes]:
    """:func:`prepare_bytes` of an image Pillow has opened and loaded (decoded) from the bytes: the same
    result when ``source`` is what :func:`prepare_bytes` decodes (every image but a JPEG to be resized,
    which it decodes at a DCT scale). ``source`` is not changed, so one decode serves several sizes
    (:mod:`coursepress.imagecheck`)."""
    return encode_resampled(resample(source, size), quality, layers)


@dataclass(frozen=True)
class Resampled:
    """The first half of a preparation (:func:`resample`): ``pixels`` at the size asked for, whether they
    were ``resized``, the source's Pillow ``format``, its ICC profile (``icc``, or None) and whether it
    carries metadata re-encoding drops. ``pixels`` is the source image itself when not ``resized``."""

    pixels: Image
    resized: bool
    format: str
    icc: Optional[bytes]
    metadata: bool

    @property
    def nbytes(self) -> int:
        """Memory the pixels take (bytes, roughly)."""
        return self.pixels.width * self.pixels.height * len(self.pixels.getbands())


def resample(source: Image, size: tuple[int, int]) -> Resampled:
    """``source`` (loaded) box-resampled to ``size`` (px), with what :func:`encode_resampled` needs of it."""
    from PIL import Image

    resized = (source.width, source.height) != size
    pixels: Image.Image = source
    if resized:
        if pixels.mode not in ("RGB", "RGBA", "L", "LA"):
            pixels = pixels.convert("RGBA" if _has_alpha(pixels) else "RGB")
        if pixels.size != size:
            pixels = pixels.resize(size, Image.Resampling.BOX)
    return Resampled(pixels, resized, source.format or "", source.info.get("icc_profile"), _has_metadata(source))


def encode_resampled(stage: Resampled, quality: int, layers: bool = False) -> Optional[bytes]:
    """The second half of a preparation: the format rule and the encoder (see :func:`prepare_bytes`);
    None when the source's own bytes are already the result."""
    pixels = stage.pixels
    photo = is_photo(pixels)
    layered = _layered(pixels, quality) if layers and not photo else None
    wanted = "JPEG" if photo else "PNG"
    if not stage.resized and stage.format == wanted and not stage.metadata and layered is None:
        return None
    icc = stage.icc
    out = io.BytesIO()
    if layered is not None:
        base, parts = layered
        (exact_palette(base) or base).save(out, "PNG", icc_profile=icc, compress_level=PNG_LEVEL,
                                           compress_type=PNG_STRATEGY[True])
        return with_layers(out.getvalue(), parts)
    if photo:
        if pixels.mode not in ("RGB", "L"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=quality, optimize=True, icc_profile=icc)
    else:
        if pixels.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            pixels = pixels.convert("RGBA" if _has_alpha(pixels) else "RGB")
        # grey first (PNG's filters work on grey levels, not on palette indices: 92 KB against 109 KB for a
        # grey screenshot); an ICC profile describes RGB, so such an image is not made grey
        ((None if icc else exact_grey(pixels)) or exact_palette(pixels) or pixels).save(
            out, "PNG", icc_profile=icc, compress_level=PNG_LEVEL, compress_type=PNG_STRATEGY[layers])
    return out.getvalue()


def exact_grey(image: Image) -> Optional[Image]:
    """``image`` (mode RGB) as a mode-L image when every pixel is grey (red = green = blue): lossless, one
    byte a pixel instead of three (a grey screenshot; embedded as ``/DeviceGray``); else None."""
    from PIL import ImageChops

    if image.mode != "RGB":
        return None
    red, green, blue = image.split()
    if ImageChops.difference(red, green).getbbox() is None and ImageChops.difference(green, blue).getbbox() is None:
        return red
    return None


def _layered(pixels: Image, quality: int) -> Optional[tuple[Image, list[Layer]]]:
    """:func:`coursepress.photolayers.split` of an RGB screenshot of more than 256 colours (fewer: stored
    indexed and lossless, whatever it shows), else None."""
    if pixels.mode != "RGB" or "transparency" in pixels.info or pixels.getcolors(PALETTE_COLOURS) is not None:
        return None
    return split(pixels, quality)


def exact_palette(image: Image) -> Optional[Image]:
    """``image`` (mode RGB) as a mode-P image with exactly its colours, if it has at most 256; else None.

    Lossless: the palette is the image's own colours and every pixel keeps its colour (no dithering;
    checked pixel by pixel); PNG then stores 1, 2, 4 or 8 bits per pixel (Pillow picks the depth from the
    palette's size). Any other mode: None (grey is 1 byte already;
    transparency would need a tRNS chunk the PDF path does not take).
    """
    from PIL import Image as PILImage

    if image.mode != "RGB":
        return None
    colours = image.getcolors(PALETTE_COLOURS)
    if colours is None:
        return None
    # Pillow's quantizers keep an image's own colours when it has no more than asked for (median cut and
    # maximum coverage do; the octree and mapping onto a given palette do not): checked, never assumed.
    indexed = image.quantize(len(colours), method=PILImage.Quantize.MAXCOVERAGE, dither=PILImage.Dither.NONE)
    return indexed if indexed.convert("RGB").tobytes() == image.tobytes() else None


def _has_alpha(image: Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _has_metadata(image: Image) -> bool:
    """EXIF, XMP, comments or PNG text chunks (which re-encoding drops)."""
    if any(key in image.info for key in _METADATA_KEYS):
        return True
    return bool(getattr(image, "text", None)) if image.format == "PNG" else False


@dataclass(frozen=True)
class PreparedData(ImageData):
    """Image bytes this module wrote (prepared now, or read from the image cache under their key): the only
    images whose PNG may carry photograph layers (:mod:`coursepress.photolayers`). An image passed on as
    the course loaded it (already small enough, ``images: original``) is a plain :class:`ImageData`, so a
    ``cpLY`` chunk some other program left in a user's PNG is never read as one of ours."""


def _identify(data: bytes, origin: str) -> Optional[ImageData]:
    """:class:`PreparedData` of prepared bytes (PNG or JPEG, identified by Pillow), None if they are neither
    (a damaged cache entry)."""
    found = identify(data, origin, ("PNG", "JPEG"))
    return None if found is None else PreparedData(found.data, found.mime, found.ext, found.width_px,
                                                   found.height_px, found.origin)


def _cache_read(key: str, origin: str) -> Optional[ImageData]:
    try:
        data = read_private(cache_folder(CACHE_NAME) / key)
    except OSError:             # a miss, or a planted link (never followed)
        return None
    return _identify(data, origin)


def _cache_write(key: str, data: bytes) -> None:
    try:
        write_private(cache_folder(CACHE_NAME), key, data)
    except OSError:             # no writable private folder: prepared again next time
        pass
