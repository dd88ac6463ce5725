"""A one-shot build loads the course and warms its writers up at the same time, on two cores (issue 20).

A cold ``build.py pdf`` spent ≈ 0.45 s of CPU on two things that do not depend on each other, one
after the other on one core: loading the course (importing pydantic and the schema, markdown-it, ruamel
and the reader, then reading and validating ``content/``: ≈ 0.25 s) and importing WeasyPrint with the
shipped fonts' configuration and the patches (≈ 0.2 s). :func:`load_warming` imports what both need
(the document model's classes) and forks: the forked process loads the course and hands the result back
through a pipe (a pickle of the project, the document model and the load's problems: ≈ 0.6 MB, 6 ms to
write and 15 ms to read for the course), while this process warms up the writers to be built: the
``warm(project)`` of their preload module (:attr:`Writer.preloads`; WeasyPrint for the handout) and
their own modules. The layout stays in this process, so only the loaded course crosses the pipe, never a
laid-out document.

Nothing a user sees changes: the forked process prints nothing and writes no output; content and
build errors come back as the same exception objects (:class:`ContentErrors` with their warnings,
:class:`BuildError`, :class:`InternalError` with its traceback text) and are raised here, where the
sequential build raised them; any other failure there (a bug, a result that cannot be pickled, the
process killed) makes this process load the course itself, so the error and its traceback (``-v``)
are exactly those of a sequential build; the forked process is then ended at once, not waited for (the
images it planned to prepare are prepared by this load). Ctrl-C reaches both processes; the forked one ends quietly
(:func:`coursepress.parallel.quiet_child_signals`: also when this one dies) and this one stops it
and waits for it before the interrupt goes on, so no process is left behind.

Used only where it pays (:func:`worth_it`): a build that loads (the up-to-date check runs before, and a
build with nothing to do never forks), on a platform that forks, of writers that share one preload with a
``warm``: the handout, poster, book, slides PDF and notes handout, not the deck and not ``all``.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Optional

from .errors import BuildError, ContentError, ContentErrors
from .parallel import hold_stops, release_stops
from .writers import writer

if TYPE_CHECKING:
    from .errors import Problems
    from .writers import BuildSettings
    from .model import Course
    from .project import Project

# What the forked process sends: ("loaded", (project, course, problems)), ("failed", the content or
# build error), or ("again", None): load here (a bug there, a result that does not pickle).
_LOADED, _FAILED, _AGAIN = "loaded", "failed", "again"


def worth_it(kinds: list[str]) -> bool:
    """Whether :func:`load_warming` can shorten a build of ``kinds``: this platform forks (Linux,
    where build processes die with their parent), this process runs one thread (forking one with others
    may copy a lock some thread holds), and the writers of ``kinds`` share one preload module that offers
    a one-shot ``warm(project)``.

    Only WeasyPrint's (:func:`coursepress.writers.pdfengine.warm`: ≈ 0.2 s, longer than the load it
    overlaps) does: the deck's preload is short, so overlapping it with the load would save little wall
    time for the ≈ 0.1 s of CPU the overlap costs (the forked process, the pickle). Writers with
    different preloads (``all``) are built in parallel processes already
    (:func:`coursepress.parallel.run_parallel`), where the deck starts while the handout's preload runs.
    """
    import threading

    preloads = {writer(kind).preloads for kind in kinds}
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")) or len(preloads) != 1 or None in preloads:
        return False
    if threading.active_count() > 1:   # a program running the build on a thread of its own: no fork
        return False
    try:
        return callable(getattr(import_module(preloads.pop() or ""), "warm", None))
    except ImportError:
        return False


def needing_work(project: Project, kinds: list[str], settings: BuildSettings, names: list[str], stamps: dict[str, str],
                 force: bool) -> list[str]:
    """The writers of ``kinds`` with a target for the lectures ``names`` that the build will make (all of
    them with ``force``): a writer whose outputs are up to date is not warmed up for nothing. The
    test is :func:`coursepress.pipeline.build`'s, on the same fingerprints ``stamps``."""
    if force:
        return list(kinds)
    from .commit import load_state
    from .targets import output_path, present, select

    state = load_state(settings.out_dir)
    return [kind for kind in kinds
            if any(target.key not in stamps or state.get(target.key) != stamps[target.key]
                   or not present(target, output_path(target, settings))
                   for target in select(project, [kind], names))]


def warm_up(project: Project, kinds: list[str]) -> None:
    """Load what the writers of ``kinds`` need whatever the content is: each distinct preload module's
    ``warm(project)`` (WeasyPrint with the shipped fonts for the handout; what a one-shot build needs,
    less than ``preload``), then each writer's own module. A failure is left for the build to report
    where it always has (the writer's own import fails again, naming its output)."""
    for module in dict.fromkeys(writer(kind).preloads for kind in kinds):
        if module:
            try:
                import_module(module).warm(project)
            except Exception:          # noqa: BLE001 — the build reports it
                pass
    for kind in kinds:
        name = getattr(writer(kind), "module", None)
        if name:
            try:
                import_module(name)
            except Exception:          # noqa: BLE001 — the build reports it
                pass


def _load_and_send(project: Project, strict: bool, lecture: Optional[str], fd: int, parent: int,
                   ahead: Optional[Callable] = None) -> None:
    """In the forked process: load the course and write what it gave to ``fd`` as one pickle. With ``ahead``
    (see :func:`~coursepress.load.load_project`), the images it planned are prepared from the load's decodes
    after the pickle is sent (their cache keys go with it; the parent waits for this process when it needs
    the first one: :func:`coursepress.imagecheck.adopt`)."""
    from .imagecheck import finish_ahead, planned_keys
    from .load import load_project
    from .parallel import quiet_child_signals

    quiet_child_signals(parent)
    message: tuple[str, object] | tuple[str, object, list[str]]
    try:
        message = (_LOADED, load_project(project, strict=strict, lecture=lecture, ahead=ahead), planned_keys())
    except (ContentError, ContentErrors, BuildError) as exc:
        message = (_FAILED, exc)
    except Exception:                  # noqa: BLE001 — a bug: the parent loads again and shows it as its own
        message = (_AGAIN, None)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:                  # noqa: BLE001 — something in the model that does not pickle
        message = (_AGAIN, None)       # the parent loads (and prepares) again: this one's images are not used
        data = pickle.dumps(message)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if message[0] == _LOADED and len(message) > 2 and message[2]:
        os.close(fd)                   # the parent reads to the end of the pipe: it goes on now
        finish_ahead()


def load_warming(project: Project, kinds: list[str], strict: bool = False,
                 lecture: Optional[str] = None, ahead: Optional[Callable] = None) -> tuple[Project, Course, Problems]:
    """:func:`coursepress.load.load_project` in a forked process while this one runs :func:`warm_up`
    for ``kinds``; the same result, errors and warnings as loading here. ``ahead``: the images to prepare
    from the load's decodes (as :func:`~coursepress.load.load_project`); the forked process prepares them
    after it has sent the course, and this one waits for it when it needs the first of them.

    Raises:
        ContentErrors: every problem of the load (as :func:`~coursepress.load.load_project`).
        BuildError: as :func:`~coursepress.load.load_project`.
        KeyboardInterrupt, SystemExit: a stop was requested (the forked process is ended first).
    """
    from . import model  # noqa: F401 — both sides need the document model's classes (pydantic): imported once

    for stream in (sys.stdout, sys.stderr):      # nothing buffered here is written twice
        stream.flush()
    parent = os.getpid()
    try:
        read_end, write_end = os.pipe()
    except OSError:                    # no file descriptor left: load here
        return _load_here(project, strict, lecture, ahead)
    held = hold_stops()                # a stop during the fork acts after it (in the try below, here)
    try:
        pid = os.fork()
    except OSError:                    # no process or memory left for one: load here
        release_stops(held)
        os.close(read_end)
        os.close(write_end)
        return _load_here(project, strict, lecture, ahead)
    if pid == 0:                       # the forked process: load, send, end (no cleanup of this process's)
        code = 0
        try:
            os.close(read_end)
            _load_and_send(project, strict, lecture, write_end, parent, ahead)
        except BaseException:          # noqa: BLE001 — the parent sees a short message and loads itself
            code = 1
        os._exit(code)
    os.close(write_end)
    reaped = False
    try:
        release_stops(held)
        with os.fdopen(read_end, "rb") as pipe:
            warm_up(project, kinds)
            data = pipe.read()
        try:
            status, value, *keys = pickle.loads(data)
        except Exception:              # noqa: BLE001 — it died or was killed before it had sent all
            status, value, keys = _AGAIN, None, []
        if status == _LOADED and keys and keys[0]:     # it prepares images now: waited for when one is needed
            from .imagecheck import adopt

            adopt(pid, keys[0])
            reaped = True
        elif status == _LOADED:
            os.waitpid(pid, 0)
            reaped = True
        # else: its work is not used (the load is done here): it is ended below, not waited for
    finally:
        if not reaped:                 # interrupted or failed here: the loading process ends too
            _end(pid)
    if status == _LOADED:
        return value
    if status == _FAILED:
        raise value
    return _load_here(project, strict, lecture, ahead)


def _load_here(project: Project, strict: bool, lecture: Optional[str], ahead: Optional[Callable] = None
               ) -> tuple[Project, Course, Problems]:
    """:func:`~coursepress.load.load_project` in this process (its errors and traceback are its own)."""
    from .load import load_project

    return load_project(project, strict=strict, lecture=lecture, ahead=ahead)


def _end(pid: int) -> None:
    """Stop the forked process ``pid`` (if it still runs) and wait for it."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
