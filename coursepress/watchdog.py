"""The per-output time limit: no output may run past ``limits.output_minutes`` (default 10).

:func:`time_limit` arms a timer (``SIGALRM``, in the process that builds the
output: a forked build process, or the build itself when it runs one output
at a time) around one output; :func:`step` records what the writer is doing
(laying out pages, writing the PDF …). When the time is up, the output stops
with a :class:`~coursepress.errors.BuildError` that says which output, how
long, what it was doing and how to raise the limit. The timer fires between
two Python steps of the writer; WeasyPrint's layout and python-pptx are
Python, so a long layout is stopped within moments.

An output built in a thread other than the main one (``watch`` builds the
handout in a thread of the watching process: :mod:`coursepress.writers.relayout`)
gets no signal; there a timer thread raises the same stop in the building thread
(``PyThreadState_SetAsyncExc``), also between two Python steps, so the output
fails and the process goes on. The stop is not an :class:`Exception` until it
leaves the block (a writer's ``except Exception`` fallback cannot swallow it);
it becomes :class:`OutputTimeout` there. A library that swallows it all the same
(WeasyPrint draws an SVG inside ``except BaseException``) cannot make the output
pass: a block that ends after its time was up fails with the same error.

If the writer is inside one long call into a C library when the time is up
(the timer's exception waits for it to return), a second timer
:data:`GRACE_S` later writes the same message to standard error and ends the
process (exit code 1); the next build removes the staging folder it leaves.
Where no timer can raise in the building thread (no ``SIGALRM`` on the
platform and no CPython thread API) only that second timer guards the output.
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
    def message(doing: str = "") -> str:
        return (f"{output} ran past the time limit of {minutes:g} minutes while {doing or _STEPS[-1]}, and was "
                f"stopped; make the content smaller, or raise the limit with "
                f"'limits: {{output_minutes: {minutes * 2:g}}}' in {COURSE_FILE}")

    def hard_stop() -> None:        # the writer is stuck in a C call: say what it was doing, then end
        sys.stderr.write(f"error: {message()}\n")
        sys.stderr.flush()
        os._exit(1)

    guard = threading.Timer(minutes * 60 + GRACE_S, hard_stop)
    guard.daemon = True
    guard.start()
    doing: list[str] = []        # the step the writer was in when the time was up (the block unwinds its steps)
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        arm, disarm = _signal_timer(minutes * 60, doing)
    else:
        arm, disarm = _thread_timer(minutes * 60, threading.get_ident(), doing)
    try:
        try:
            arm()
            yield
        finally:
            disarm()
            guard.cancel()
    except _Expired:
        raise OutputTimeout(message(doing[0] if doing else "")) from None
    if doing:       # the stop came and a library swallowed it (WeasyPrint's SVG drawing catches BaseException)
        raise OutputTimeout(message(doing[0]))      # the output may lack what was being drawn: never kept


class _Expired(BaseException):
    """The time limit's stop inside the block (a BaseException, as KeyboardInterrupt: no ``except
    Exception`` of the writer catches it); :func:`time_limit` turns it into :class:`OutputTimeout`."""


def _signal_timer(seconds: float, doing: list[str]) -> tuple:
    """(arm, disarm) of a ``SIGALRM`` timer raising :class:`_Expired` in the main thread after ``seconds``;
    the step then current is appended to ``doing``."""
    previous = None

    def expire(_signum, _frame):
        doing.append(_STEPS[-1])
        raise _Expired

    def arm() -> None:
        nonlocal previous
        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)

    return arm, disarm


def _thread_timer(seconds: float, ident: int, doing: list[str]) -> tuple:
    """(arm, disarm) of a timer raising :class:`_Expired` in the thread ``ident`` after ``seconds``
    (CPython's ``PyThreadState_SetAsyncExc``: delivered between two Python steps of that thread); the step
    then current is appended to ``doing``. After ``disarm`` it raises nothing, and a stop raised but not
    yet delivered is withdrawn."""
    try:
        import ctypes

        raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):       # not CPython: only the second timer guards the output
        return (lambda: None), (lambda: None)
    lock = threading.Lock()
    inside = [False]

    def expire() -> None:
        with lock:
            if inside[0]:
                doing.append(_STEPS[-1])
                raise_in(ctypes.c_ulong(ident), ctypes.py_object(_Expired))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True

    def arm() -> None:
        inside[0] = True
        timer.start()

    def disarm() -> None:
        timer.cancel()
        with lock:
            if inside[0]:
                inside[0] = False
                raise_in(ctypes.c_ulong(ident), None)      # NULL: a pending stop is withdrawn

    return arm, disarm
