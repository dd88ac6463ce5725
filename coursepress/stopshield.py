"""Stops (Ctrl-C, SIGTERM) held back for a moment that must not be cut: a fork, a commit (issue 20).

Blocking the signals in the calling thread (``pthread_sigmask``) is not enough in a process with other
threads (``watch`` builds the handout in a thread; watchfiles and the HTML server run their own): the
kernel then delivers a Ctrl-C to a thread that does not block it, CPython notes it there and runs the
Python handler in the main thread at its next step, inside the block all the same. So in the main
thread :func:`hold` also swaps the Python handlers of the held signals for one that only notes the
signal, and :func:`release` puts them back and calls the real handler for a signal that came meanwhile.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class Held:
    """What :func:`hold` changed: the calling thread's previous signal mask (None: not changed), the
    Python handlers it replaced (signal number → handler) and the signals noted meanwhile."""

    mask: Optional[set]
    handlers: dict[int, Any] = field(default_factory=dict)
    caught: list[int] = field(default_factory=list)


def hold(extra: tuple[int, ...] = ()) -> Held:
    """Hold SIGINT, SIGTERM and ``extra`` signals back until :func:`release` (see the module docstring).
    A signal whose handler is not a Python function (the default action, ignored) is only blocked."""
    signums = {signal.SIGINT, signal.SIGTERM, *extra}
    held = Held(None)
    if threading.current_thread() is threading.main_thread():
        for signum in signums:
            try:
                handler = signal.getsignal(signum)
                if callable(handler):
                    signal.signal(signum, lambda number, _frame: held.caught.append(number))
                    held.handlers[signum] = handler
            except (ValueError, OSError):     # not this interpreter's main thread
                break
    if hasattr(signal, "pthread_sigmask"):
        held.mask = signal.pthread_sigmask(signal.SIG_BLOCK, signums)
    return held


def release(held: Held) -> None:
    """Undo :func:`hold`: the handlers back, the mask as it was (a stop pending for this thread acts now),
    then the real handler of each signal another thread received meanwhile, in the order they came."""
    for signum, handler in held.handlers.items():
        signal.signal(signum, handler)
    if held.mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held.mask)
    for signum in dict.fromkeys(held.caught):
        held.handlers[signum](signum, None)
