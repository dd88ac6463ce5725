"""Python's cyclic garbage collector paused while outputs are built (issue 20).

CPython starts a full collection whenever the objects that survived earlier
ones have grown by a quarter, and a full collection visits every live object.
A WeasyPrint layout keeps millions alive (boxes, styles, Pango layouts, PDF
objects) and adds them in waves, so a build of the course's handout ran five
full collections: 0.36 s of its 2.9 s of CPU (``gc.callbacks``, 2026-11-30),
the poster three (0.15 s of 1.7 s), the deck two (0.07 s of 0.9 s). They
found next to nothing to free while the output was being made: with the
collector off the handout's peak RSS went from 212 to 219 MB. Reference
counting frees everything outside a cycle as usual. What a layout leaves in
cycles (≈ 180,000 objects after the handout) is garbage once the output is
written; collecting it costs another 0.19 s, which a process that ends right
after need not spend (:func:`collector_paused` with ``keep_garbage``).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Any, Iterator


@contextlib.contextmanager
def collector_paused(keep_garbage: bool = False) -> Iterator[None]:
    """Turn off Python's cyclic garbage collector (:func:`gc.disable`) inside the block; it is turned
    on again afterwards if it was on before, also when the block raises.

    ``keep_garbage``: for a process that ends soon after the block (a one-shot build): every object
    alive when the block ends, cyclic garbage included, goes to the collector's permanent generation
    (:func:`gc.freeze`) first, so no later collection visits them (the process frees them when it
    ends; a caller that lives on keeps them, about one build's worth).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if keep_garbage:
                gc.freeze()
            gc.enable()


def collect_round_garbage() -> int:
    """Free the cyclic garbage a ``watch`` round left (a full :func:`gc.collect`); returns the number of
    objects found unreachable.

    A round is built with the collector paused (:func:`collector_paused`); the objects it made are still
    referenced by the build when the collector is turned on again, so its first collections move them to
    the oldest generation, where CPython visits them only once the survivors of its last full collection
    have grown by a quarter, and only every tenth collection of the middle generation, about every fifth
    round. On the 60-page benchmark chapter each round leaves ≈ 44,000 objects in cycles (the pages laid
    out again, the round's HTML tree and PDF objects): RSS grew ≈ 25 MB a round in process, 35 MB in
    ``watch``, as the freed memory came back in pieces too small to be reused. Collected at the end of
    each round, the garbage is one round's and its memory is reused by the next: RSS stays flat. The kept
    layout is frozen (:func:`gc.freeze`, see ``writers/handout.py``), so the collection visits only
    what is not (≈ 56,000 live objects and the garbage: 0.03–0.1 s of CPU on the chapter, 2026-12-01).

    Then the C allocator gives back the free memory it holds (:func:`_trim_malloc`): the handout is laid
    out in a thread, whose glibc arena keeps what a round freed in pieces, and RSS still crept up ≈ 5 MB a
    round (360 → 463 MB over 20 rounds) with no object left alive.
    """
    found = gc.collect()
    _trim_malloc()
    return found


def _trim_malloc() -> None:
    """Have glibc return the free memory of its arenas to the system (``malloc_trim(0)``, man 3
    malloc_trim); nothing where the C library is not glibc (macOS, musl, Windows)."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        _MALLOC_TRIM = False
        try:
            import ctypes
            import ctypes.util

            name = ctypes.util.find_library("c")
            trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
            if trim is not None:
                trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
                _MALLOC_TRIM = trim
        except OSError:
            pass
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: Any = None        # libc's malloc_trim once looked up; False where there is none
