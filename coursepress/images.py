"""Raster images identified, decoded and prepared once at load, for every output.

Every raster image a lecture names is decoded in full with Pillow when the
course is loaded, so an image no output could show (a truncated or garbage
PNG, a 0×0 image, a broken GIF or JPEG) is an error at the line that names it,
in every output alike, instead of alt text printed silently in the handout.

What the outputs get (:class:`~coursepress.resources.ImageData`):

- PNG, JPEG and GIF as written, when upright: a PDF and a PPTX hold them.
- A photo with an EXIF Orientation tag other than 1 (phones store whiteboard
  shots sideways; C34): the pixels turned upright (Pillow's
  ``ImageOps.exif_transpose``) and re-encoded without the tag, so the handout
  and the deck show the same portrait picture and neither rotates it twice.
- Any other format Pillow reads (WebP, BMP, TIFF …): converted to PNG.
- Grey levels wider than 8 bits (a 16-bit PNG or TIFF from a scanner or a microscope, Pillow modes
  ``I;16``/``I``/``F``): scaled to 8 bits once (16-bit values ÷ 257; a float image from its lowest to its
  highest value) and stored as an 8-bit grey PNG. Pillow's own conversion clips every value above 255, and
  WeasyPrint and the preparation for print would show such a picture black and white.

While the lectures are read, an image kept as it is is decoded on a thread (:mod:`coursepress.imagecheck`).
Bytes decoded in full once are remembered by their SHA-256 (a marker file in
``~/.cache/coursepress/decoded``), so a later load of the same image only reads its header: the
same bytes decode the same way with the same Pillow (its version is in the marker).

Conversions are cached by the SHA-256 of the source bytes in the private
per-user cache (:func:`coursepress.cachedir.cache_folder`: ``~/.cache/coursepress/images``,
0700, owned by the user, never followed through a link), so they are made once.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import Optional

from .cachedir import cache_folder, read_private, write_private
from .errors import ContentError, SourcePos
from .imagecheck import current, strict_decoding, undecodable
from .limits import DEFAULTS, Limits, check_pixels
from .resources import ImageData

CACHE_NAME = "images"
DECODED_NAME = "decoded"     # markers: bytes decoded in full before
_KEPT = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}
_ORIENTATION = 0x0112       # EXIF tag 274
_WIDE = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")    # Pillow modes of grey levels wider than 8 bits


def prepare_raster(data: bytes, origin: str, pos: SourcePos, limits: Limits = DEFAULTS) -> ImageData:
    """Decode a raster image fully and return what the outputs embed.

    Args:
        data: the file's bytes.
        origin: the path as written in the lecture (for messages).
        pos: the line that names the image.
        limits: the project's limits (``image_megapixels`` is checked before decoding).

    Returns:
        :class:`ImageData` with PNG, JPEG or GIF bytes and the upright size in px.

    Raises:
        ContentError: bytes Pillow cannot identify or decode in full, an image
            of 0 pixels or of more than :data:`MAX_PIXELS`.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    fmt = ""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_image(data)    # Pillow's bomb warning from 89 MP: the project's limit (next) decides
            fmt = image.format or ""
            width, height = image.size
            check_pixels(pos, f"image '{origin}'", width, height, limits)   # before decoding a bomb
            digest = hashlib.sha256(data).hexdigest()
            if not _decoded_before(digest):
                decodes = current()
                if decodes is not None and _kept(image, fmt, _orientation(image, data)):
                    # kept as it is: the decode only proves it decodes, on a thread (coursepress.imagecheck)
                    decodes.submit(data, pos, origin, fmt, lambda: _remember_decoded(digest), digest)
                else:
                    with strict_decoding():
                        image.load()    # decodes every pixel of the first frame: truncated files fail here
                    _remember_decoded(digest)
        except ContentError:
            raise
        except Image.DecompressionBombError:
            raise too_large(pos, origin, limits) from None
        except UnidentifiedImageError:
            raise ContentError(pos, f"'{origin}' is not an image file Pillow can read (PNG, JPEG, GIF, WebP, "
                               "BMP, TIFF or SVG)", "export the picture again as PNG or JPEG") from None
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning) as exc:
            raise undecodable(pos, origin, fmt, exc) from None
    if width == 0 or height == 0:
        raise ContentError(pos, f"image '{origin}' has no pixels ({width}×{height})", "replace it with a real picture")
    orientation = _orientation(image, data)
    if _kept(image, fmt, orientation):
        mime, ext = _KEPT[fmt]
        return ImageData(data, mime, ext, width, height, origin)
    cached = _cache_read(data)
    if cached is not None:
        found = identify(cached, origin)
        if found is not None:
            return found
    upright = ImageOps.exif_transpose(image) if orientation not in (0, 1) else image
    converted = _encode(eight_bit(upright), jpeg=fmt == "JPEG")
    _cache_write(data, converted)
    found = identify(converted, origin)
    assert found is not None
    return found


def open_image(data: bytes):
    """``PIL.Image.open`` of image bytes the course was loaded with (unread: call ``load``), without Pillow's
    decompression-bomb warning: :func:`prepare_raster` checked their pixels against ``image_megapixels``, which
    a course may raise above Pillow's 89 MP."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def _kept(image, fmt: str, orientation: int) -> bool:
    """True if the outputs take the file's own bytes: PNG, JPEG or GIF, upright, 8 bits per sample."""
    return fmt in _KEPT and orientation in (0, 1) and image.mode not in _WIDE


def eight_bit(image):
    """``image`` (a Pillow image) with grey levels wider than 8 bits scaled to mode ``L``; any other image as it is.

    16-bit levels (modes ``I;16*``, and ``I`` as Pillow reads a 16-bit PNG) are divided by 257 (65535 → 255);
    a float image (``F``) is stretched from its lowest to its highest value. Pillow's ``convert`` would clip.
    """
    if image.mode not in _WIDE:
        return image
    if image.mode == "F":
        low, high = image.getextrema()
        scale = 255.0 / (high - low) if high > low else 0.0
        return image.point(lambda v: v * scale - low * scale).convert("L")
    return image.convert("I").point(lambda v: v * (1 / 257)).convert("L")


def too_large(pos: SourcePos, origin: str, limits: Limits) -> ContentError:
    """The error for an image Pillow refuses to open at all (over twice ``PIL.Image.MAX_IMAGE_PIXELS``,
    ≈ 179 MP by default: its size is not known), worded as the ``image_megapixels`` limit is."""
    from PIL import Image

    ceiling = round(2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6)
    over = (f"over the limit of {limits.image_megapixels:g} megapixels (image_megapixels)"
            if limits.image_megapixels < ceiling else "more than the image library opens")
    return ContentError(pos, f"image '{origin}' has more than {ceiling:,} megapixels, {over}", "scale the image down")


def _marker() -> bytes:
    """What a decoded-before marker holds: the Pillow version that decoded the bytes (another Pillow decodes again)."""
    import PIL

    return f"decoded by Pillow {PIL.__version__}".encode()


def _decoded_before(digest: str) -> bool:
    """True if bytes of SHA-256 ``digest`` were decoded in full by an earlier build (a marker in the cache)."""
    try:
        return read_private(cache_folder(DECODED_NAME) / digest) == _marker()
    except OSError:
        return False


def _remember_decoded(digest: str) -> None:
    """Mark bytes of SHA-256 ``digest`` as decodable, so later loads skip decoding them (≈ 0.1 s per 2 MP)."""
    try:
        write_private(cache_folder(DECODED_NAME), digest, _marker())
    except OSError:
        pass


def identify(data: bytes, origin: str, formats: tuple[str, ...] = tuple(_KEPT)) -> Optional[ImageData]:
    """ImageData for ``data`` if Pillow identifies it as one of ``formats`` (Pillow format names: PNG, JPEG,
    GIF), with its size in px from the header (nothing decoded); None for anything else (a damaged cache entry).
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=formats) as result:
            if result.format not in formats or result.format not in _KEPT:
                return None
            mime, ext = _KEPT[result.format]
            return ImageData(data, mime, ext, result.width, result.height, origin)
    except Exception:       # noqa: BLE001 — Pillow raises many kinds for bytes that are not an image
        return None


def _orientation(image, data: bytes) -> int:
    """The EXIF Orientation (0: none). A PNG without an ``eXIf`` chunk has none: Pillow would decode
    every pixel looking for one (the chunk may follow the image data)."""
    if image.format == "PNG" and b"eXIf" not in data:
        return 0
    try:
        return int(image.getexif().get(_ORIENTATION, 0) or 0)
    except Exception:       # a damaged EXIF block: show the pixels as stored
        return 0


def _encode(image, jpeg: bool) -> bytes:
    """PNG (lossless, keeps transparency), or JPEG at quality 92 for photos that were JPEG."""
    out = io.BytesIO()
    if jpeg and image.mode in ("RGB", "L", "CMYK"):
        image.save(out, "JPEG", quality=92, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=False)
    return out.getvalue()


def _cache_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + ".8bit.img"     # ".img" entries may hold 16-bit grey


def _cache_read(data: bytes) -> Optional[bytes]:
    try:
        return read_private(cache_folder(CACHE_NAME) / _cache_key(data))
    except OSError:         # a miss, or a planted link (never followed)
        return None


def _cache_write(data: bytes, converted: bytes) -> None:
    try:
        write_private(cache_folder(CACHE_NAME), _cache_key(data), converted)
    except OSError:         # no writable private folder: converted again next time
        pass
