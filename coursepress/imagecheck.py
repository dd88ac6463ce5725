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

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, Optional

from .errors import ContentError, Problems, SourcePos

HELD_BYTES = 256 * 1024 * 1024      # resampled pixels waiting for the encoder at most (beyond: encoded at once)

_CURRENT: ContextVar[Optional["ThreadedDecodes"]] = ContextVar("coursepress_image_decodes", default=None)
# (process id, cache key → future of the prepared bytes) of the last load that planned preparations
_AHEAD: ContextVar[Optional[tuple[int, dict[str, Future]]]] = ContextVar("coursepress_images_ahead", default=None)


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


class ThreadedDecodes:
    """Full decodes started by :meth:`submit`, turned into errors of ``problems`` by :meth:`collect`; with a
    :meth:`plan`, each decoded image is then prepared for print from the same decode (see the module
    docstring)."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self._executor: Optional[ThreadPoolExecutor] = None
        self._pending: list[tuple[int, SourcePos, str, str, Future]] = []
        self._planned = threading.Event()
        self._collected = threading.Event()     # every decode done: the encoder may start (see _encode_later)
        self._wanted: dict[str, list[tuple[tuple[int, int], int, bool, str, Future]]] = {}
        self.ahead: dict[str, Future] = {}
        self._submitted: set[str] = set()
        self._stopped = False
        self._encoder: Optional[ThreadPoolExecutor] = None
        self._lock = threading.Lock()
        self._held = 0
        self._running = 0           # decodes submitted and not finished
        self._closed = False

    def submit(self, data: bytes, pos: SourcePos, origin: str, fmt: str, done: Callable[[], None],
               digest: str = "") -> None:
        """Decode ``data`` (an image named at ``pos`` as ``origin``, Pillow format ``fmt``, SHA-256 ``digest``)
        on a thread; ``done()`` runs after a decode that succeeded."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="coursepress-decode")
            self._encoder = ThreadPoolExecutor(max(1, (os.cpu_count() or 1) - 1), thread_name_prefix="coursepress-encode")
        decoded: Future = Future()
        self._pending.append((len(self.problems.errors), pos, origin, fmt, decoded))
        first = bool(digest) and digest not in self._submitted    # the same bytes named twice: prepared once
        self._submitted.add(digest)
        with self._lock:
            self._running += 1
        self._executor.submit(self._run, data, fmt, digest if first else "", done, decoded)

    def _run(self, data: bytes, fmt: str, digest: str, done: Callable[[], None], decoded: Future) -> None:
        """:meth:`_decode_and_prepare`; the last one after :meth:`close` lets the encoder's threads end."""
        try:
            self._decode_and_prepare(data, fmt, digest, done, decoded)
        finally:
            with self._lock:
                self._running -= 1
                last = self._closed and not self._running
            if last and self._encoder is not None:
                self._encoder.shutdown(wait=False)

    def _decode_and_prepare(self, data: bytes, fmt: str, digest: str, done: Callable[[], None],
                            decoded: Future) -> None:
        """On a thread: decode every pixel of the first frame of ``data`` (``decoded`` gets what Pillow
        raises), call ``done``; then, once :meth:`plan` was called, prepare what it asks of these bytes."""
        from .imageprep import resample
        from .images import open_image

        try:
            image = open_image(data)
            image.load()
        except BaseException as exc:      # noqa: BLE001 — the load reports it at the image's line
            decoded.set_exception(exc)
            return
        done()
        decoded.set_result(None)
        with image:
            self._planned.wait()
            for size, quality, layers, key, result in self._wanted.get(digest, ()):
                if self._stopped or not result.set_running_or_notify_cancel():
                    continue
                if fmt == "JPEG" and image.size != size:     # prepared from a DCT-scaled decode: elsewhere
                    result.set_exception(LookupError("a JPEG is prepared from its own scaled decode"))
                    continue
                try:
                    stage = resample(image, size)
                except Exception as exc:      # noqa: BLE001 — the handout prepares it again and reports
                    result.set_exception(exc)
                    continue
                if stage.resized and self._encoder is not None and self._hold(stage.nbytes):
                    try:
                        self._encoder.submit(self._encode_later, stage, quality, layers, key, result, stage.nbytes)
                        continue
                    except RuntimeError:      # the interpreter is exiting: encoded here
                        with self._lock:
                            self._held -= stage.nbytes
                self._encode(stage, quality, layers, key, result, 0)

    def _hold(self, nbytes: int) -> bool:
        """True if ``nbytes`` more resampled pixels may wait for the encoder (within :data:`HELD_BYTES`)."""
        with self._lock:
            if self._held + nbytes > HELD_BYTES:
                return False
            self._held += nbytes
            return True

    def _encode_later(self, stage, quality: int, layers: bool, key: str, result: Future, held: int) -> None:
        """On the encoder's thread: :meth:`_encode` once every decode is done (:meth:`collect`, :meth:`close`).
        The load waits for the decodes, and an encode beside them would slow them down; the load is on the
        build's critical path, the encodes are not (the PDF takes their bytes at its end). The pixels held
        meanwhile stay within :data:`HELD_BYTES` (beyond, a decode thread encodes at once)."""
        self._collected.wait()
        self._encode(stage, quality, layers, key, result, held)

    def _encode(self, stage, quality: int, layers: bool, key: str, result: Future, held: int) -> None:
        """Encode a resampled image into ``result`` and the image cache under ``key``; ``held`` bytes waited."""
        from .imageprep import _cache_write, encode_resampled

        try:
            if not self._stopped:
                prepared = encode_resampled(stage, quality, layers)
                if prepared is not None:
                    _cache_write(key, prepared)
                result.set_result(prepared)
            else:
                result.set_exception(LookupError("the load stopped"))
        except Exception as exc:      # noqa: BLE001 — the handout prepares it again and reports
            result.set_exception(exc)
        finally:
            with self._lock:
                self._held -= held

    def plan(self, wanted: dict[str, list[tuple[tuple[int, int], int, bool, str]]]) -> None:
        """Prepare from the decodes: ``wanted`` maps the SHA-256 of an image's bytes to (size px, JPEG
        quality, layers, cache key) per preparation (:func:`coursepress.imageprep.prepare_loaded`, written
        to the image cache under the key); images this load did not decode are left out. Each one's
        result (prepared bytes, None: kept as it is) is in :attr:`ahead` under its key at once. Call once,
        after the last :meth:`submit`."""
        for digest, items in wanted.items():
            if digest not in self._submitted:
                continue
            for size, quality, layers, key in items:
                if key not in self.ahead:
                    self.ahead[key] = Future()
                    self._wanted.setdefault(digest, []).append((size, quality, layers, key, self.ahead[key]))
        self._planned.set()

    @property
    def planned(self) -> bool:
        """:meth:`plan` was called."""
        return self._planned.is_set()

    def collect(self) -> None:
        """Wait for every decode; each failure is an error at the place in ``problems.errors`` where reading
        order puts it."""
        for index, pos, origin, fmt, future in reversed(self._pending):
            exc = future.exception()
            if exc is not None:
                self.problems.errors.insert(index, undecodable(pos, origin, fmt, exc))
        self._pending.clear()
        self._collected.set()

    def close(self, keep_preparing: bool = False) -> None:
        """Stop the threads; ``keep_preparing``: they finish the planned preparations first (without
        keeping this process waiting; Python joins them at exit), else those are cancelled."""
        self._stopped = not keep_preparing
        self._planned.set()
        self._collected.set()
        with self._lock:
            self._closed = True
            idle = not self._running
        if self._executor is not None:
            self._executor.shutdown(wait=not keep_preparing, cancel_futures=not keep_preparing)
        if self._encoder is not None and (idle or not keep_preparing):   # else the last decode thread does it
            self._encoder.shutdown(wait=not keep_preparing, cancel_futures=not keep_preparing)


def current() -> Optional[ThreadedDecodes]:
    """The decodes of the load in progress, or None outside :func:`decoding_on_threads` (decode at once)."""
    return _CURRENT.get()


def prepared_ahead(key: str) -> Optional[Future]:
    """The preparation under cache ``key`` planned by the last load in this process and context (a future of
    the prepared bytes, None: kept as it is), or None. Never one of another process (a forked build's
    parent's threads are not in the child)."""
    found = _AHEAD.get()
    return found[1].get(key) if found is not None and found[0] == os.getpid() else None


def planned_keys() -> list[str]:
    """The cache keys of the preparations the last load in this process planned (see :func:`prepared_ahead`)."""
    found = _AHEAD.get()
    return list(found[1]) if found is not None and found[0] == os.getpid() else []


def finish_ahead() -> None:
    """Wait until every preparation the last load in this process planned is done (each in the image cache).
    For a process that loaded for another one (:mod:`coursepress.overlap`) and ends next."""
    found = _AHEAD.get()
    for future in (found[1].values() if found is not None and found[0] == os.getpid() else ()):
        future.exception()


class _Child:
    """A forked process preparing images for this one (:func:`adopt`): waited for once, by whoever asks first."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._lock = threading.Lock()
        self._done = False

    def wait(self) -> None:
        with self._lock:
            if not self._done:
                try:
                    os.waitpid(self.pid, 0)
                except ChildProcessError:
                    pass
                self._done = True


class _FromChild(Future):
    """A preparation done by a forked process: its result is the image cache's entry once that process ended
    (:class:`LookupError` when there is none: kept as it is, or not done; the caller prepares it itself)."""

    def __init__(self, child: _Child, key: str) -> None:
        super().__init__()
        self._child, self._key = child, key

    def result(self, timeout: Optional[float] = None) -> bytes:
        from .cachedir import cache_folder, read_private
        from .imageprep import CACHE_NAME

        self._child.wait()
        try:
            return read_private(cache_folder(CACHE_NAME) / self._key)
        except OSError:
            raise LookupError(self._key) from None


def adopt(pid: int, keys: list[str]) -> None:
    """The preparations under ``keys`` are done by the forked process ``pid`` (this process's child, which
    loaded the course and ends when they are: :mod:`coursepress.overlap`); :func:`prepared_ahead` gives them
    here, and the first one asked for waits for that process (it is reaped then)."""
    child = _Child(pid)
    _AHEAD.set((os.getpid(), {key: _FromChild(child, key) for key in keys}))


@contextmanager
def decoding_on_threads(problems: Problems) -> Iterator[ThreadedDecodes]:
    """Images loaded inside the block are decoded on threads; their failures are added to ``problems``
    when the block ends normally. Preparations :meth:`ThreadedDecodes.plan` asked for go on after the
    block (unless it found errors) and are found by :func:`prepared_ahead`."""
    decodes = ThreadedDecodes(problems)
    token = _CURRENT.set(decodes)
    keep = False
    with strict_decoding():
        try:
            yield decodes
            if not decodes.planned:
                decodes.plan({})        # the threads wait for a plan before their next decode
            decodes.collect()
            keep = bool(decodes.ahead) and not problems.errors
        finally:
            _CURRENT.reset(token)
            decodes.close(keep_preparing=keep)
    _AHEAD.set((os.getpid(), decodes.ahead) if keep else None)
