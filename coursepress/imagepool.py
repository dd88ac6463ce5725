"""Images prepared in worker processes while the handout is laid out (issue 20).

Preparing a screenshot for print (decode, resample, encode: :func:`coursepress.imageprep.prepare_bytes`)
takes ≈ 0.06 s of CPU; a chapter with 60 of them and an empty image cache spent half its build on them, one
after another, before WeasyPrint laid out a page. Layout needs only an image's size in pixels, which is known
before it is prepared (:func:`coursepress.imageprep.target_pixels`); its bytes are needed only when the PDF
is written. So :class:`ImagePool` runs the preparations in a process pool on every core, started when the
handout's HTML names the first image (right after the document model is loaded), and a :class:`PendingImage`
stands for each one until the PDF writer asks for its bytes (:mod:`coursepress.writers.pdfimages`).

The result is the same bytes as preparing in the build process (the function is pure) and goes into the same
disk cache, written by the worker.
"""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Optional

from .resources import ImageData

if TYPE_CHECKING:      # a handout whose images are all prepared before starts no pool: no multiprocessing import
    from concurrent.futures import Future, ProcessPoolExecutor


def _work(data: bytes, size: tuple[int, int], quality: int, key: str, layers: bool) -> Optional[bytes]:
    """In a worker: prepare ``data`` at ``size`` and put the result in the disk cache under ``key``."""
    from .imageprep import _cache_write, prepare_bytes

    prepared = prepare_bytes(data, size, quality, layers)
    if prepared is not None:
        _cache_write(key, prepared)
    return prepared


class PendingImage:
    """An image being prepared: its size in px now, its :class:`~coursepress.resources.ImageData` when done.

    ``width_px``/``height_px`` are the prepared size (:func:`~coursepress.imageprep.target_pixels`);
    ``data``, ``mime`` and ``ext`` wait for the worker (:meth:`result`). ``source`` is the image as
    loaded, returned when the preparation keeps it as it is.
    """

    def __init__(self, future: Future, source: ImageData, size: tuple[int, int], key: str, quality: int,
                 layers: bool = False) -> None:
        self._future = future
        self._layers = layers
        self._done: Optional[ImageData] = None
        self.source = source
        self.width_px, self.height_px = size
        self.key = key
        self._quality = quality
        self.origin = source.origin

    def result(self) -> ImageData:
        """The prepared image, waiting for its worker if need be. A worker that failed (killed, out of
        memory) is not trusted: the image is prepared here instead, and what that raises is raised."""
        if self._done is None:
            from .imageprep import _identify, prepare_bytes

            try:
                data = self._future.result()
            except Exception:       # noqa: BLE001 — a broken pool: do the work here
                data = prepare_bytes(self.source.data, (self.width_px, self.height_px), self._quality, self._layers)
            found = _identify(data, self.origin) if data is not None else None
            self._done = found or self.source
        return self._done

    @property
    def data(self) -> bytes:
        return self.result().data

    @property
    def mime(self) -> str:
        return self.result().mime

    @property
    def ext(self) -> str:
        return self.result().ext


class ImagePool:
    """A process pool for image preparations, one per build (or ``watch`` round); :meth:`close` when done.

    ``workers``: processes (default: every core, ``os.cpu_count()``). The pool's processes are forked on
    the first :meth:`submit`, so a build whose images all come from the cache starts none.
    """

    def __init__(self, workers: Optional[int] = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._executor: Optional[ProcessPoolExecutor] = None

    def submit(self, source: ImageData, size: tuple[int, int], quality: int, key: str, layers: bool = False
               ) -> PendingImage:
        """Start preparing ``source`` at ``size`` (px) with JPEG ``quality`` (``layers``: see
        :func:`~coursepress.imageprep.prepare_bytes`); cached under ``key``."""
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from .parallel import quiet_child_signals

            # workers end quietly with their build process (a build stopped by Ctrl-C or its time limit)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=quiet_child_signals, initargs=(os.getpid(),))
            # a build that fails before close() leaves no worker running once the pool is dropped
            weakref.finalize(self, self._executor.shutdown, wait=False, cancel_futures=True)
            return PendingImage(self._first_submit(source.data, size, quality, key, layers), source, size, key,
                                quality, layers)
        future = self._executor.submit(_work, source.data, size, quality, key, layers)
        return PendingImage(future, source, size, key, quality, layers)

    def _first_submit(self, data: bytes, size: tuple[int, int], quality: int, key: str, layers: bool) -> Future:
        """The first submit, which forks every worker (a ``fork`` pool starts them all at once), with stops
        held (:func:`coursepress.parallel.hold_stops`); a stop that comes through all the same (the time
        limit of a build in a thread is raised between two Python steps: :mod:`coursepress.watchdog`)
        kills the workers already forked before it goes on."""
        from .parallel import hold_stops, release_stops

        assert self._executor is not None
        held = hold_stops()
        try:
            return self._executor.submit(_work, data, size, quality, key, layers)
        except BaseException:
            for process in list((getattr(self._executor, "_processes", None) or {}).values()):
                process.kill()
                process.join()
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            raise
        finally:
            release_stops(held)

    def close(self) -> None:
        """Stop the worker processes (after the PDF is written, every result has been taken)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
