"""Images decoded in full on threads while the lectures are read (issue 20).

Loading decodes every pixel of an image it has not seen before, only to prove that every output can show
it (:func:`coursepress.images.prepare_raster`); a chapter with 60 new screenshots spent ≈ 1.4 s of its load
on that, one image after another, before any output started. Inside :func:`decoding_on_threads` (around the
reading of the lectures, :func:`coursepress.load.load_project`) an image kept as it is (PNG, JPEG or GIF,
upright) is decoded on a thread instead (Pillow's decoders release the GIL, so the threads use every core
while the Markdown is read). A failure becomes the same error, at the line naming the image, among the
load's errors in reading order; nothing is built from a load with errors.

Importing WeasyPrint 70 sets Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole process
(``weasyprint/images.py``), and ``watch`` and parallel builds import WeasyPrint before they load: a truncated
image would then "decode" as grey. :func:`strict_decoding` turns it off while the load decodes.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, Optional

from .errors import ContentError, Problems, SourcePos

_CURRENT: ContextVar[Optional["ThreadedDecodes"]] = ContextVar("coursepress_image_decodes", default=None)


def undecodable(pos: SourcePos, origin: str, fmt: str, exc: BaseException) -> ContentError:
    """The error for an image Pillow identified but cannot decode in full (the same from a thread or not)."""
    return ContentError(pos, f"image '{origin}' cannot be decoded ({fmt or 'unknown format'}: "
                        f"{str(exc) or type(exc).__name__}); no output could show it",
                        "open it in an image editor and save it again as PNG or JPEG")


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Pillow refuses truncated image data while the block runs (whatever WeasyPrint's import set), then
    the setting is as it was."""
    from PIL import ImageFile

    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _decode(data: bytes, done: Callable[[], None]) -> None:
    """Decode every pixel of the first frame of ``data`` (raises what Pillow raises), then call ``done``."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
    done()


class ThreadedDecodes:
    """Full decodes started by :meth:`submit`, turned into errors of ``problems`` by :meth:`collect`."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self._executor: Optional[ThreadPoolExecutor] = None
        self._pending: list[tuple[int, SourcePos, str, str, Future]] = []

    def submit(self, data: bytes, pos: SourcePos, origin: str, fmt: str, done: Callable[[], None]) -> None:
        """Decode ``data`` (an image named at ``pos`` as ``origin``, Pillow format ``fmt``) on a thread;
        ``done()`` runs after a decode that succeeded."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="coursepress-decode")
        self._pending.append((len(self.problems.errors), pos, origin, fmt, self._executor.submit(_decode, data, done)))

    def collect(self) -> None:
        """Wait for every decode; each failure is an error at the place in ``problems.errors`` where reading
        order puts it."""
        for index, pos, origin, fmt, future in reversed(self._pending):
            exc = future.exception()
            if exc is not None:
                self.problems.errors.insert(index, undecodable(pos, origin, fmt, exc))
        self._pending.clear()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def current() -> Optional[ThreadedDecodes]:
    """The decodes of the load in progress, or None outside :func:`decoding_on_threads` (decode at once)."""
    return _CURRENT.get()


@contextmanager
def decoding_on_threads(problems: Problems) -> Iterator[ThreadedDecodes]:
    """Images loaded inside the block are decoded on threads; their failures are added to ``problems``
    when the block ends normally."""
    decodes = ThreadedDecodes(problems)
    token = _CURRENT.set(decodes)
    with strict_decoding():
        try:
            yield decodes
            decodes.collect()
        finally:
            _CURRENT.reset(token)
            decodes.close()
