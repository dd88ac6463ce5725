"""Forked build processes: each output in its own process, a shared preload loaded once.

Layout is CPU-bound and single-threaded, so outputs are built in parallel in
processes forked from the one that loaded the course (nothing is pickled on
the way in; each result comes back through a pipe). A build process ends
quietly on Ctrl-C or SIGTERM and dies with its parent, so a stopped build
leaves none running.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections import Counter
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Optional, cast

from .errors import BuildError, internal_error
from .writers import writer

if TYPE_CHECKING:
    from .model import Course
    from .stopshield import Held
    from .project import Project
    from .writers import BuildSettings, Output, Target
    from multiprocessing.connection import Connection

    Work = Callable[[Project, Course, Target, BuildSettings], tuple[Output, float]]


def quiet_child_signals(parent: int) -> None:
    """In a build process: end silently on Ctrl-C or SIGTERM (the parent reports and cleans up; the
    process wrote only into the staging folder), and get SIGTERM when the parent dies (Linux
    ``prctl(PR_SET_PDEATHSIG)``), so a killed build leaves no process running on."""
    import signal

    for signum, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        signal.signal(signum, lambda *_args, code=code: os._exit(code))
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)     # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:         # the parent died before the request above took effect
        os._exit(143)
    if hasattr(signal, "pthread_sigmask"):      # forked with stops held (hold_stops): they end this process now
        held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGALRM", signal.SIGTERM)}
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)     # SIGALRM: this process's own time limit


def hold_stops() -> Held:
    """Hold Ctrl-C and SIGTERM (and the time limit's ``SIGALRM``) back while this process forks; what to
    give :func:`release_stops` (:mod:`coursepress.stopshield`: also when other threads run).

    A stop that arrives inside ``os.fork`` runs its handler in an at-fork hook (``logging`` releases its
    lock there), which prints "Exception ignored … Traceback" instead of stopping the build; or it cuts a
    fork of several (the image pool's) in two, which leaves the processes already forked running. Held, it
    acts right after the fork: in the parent at :func:`release_stops`, in the child once
    :func:`quiet_child_signals` has made it end quietly.
    """
    import signal

    from .stopshield import hold

    return hold((signal.SIGALRM,) if hasattr(signal, "SIGALRM") else ())


def release_stops(held: Held) -> None:
    """Undo :func:`hold_stops`; a stop that came meanwhile is acted on now."""
    from .stopshield import release

    release(held)


def _child(work: Work, project: Project, course: Course, jobs: list[Target], settings: BuildSettings, conn,
           parent: int) -> None:
    """Run ``jobs`` in a process forked by ``parent`` (pid); send ``(key, (output, seconds) | None,
    error | None)`` per job."""
    quiet_child_signals(parent)
    gc.disable()        # this process ends after its jobs: collecting their garbage would only delay the results
    for job in jobs:
        _run_and_send(work, project, course, job, settings, conn)
    conn.close()


def _run_and_send(work: Work, project: Project, course: Course, job: Target, settings: BuildSettings, conn) -> None:
    """Run ``job`` and send ``(key, (output, seconds) | None, error | None)`` on ``conn``; every failure is sent."""
    message: tuple[str, object, Exception | None]
    try:
        message = (job.key, work(project, course, job, settings), None)
    except Exception as exc:          # noqa: BLE001 — every failure goes back to the waiting side
        message = (job.key, None, exc)
    try:
        conn.send(message)
    except Exception as exc:          # noqa: BLE001 — an exception or a result that cannot be pickled
        failure = message[2]
        if failure is None:           # the output was made; sending it back failed: a bug, with its own error
            error: Exception = internal_error(exc, f"{job.key} (sending its result back from the build process)")
        else:
            error = BuildError(f"{type(failure).__name__}: {failure} ({exc})")
        conn.send((job.key, None, error))


def _thread_child(work: Work, project: Project, course: Course, job: Target, settings: BuildSettings, conn) -> None:
    """Run ``job`` in a thread of this process (see :func:`run_parallel`); send what :func:`_child` sends."""
    _run_and_send(work, project, course, job, settings, conn)
    conn.close()


def _stays(job: Target, settings: BuildSettings) -> bool:
    """Whether ``job`` is built in this process: in ``watch`` (``settings.layouts``), an output whose
    writer keeps its layout for the next round (:mod:`coursepress.writers.relayout`)."""
    return settings.layouts is not None and bool(getattr(writer(job.kind), "keeps_layout", False))


def run_parallel(project: Project, course: Course, todo: list[Target], settings: BuildSettings, workers: int,
                 work: Work, on_done: Callable[[Target, object], None]) -> None:
    """Run ``work(project, course, job, settings)`` for each job of ``todo`` in its own forked process, at most
    ``workers`` at a time; ``on_done(job, (output, seconds) | exception)`` is called here as each
    job finishes. If this process is interrupted, every build process still running is stopped.

    A writer ``preload`` that two or more jobs share (the handout and the poster
    both need WeasyPrint, ≈ 0.5 s to import) runs once in this process before
    the first of them is forked, so each of them starts warm instead of
    importing it again. Jobs that need no shared preload (the deck) start
    first, so a core is busy while the preload runs; then the costliest first
    (each writer's :attr:`~coursepress.writers.Writer.cost`). Processes are
    forked directly (no executor thread alive at fork time).

    In ``watch``, one job whose writer keeps its layout between rounds (the
    handout) runs in a thread of this process instead, so that its layout
    outlives the round; it starts after every other job was forked (no fork
    while it runs: it swaps WeasyPrint functions and holds library locks).
    """
    import multiprocessing.connection     # here, not at import: the up-to-date check never forks

    counts = Counter(writer(job.kind).preloads for job in todo)
    shared = {module for module, count in counts.items() if count >= 2 and module}
    queue = sorted(todo, key=lambda j: (writer(j.kind).preloads in shared, -writer(j.kind).cost))
    staying = next((job for job in queue if _stays(job, settings)), None)
    if staying is not None:
        queue.remove(staying)
        queue.append(staying)          # started last: nothing is forked after its thread starts
    loaded: set = set()
    switch = sys.getswitchinterval()
    context = multiprocessing.get_context("fork")
    running: dict = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop(0)
                module = writer(job.kind).preloads
                if module in shared and module not in loaded:
                    loaded.add(module)
                    try:
                        import_module(module).preload(project)
                    except Exception:          # noqa: BLE001 — the job itself reports what is broken
                        pass
                receive, send = context.Pipe(duplex=False)
                if job is staying:
                    # this thread lands the other outputs while the build thread runs Python: hand the
                    # interpreter over within 0.5 ms, not 5 (each of landing's file calls waits for it)
                    sys.setswitchinterval(min(switch, 0.0005))
                    thread = threading.Thread(target=_thread_child, args=(work, project, course, job, settings, send),
                                              name=f"build {job.key}", daemon=True)
                    thread.start()
                    running[receive] = (thread, job)
                    continue
                # not daemonic: a build process starts its own image workers (coursepress.imagepool); it dies
                # with this one all the same (PR_SET_PDEATHSIG, and the finally clause below)
                process = context.Process(target=_child, args=(work, project, course, [job], settings, send, os.getpid()))
                held = hold_stops()
                try:
                    process.start()
                finally:
                    release_stops(held)
                send.close()
                running[receive] = (process, job)
            for ready in multiprocessing.connection.wait(list(running)):
                receive = cast("Connection", ready)     # wait() returns the objects it was given
                process, job = running.pop(receive)
                try:
                    key, result, error = receive.recv()
                except EOFError:
                    process.join()
                    on_done(job, BuildError(f"the build process for {job.key} stopped "
                                            f"(exit code {getattr(process, 'exitcode', None)}); run with -v"))
                    continue
                try:               # landed first: a build process's exit takes a while after it sent its result
                    on_done(job, error if error is not None else result)
                finally:
                    process.join()
    finally:               # interrupted (Ctrl-C, SIGTERM) or failed here: no build process runs on
        sys.setswitchinterval(switch)
        processes = [process for process, _job in running.values() if not isinstance(process, threading.Thread)]
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
