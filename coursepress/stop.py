"""Stop requests that no library can swallow.

Ctrl-C raises ``KeyboardInterrupt`` and SIGTERM (here) ``SystemExit`` wherever
the main thread happens to be, and some libraries catch them: WeasyPrint's SVG
drawing catches every exception of a drawing step and carries on, so a build
stopped there would finish and commit a half-drawn output. The handlers
installed here also *remember* the request, and the pipeline calls
:func:`check` after each output and before committing, so a stopped build ends
with its staging folder discarded whatever a library did with the exception.
"""

from __future__ import annotations

import signal

# The one process-wide fact "a stop was requested" (a signal is process-wide too); 0 = none.
_requested = [0]


def _on_signal(signum, _frame) -> None:
    _requested[0] = signum
    raise _exception(signum)


def _exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else SystemExit(128 + signum)


def install() -> None:
    """Handle Ctrl-C (→ ``KeyboardInterrupt``) and SIGTERM (→ ``SystemExit(143)``), remembering either.

    Does nothing outside the main thread (an embedding program keeps its handlers).
    """
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _on_signal)
    except ValueError:
        pass


def requested() -> int:
    """The signal number of a stop requested since :func:`install` (or :func:`clear`), else 0."""
    return _requested[0]


def clear() -> None:
    """Forget a handled stop request (``watch`` goes on after a round it ended)."""
    _requested[0] = 0


def check() -> None:
    """Raise ``KeyboardInterrupt``/``SystemExit`` again if a stop was requested (a library may have
    swallowed the first one)."""
    if _requested[0]:
        raise _exception(_requested[0])
