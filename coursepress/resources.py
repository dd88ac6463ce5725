"""The one gate every content resource goes through.

Images referenced from Markdown, the reference deck and fonts are resolved here:
only files inside the project are read; URLs are refused (no network during a
build); ``data:`` URIs are decoded in memory. Images are sniffed by their bytes,
not their extension, and SVG is checked for scripts and external references.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

from .errors import ContentError, SourcePos
from .limits import DEFAULTS, Limits, check_bytes, check_pixels
from .svgcheck import check_svg


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
    """True if ``path`` (after resolving symlinks) lies inside ``root``; False for a symlink loop."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def _shown(path: Path, root: Path) -> str:
    """``path`` as the user wrote it: relative to ``root`` without resolving links."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def project_path(root: Path, path: Path, pos: SourcePos, what: str, folder: bool = False) -> Path:
    """The gate: the real path of ``path``, a regular file (or ``folder``) inside project ``root``.

    Every file the project supplies (course.yaml, data files, lectures, images,
    templates, fonts, a configured reference deck, the state file) passes here.
    Symlinks are resolved; the target must lie inside the real project root.

    Args:
        root: the project root.
        path: the path to check (absolute, or relative to the current folder).
        pos: where the path is named (the file itself for course.yaml …), for errors.
        what: "image", "template" … for messages.
        folder: expect a folder instead of a regular file.

    Returns:
        The resolved path (no symlink left in it).

    Raises:
        ContentError: at ``pos``: a missing file or dangling link, a symlink loop,
            a target outside the project, a special file (FIFO, device, socket)
            or a folder where a file is expected (and the reverse).
    """
    shown = _shown(path, root)
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        if os.path.islink(path):
            raise ContentError(pos, f"{what} '{shown}' is a link to a file that does not exist",
                               "copy the file into the project and refer to it there") from None
        raise ContentError(pos, f"{what} '{shown}' does not exist", "check the path") from None
    except OSError as exc:
        problem = "is a symlink loop" if exc.errno == errno.ELOOP else f"cannot be read ({exc.strerror})"
        raise ContentError(pos, f"{what} '{shown}' {problem}", "replace the link by the file itself") from None
    if not real.is_relative_to(os.path.realpath(root)):
        raise ContentError(pos, f"{what} '{shown}' leaves the project folder (it is a link to '{real}')",
                           "copy the file into the project and refer to it there")
    mode = os.stat(real).st_mode
    if (stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)):
        return real
    expected = "folder" if folder else "file"
    raise ContentError(pos, f"{what} '{shown}' is {_kind(mode) if not stat.S_ISREG(mode) else 'a file'}, "
                       f"not a {'regular ' if not folder else ''}{expected}",
                       f"put a {expected} there; builds read only regular files of the project")


def read_project_file(root: Path, path: Path, pos: SourcePos, what: str, max_bytes: Optional[int] = None,
                      too_big=None) -> bytes:
    """The bytes of project file ``path`` after :func:`project_path`, read at most ``max_bytes``.

    The file is opened without following a link in its last part and without
    blocking (a FIFO swapped in after the check is refused, not waited on);
    its type and size are checked on the open file.

    Args:
        max_bytes: the size limit, or None.
        too_big: called with the size in bytes when it is over ``max_bytes``;
            must raise (see :func:`coursepress.limits.check_bytes`).

    Raises:
        ContentError: see :func:`project_path`; an unreadable or over-large file.
    """
    real = project_path(root, path, pos, what)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ContentError(pos, f"{what} '{_shown(path, root)}' cannot be read ({exc.strerror})",
                           "check the file's permissions") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ContentError(pos, f"{what} '{_shown(path, root)}' is {_kind(info.st_mode)}, not a regular file",
                               "put a file there")
        if max_bytes is not None and info.st_size > max_bytes:
            too_big(info.st_size)
        data = handle.read() if max_bytes is None else handle.read(min(max_bytes, info.st_size) + 1)
    if max_bytes is not None and len(data) > max_bytes:
        too_big(len(data))
    return data


def resolve_path(root: Path, base_dir: Path, ref: str, pos: SourcePos, what: str) -> Path:
    """Resolve a relative path written in content to a file inside the project.

    Args:
        root: the project root.
        base_dir: the folder of the file that names the path.
        ref: the path as written (POSIX, relative).
        pos: where it is written, for errors.
        what: "image", "reference deck" … for messages.

    Returns:
        The real path (symlinks resolved) of a regular file inside the project.

    Raises:
        ContentError: URLs, absolute paths, paths that leave the project
            (``..`` or symlinks), symlink loops, special files and missing
            files, each naming the path as written.
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", ref) and not re.match(r"^[a-zA-Z]:[\\/]", ref):
        raise ContentError(pos, f"{what} '{unquote(ref)}' is a URL; builds never fetch from the network",
                           "download the file into the project and use a relative path")
    if ref.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:[\\/]", ref):
        raise ContentError(pos, f"{what} path '{unquote(ref)}' is absolute",
                           "use a relative path (in Markdown: relative to the lecture file; "
                           "in course.yaml: relative to the project folder)")
    bad = re.search(r"[\x00-\x1f\x7f]", unquote(ref))
    if bad:
        raise ContentError(pos, f"{what} path '{ref}' holds the control character U+{ord(bad.group()):04X} "
                           f"({'NUL' if bad.group() == chr(0) else 'invisible'}), which no file name can hold",
                           "remove it from the path (look for %00 or a similar %-escape)")
    path = base_dir / unquote(ref)
    if not Path(os.path.normpath(path)).is_relative_to(os.path.normpath(root)):
        raise ContentError(pos, f"{what} path '{unquote(ref)}' leaves the project folder",
                           "copy the file into the project and refer to it there")
    try:
        return project_path(root, path, pos, what)
    except ContentError as exc:      # name the path as written in the content (Markdown %-encodes a link's
        shown = _shown(path, root)   # spaces and Chinese: '%E5%9B%BE.png' is U+56FE '.png')
        raise ContentError(pos, exc.message.replace(f"'{shown}'", f"'{unquote(ref)}'"), exc.hint) from None


def load_image(root: Path, base_dir: Path, ref: str, pos: SourcePos, limits: Limits = DEFAULTS) -> ImageData:
    """Load an image named in content (a relative path or a ``data:`` URI).

    A ``data:`` URI is held to the same limits as a file (``image_mb``,
    ``image_megapixels``, the SVG checks); its size is checked before it is decoded.

    Raises:
        ContentError: see :func:`resolve_path`; also unreadable, unknown-format,
            undecodable, over-large (bytes or pixels) and unsafe (scripted or externally
            linked SVG) images. Raster images are decoded and prepared by
            :func:`coursepress.images.prepare_raster` (WebP converted, EXIF turned upright).
    """
    if ref.startswith("data:"):
        match = re.match(r"^data:([\w/+.-]+)?(;base64)?,(.*)$", ref, re.S)
        if not match or not match.group(2):
            raise ContentError(pos, "data: image is not base64-encoded", "use data:image/png;base64,…")
        check_bytes(pos, "data: image", len(match.group(3)) * 3 // 4, limits, "image_mb", "shrink the image")
        try:
            data = base64.b64decode(match.group(3), validate=True)
        except (binascii.Error, ValueError):
            raise ContentError(pos, "data: image has invalid base64", "re-encode the image") from None
        origin = "data URI"
    else:
        path = resolve_path(root, base_dir, ref, pos, "image")
        data = read_project_file(root, path, pos, "image", limits.bytes("image_mb"), lambda size: check_bytes(
            pos, f"image '{ref}'", size, limits, "image_mb", "shrink the image"))
        origin = ref
    from .images import prepare_raster     # images imports ImageData from here
    if is_svg(data):
        return sniff_image(data, origin, pos, limits)
    return prepare_raster(data, origin, pos, limits)


def sniff_image(data: bytes, origin: str, pos: SourcePos, limits: Limits = DEFAULTS) -> ImageData:
    """Identify ``data`` (PNG, JPEG or GIF by Pillow from its header, or a safe SVG parsed by
    :func:`coursepress.svgcheck.check_svg`) and read its size in px (SVG: user units).

    Raises:
        ContentError: unknown or broken format, over ``limits.image_megapixels``, unsafe SVG.
    """
    if is_svg(data):
        w, h = check_svg(data, origin, pos, limits)
        return ImageData(data, "image/svg+xml", "svg", w, h, origin)
    from .images import identify       # images imports ImageData from here

    image = identify(data, origin)
    if image is None:
        raise ContentError(pos, f"'{origin}' is not a readable PNG, JPEG, GIF or SVG image",
                           "convert it to PNG or SVG")
    check_pixels(pos, f"image '{origin}'", image.width_px, image.height_px, limits)
    return image


def is_svg(data: bytes) -> bool:
    """True if ``data`` starts like an SVG document (any namespace prefix: ``<s:svg xmlns:s=…>``)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and bool(re.search(rb"<([\w.-]+:)?svg[\s>/]", head))


def make_url_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URL fetcher that only serves ``data:`` URIs, files under ``allowed_roots`` and the
    prepared images put in its ``images`` (URL → :class:`ImageData`, held in memory).

    WeasyPrint ≥ 70 takes a :class:`weasyprint.urls.URLFetcher` subclass. Every
    refused URL is recorded in ``fetcher.refused`` so the build can report it;
    nothing is ever fetched from the network.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [r.resolve() for r in allowed_roots]

    class ProjectURLFetcher(URLFetcher):
        refused: list[str]
        images: dict[str, ImageData]

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"})
            self.refused = []
            self.images = {}

        def fetch(self, url, headers=None):
            if url in self.images:
                image = self.images[url]
                return URLFetcherResponse(url, image.data, headers={"Content-Type": image.mime})
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
