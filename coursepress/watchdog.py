"""The per-output time limit: no output may run past ``limits.output_minutes`` (default 10).

:func:`time_limit` arms a timer (``SIGALRM``, in the process that builds the
output: a forked build process, or the build itself when it runs one output
at a time) around one output; :func:`step` records what the writer is doing
(laying out pages, writing the PDF …). When the time is up, the output stops
with a :class:`~coursepress.errors.BuildError` that says which output, how
long, what it was doing and how to raise the limit. The timer fires between
two Python steps of the writer; WeasyPrint's layout and python-pptx are
Python, so a long layout is stopped within moments.

If the writer is inside one long call into a C library when the time is up
(the timer's exception waits for it to return), a second timer
:data:`GRACE_S` later writes the same message to standard error and ends the
process (exit code 1); the next build removes the staging folder it leaves.
Where no signal timer can be armed (not the main thread, no ``SIGALRM`` on the
platform) only that second timer guards the output.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import BuildError
from .limits import COURSE_FILE

GRACE_S = 60.0
# The step the build process is in: read by the timers (the second one runs in its own thread, so a
# context variable would not show it). One output is built at a time per process.
_STEPS: list[str] = ["starting"]


@contextmanager
def step(what: str) -> Iterator[None]:
    """Record ``what`` (e.g. "laying out the handout's pages") as the current step while the block runs."""
    _STEPS.append(what)
    try:
        yield
    finally:
        _STEPS.pop()


class OutputTimeout(BuildError):
    """An output ran past its time limit."""


@contextmanager
def time_limit(minutes: float, output: str) -> Iterator[None]:
    """Stop the block with :class:`OutputTimeout` if it runs past ``minutes``.

    Args:
        minutes: the limit (``limits.output_minutes`` of course.yaml).
        output: the output, for the message ("the handout of lecture 'intro'").

    Raises:
        OutputTimeout: naming ``output``, the limit, the step it was in and how to raise the limit.
    """
    def message() -> str:
        return (f"{output} ran past the time limit of {minutes:g} minutes while {_STEPS[-1]}, and was "
                f"stopped; make the content smaller, or raise the limit with "
                f"'limits: {{output_minutes: {minutes * 2:g}}}' in {COURSE_FILE}")

    def hard_stop() -> None:        # the writer is stuck in a C call: say what it was doing, then end
        sys.stderr.write(f"error: {message()}\n")
        sys.stderr.flush()
        os._exit(1)

    guard = threading.Timer(minutes * 60 + GRACE_S, hard_stop)
    guard.daemon = True
    guard.start()
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        try:
            yield
        finally:
            guard.cancel()
        return

    def expire(_signum, _frame):
        raise OutputTimeout(message())

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, minutes * 60)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        guard.cancel()
