"""``build.py watch``: rebuild what a saved file affects, one status line per rebuild.

Uses watchfiles on content/, templates/ and assets/ (watching from before the
first build, so a save during any build is built next). Each round reloads the
course, reading again only the lectures whose file or whose other inputs changed
(:mod:`coursepress.lecturecache`), and builds; the up-to-date
check skips outputs whose inputs did not change, so saving one lecture rebuilds
only that lecture's handout and deck (and the poster only when data changes).
A failed build prints its errors and the watch goes on.

What a round reuses (issue 20): the libraries, fonts and compiled templates
loaded once before the first round (every build process is forked from this
one), parsed YAML (in memory here, and on disk: :mod:`coursepress.yamlcache`),
images prepared at print resolution (:mod:`coursepress.imageprep`) and the
knowledge that an image's bytes decode (:mod:`coursepress.images`), and drawn
formulas (:mod:`coursepress.mathrender`), all in the private per-user cache.
What it does again: read the changed lectures, and build every output that depends on
the saved file. The handout is built in a thread of this process (the deck and the poster in forked
processes) and keeps its layout for the next round, which lays out again only the pages whose
blocks changed (:mod:`coursepress.writers.relayout`; ``-v`` says how many, or why a round laid the
handout out in full) and draws again only those: the others' drawings of the last round are put in
again (:mod:`coursepress.writers.pagedraws`). When course.yaml's
``outputs:`` lists ``html``, the HTML handout is served on 127.0.0.1 with live
reload while the watch runs.

Each warning is printed once: a round prints only warnings not shown since their
file last changed (:mod:`coursepress.warnmemory`), and its status line counts
the earlier ones that still apply.
"""

from __future__ import annotations

import sys
import time
import traceback
from datetime import datetime


def _now() -> str:
    """The clock time a round's status line shows: when the round ended (its outputs are on disk)."""
    return datetime.now().strftime("%H:%M:%S")


def watch(args, run_once) -> int:
    """Build once, then rebuild on every change until interrupted (Ctrl-C); returns 0."""
    from watchfiles import watch as watch_changes

    from .cli import _report as report, kinds_of
    from .errors import BuildError, ContentError, ContentErrors
    from .layout import SOURCE_FOLDERS
    from .project import locate
    from .warnmemory import WarningMemory

    kinds = kinds_of("watch")      # every registered writer; each round builds those course.yaml's outputs: lists
    project = locate(args.project, args.reference.resolve() if args.reference else None)
    paths = [str(p) for p in (project.root / name for name in SOURCE_FOLDERS) if p.exists()]

    parsed: dict = {}      # YAML files parsed by earlier rounds, reused while their text is unchanged
    memory = WarningMemory(project.root)   # warnings shown, so an unchanged file's are not repeated each round

    def held() -> str:
        return f"; {memory.held} earlier warning(s) still apply" if memory.held else ""

    def once() -> None:
        start = time.perf_counter()
        try:
            build_round(run_once, args, kinds, parsed, memory)     # each output lands when done
            print(f"[{_now()}] built in {time.perf_counter() - start:.2f} s{held()}; watching for changes", flush=True)
        except (ContentErrors, ContentError, BuildError) as exc:
            report(exc, args.verbose, memory)   # each at its file:line; an internal error naming its file
            print(f"[{_now()}] build failed; outputs that failed keep their last good version; "
                  "watching for changes", flush=True)
        except Exception as exc:  # a bug must not end the watch; traceback only with -v
            if args.verbose:
                traceback.print_exc()
            print(f"internal error: {type(exc).__name__}: {exc}; this is a bug, please report it "
                  "(run with -v for details)", file=sys.stderr, flush=True)
            print(f"[{_now()}] build failed; previous outputs kept; watching for changes", flush=True)

    from .writers import preload

    try:
        preload(kinds, project)     # once: every round's forked build processes start warm
    except Exception:            # noqa: BLE001 — a broken template or font is reported by the build itself
        pass
    _preload_formula_drawing()
    server = serve_html(args, project.root)
    try:                          # Ctrl-C at any moment, even during the first build, ends the watch quietly
        # The watcher runs from the first next() on and gathers changes while a round builds; started before
        # the first build, a save during it is built next (it was lost). Every 0.1 s without a change it
        # yields an empty set.
        changes = watch_changes(*paths, debounce=200, step=20, raise_interrupt=True, rust_timeout=100,
                                yield_on_timeout=True)
        first = next(changes, set())
        once()
        if first:
            memory.forget(path for _change, path in first)
            once()
        for changed in changes:
            if changed:
                memory.forget(path for _change, path in changed)
                once()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.stop()
    return 0


def build_round(run_once, args, kinds: list[str], parsed: dict, memory) -> None:
    """One round of the watch: ``run_once`` (:func:`coursepress.cli.run_once`) of ``kinds`` with the YAML
    ``parsed`` by earlier rounds (and the handout layouts kept in it) and the ``memory`` of warnings shown
    (a :class:`coursepress.warnmemory.WarningMemory`); then, failed or not, the round's cyclic garbage is
    collected, so memory stays flat over rounds (:func:`coursepress.collector.collect_round_garbage`).
    Raises what ``run_once`` raises."""
    from .collector import collect_round_garbage

    try:
        run_once(args, kinds, together=False, parsed=parsed, memory=memory)
    finally:
        collect_round_garbage()


def _preload_formula_drawing() -> None:
    """Import what draws a formula not in the cache (ziamath, resvg: ≈ 0.12 s of CPU), once here rather than
    in each build process of a round whose save added or changed a formula. A cold build skips this: its
    formulas usually come from the cache."""
    import warnings

    try:
        with warnings.catch_warnings():     # ziamath 0.13 opens its font with a deprecated importlib call
            warnings.simplefilter("ignore", DeprecationWarning)
            import resvg_py  # noqa: F401
            import ziamath  # noqa: F401
    except Exception:            # noqa: BLE001 — a missing or broken library is reported when a formula needs it
        pass


def serve_html(args, root):
    """When course.yaml's ``outputs:`` lists ``html``: serve ``<out>/html`` on 127.0.0.1 with live reload
    (:mod:`coursepress.writers.html.serve`) and say where; returns the running server, or None."""
    from .layout import peek_course

    if "html" not in (peek_course(root).outputs or ()):
        return None
    from .writers.html.serve import SiteServer

    site = (args.out or root / "dist").resolve() / "html"
    server = SiteServer(site, root).start()
    print(f"serving {site} at {server.url} (reloads on every rebuild; this machine only)", flush=True)
    return server
