"""The per-output time limit: no output may run past ``limits.output_minutes`` (default 10).

:func:`time_limit` arms a timer (``SIGALRM``, in the process that builds the
output: a forked build process, or the build itself when it runs one output
at a time) around one output; :func:`step` records what the writer is doing
(laying out pages, writing the PDF …). When the time is up, the output stops
with a :class:`~coursepress.errors.BuildError` that says which output, how
long, what it was doing and how to raise the limit. The timer fires between
two Python steps of the writer; WeasyPrint's layout and python-pptx are
Python, so a long layout is stopped within moments.

Where no timer can be armed (not the main thread, no ``SIGALRM`` on the
platform) the output runs without one.
"""

from __future__ import annotations

import contextvars
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import BuildError
from .limits import COURSE_FILE

_STEP: contextvars.ContextVar[str] = contextvars.ContextVar("coursepress_step", default="starting")


@contextmanager
def step(what: str) -> Iterator[None]:
    """Record ``what`` (e.g. "laying out the handout's pages") as the current step while the block runs."""
    token = _STEP.set(what)
    try:
        yield
    finally:
        _STEP.reset(token)


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
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(_signum, _frame):
        raise OutputTimeout(f"{output} ran past the time limit of {minutes:g} minutes while {_STEP.get()}, and was "
                            f"stopped; make the content smaller, or raise the limit with "
                            f"'limits: {{output_minutes: {minutes * 2:g}}}' in {COURSE_FILE}")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, minutes * 60)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
