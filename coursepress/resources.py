"""The one gate every content resource goes through.

Images referenced from Markdown, the reference deck and fonts are resolved here:
only files inside the project are read; URLs are refused (no network during a
build); ``data:`` URIs are decoded in memory. Images are sniffed by their bytes,
not their extension, and SVG is checked for scripts and external references.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .errors import ContentError, SourcePos

MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImageData:
    """Bytes of an image with its sniffed type.

    ``mime`` is image/png, image/jpeg, image/gif or image/svg+xml; ``ext`` the
    matching file extension (png, jpg, gif, svg); sizes in pixels (SVG: from its
    viewBox or width/height, in CSS px).
    """

    data: bytes
    mime: str
    ext: str
    width_px: int
    height_px: int
    origin: str

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.data).hexdigest()

    def data_uri(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.data).decode("ascii")


def inside(root: Path, path: Path) -> bool:
    """True if ``path`` (after resolving symlinks) lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def resolve_path(root: Path, base_dir: Path, ref: str, pos: SourcePos, what: str) -> Path:
    """Resolve a relative path written in content to a file inside the project.

    Args:
        root: the project root.
        base_dir: the folder of the file that names the path.
        ref: the path as written (POSIX, relative).
        pos: where it is written, for errors.
        what: "image", "reference deck" … for messages.

    Raises:
        ContentError: URLs, absolute paths, paths that leave the project
            (``..`` or symlinks) and missing files, each naming the path.
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", ref) and not re.match(r"^[a-zA-Z]:[\\/]", ref):
        raise ContentError(pos, f"{what} '{ref}' is a URL; builds never fetch from the network",
                           "download the file into the project and use a relative path")
    if ref.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:[\\/]", ref):
        raise ContentError(pos, f"{what} path '{ref}' is absolute",
                           "use a relative path (in Markdown: relative to the lecture file; "
                           "in course.yaml: relative to the project folder)")
    path = base_dir / unquote(ref)
    if not inside(root, path):
        raise ContentError(pos, f"{what} path '{ref}' leaves the project folder",
                           "copy the file into the project and refer to it there")
    if not path.is_file():
        raise ContentError(pos, f"{what} '{ref}' does not exist",
                           f"check the path (looked for {path.resolve().relative_to(root.resolve()).as_posix()})")
    return path


def load_image(root: Path, base_dir: Path, ref: str, pos: SourcePos) -> ImageData:
    """Load an image named in content (a relative path or a ``data:`` URI).

    Raises:
        ContentError: see :func:`resolve_path`; also unreadable, unknown-format,
            undecodable, over-large and unsafe (scripted or externally linked SVG)
            images. Raster images are decoded and prepared by
            :func:`coursepress.images.prepare_raster` (WebP converted, EXIF turned upright).
    """
    if ref.startswith("data:"):
        match = re.match(r"^data:([\w/+.-]+)?(;base64)?,(.*)$", ref, re.S)
        if not match or not match.group(2):
            raise ContentError(pos, "data: image is not base64-encoded", "use data:image/png;base64,…")
        try:
            data = base64.b64decode(match.group(3), validate=True)
        except (binascii.Error, ValueError):
            raise ContentError(pos, "data: image has invalid base64", "re-encode the image") from None
        origin = "data URI"
    else:
        path = resolve_path(root, base_dir, ref, pos, "image")
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise ContentError(pos, f"image '{ref}' is larger than {MAX_IMAGE_BYTES // 2**20} MB", "shrink it")
        data = path.read_bytes()
        origin = ref
    from .images import is_svg, prepare_raster     # images imports ImageData from here
    if is_svg(data):
        return sniff_image(data, origin, pos)
    return prepare_raster(data, origin, pos, root)


def sniff_image(data: bytes, origin: str, pos: SourcePos) -> ImageData:
    """Identify ``data`` by its magic bytes and read its pixel size.

    Raises:
        ContentError: unknown or broken format, unsafe SVG.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return ImageData(data, "image/png", "png", w, h, origin)
    if data.startswith(b"GIF8") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return ImageData(data, "image/gif", "gif", w, h, origin)
    if data.startswith(b"\xff\xd8"):
        size = _jpeg_size(data)
        if size:
            return ImageData(data, "image/jpeg", "jpg", size[0], size[1], origin)
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) and b"<svg" in head:
        check_svg(data, origin, pos)
        w, h = _svg_size(data)
        return ImageData(data, "image/svg+xml", "svg", w, h, origin)
    raise ContentError(pos, f"'{origin}' is not a readable PNG, JPEG, GIF or SVG image",
                       "convert it to PNG or SVG")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


_SVG_BAD = re.compile(rb"<\s*script|\son[a-z]+\s*=|<\s*foreignObject|javascript:", re.I)
_SVG_HREF = re.compile(rb"""(?:xlink:)?href\s*=\s*["']\s*([^"'#][^"']*)["']|url\(\s*["']?\s*([^)#"'][^)"']*)""", re.I)


def check_svg(data: bytes, origin: str, pos: SourcePos) -> None:
    """Refuse SVG with scripts, event handlers or references to other files or URLs.

    Raises:
        ContentError: naming the file and what was found.
    """
    if _SVG_BAD.search(data):
        raise ContentError(pos, f"SVG '{origin}' contains a script or event handler",
                           "remove scripts from the SVG (export it as plain SVG)")
    for match in _SVG_HREF.finditer(data):
        target = (match.group(1) or match.group(2) or b"").decode("utf-8", "replace")
        if not target.startswith("data:"):
            raise ContentError(pos, f"SVG '{origin}' refers to an external resource '{target}'",
                               "embed the resource or remove the reference")
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data and b"[" in data.split(b"<!DOCTYPE", 1)[1][:200]:
        raise ContentError(pos, f"SVG '{origin}' declares XML entities", "remove the DOCTYPE/ENTITY declarations")


def _svg_size(data: bytes) -> tuple[int, int]:
    text = data[:4096].decode("utf-8", "replace")
    vb = re.search(r'viewBox\s*=\s*["\']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', text)
    if vb:
        return int(float(vb.group(1))), int(float(vb.group(2)))
    w = re.search(r'\swidth\s*=\s*["\']([\d.]+)', text)
    h = re.search(r'\sheight\s*=\s*["\']([\d.]+)', text)
    return (int(float(w.group(1))) if w else 300, int(float(h.group(1))) if h else 150)


def make_url_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URL fetcher that only serves ``data:`` URIs and files under ``allowed_roots``.

    WeasyPrint ≥ 70 takes a :class:`weasyprint.urls.URLFetcher` subclass. Every
    refused URL is recorded in ``fetcher.refused`` so the build can report it;
    nothing is ever fetched from the network.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [r.resolve() for r in allowed_roots]

    class ProjectURLFetcher(URLFetcher):
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"})
            self.refused = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                from urllib.request import url2pathname
                path = Path(url2pathname(url[7:].split("?")[0].split("#")[0])).resolve()
                if any(path.is_relative_to(r) for r in roots) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            self.refused.append(url)
            raise ValueError(f"refused: {url} (outside the project or not a local file)")

    return ProjectURLFetcher()
