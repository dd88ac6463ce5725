"""Build orchestration: run the writers of the chosen outputs, skip what is up to date, commit together.

What to build and whether it is up to date is :mod:`coursepress.targets`
(loops over the writer registry). Outputs are built into a staging folder and
moved into place together only if all succeed (``build.py watch``: each as
soon as it is done). The outputs of a lecture whose file was deleted or
renamed are removed by the next successful build (only files the state
records as ours; nothing else in the folder). One build is a :class:`BuildRun`
value handed from step to step; no step keeps state of its own.
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import stop
from .collector import collector_paused
from .commit import (STAGE_PREFIX, STATE_FILE, Stage, check_destinations, commit, load_state, os_problem,
                     prepare_out_dir, remove_abandoned_stages, save_state)
from .errors import BuildError, ContentError, ContentErrors, internal_error
from .handedits import HASHES, file_hash, keep_edited
from .parallel import run_parallel
from .stamps import Stamps
from .targets import (Result, chosen_kinds, collisions, describe, fingerprints, output_path, present, select,
                      stale_targets, up_to_date)
from .watchdog import step, time_limit
from .writers import BuildSettings, Output, Target, writer

if TYPE_CHECKING:
    from .model import Course
    from .project import Project

__all__ = ["STAGE_PREFIX", "STATE_FILE", "Result", "build", "chosen_kinds", "collisions", "fingerprints",
           "up_to_date", "remove_abandoned_stages"]


@dataclass
class BuildRun:
    """One build in progress: what it needs to know and what it has found so far.

    ``state``: the output folder's state as last committed; ``stamps``: the
    fingerprints taken before loading; ``outcome``: per target key, (output,
    seconds) or the exception it failed with; ``kept``: hand-edited files
    moved aside; ``results``: final results, in the order they were reported.
    """

    project: Project
    settings: BuildSettings
    state: dict
    stamps: dict[str, str]
    together: bool
    on_result: Callable[[Result], None]
    outcome: dict[str, tuple[Output, float] | BaseException] = field(default_factory=dict)
    kept: dict[str, Path] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)


def report(run: BuildRun, result: Result) -> None:
    """Record ``result`` as final and tell the caller."""
    run.results.append(result)
    run.on_result(result)


def run_job(project: Project, course: Course, target: Target, settings: BuildSettings) -> Output:
    """Run the writer of ``target`` (no up-to-date check), with Python's cyclic garbage collector paused
    (:func:`coursepress.collector.collector_paused`: full collections over a layout's objects cost a
    handout build 12 % of its CPU and freed next to nothing)."""
    with collector_paused():
        return writer(target.kind).write(project, course, target, settings)


def timed_job(project: Project, course: Course, target: Target, settings: BuildSettings) -> tuple[Output, float]:
    """Run ``target`` under the per-output time limit (:mod:`coursepress.watchdog`); (output, seconds).

    A failure that is not a content or build error becomes one naming the target's source.

    Raises:
        ContentError, ContentErrors, BuildError: the writer's own (and :class:`OutputTimeout`).
        BuildError: an OSError writing the output (full disk …), with what to do.
        InternalError: anything else (a bug), naming the file being processed.
    """
    start = time.perf_counter()
    name = describe(target)
    try:
        with time_limit(course.meta.limits.output_minutes, name), step(f"building {name}"):
            output = run_job(project, course, target, settings)
    except (ContentError, ContentErrors, BuildError):
        raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM):
            raise os_problem(exc, Path(exc.filename or settings.out_dir), "writing the output") from None
        raise internal_error(exc, _source_of(target)) from exc
    except Exception as exc:              # noqa: BLE001 — a bug: reported as one, naming the source
        raise internal_error(exc, _source_of(target)) from exc
    return output, time.perf_counter() - start


def _source_of(target: Target) -> str:
    w = writer(target.kind)
    return f"{w.source(target)} ({w.title})"


def _merge_failures(failures: list[BaseException]) -> BaseException:
    """One exception for several failed outputs: content errors are merged so every problem is shown."""
    content: list[ContentError] = []
    warnings: list[ContentError] = []
    for failure in failures:
        if isinstance(failure, ContentErrors):
            content.extend(failure.errors)
            warnings.extend(failure.warnings)
        elif isinstance(failure, ContentError):
            content.append(failure)
        else:
            return failure
    unique = list({str(e): e for e in content}.values())
    return ContentErrors(unique, list({str(w): w for w in warnings}.values()))


def remove_stale(run: BuildRun) -> None:
    """Delete the outputs of :func:`~coursepress.targets.stale_targets` and forget them; a removed
    Result each. An edited output is kept under a new name, not deleted."""
    removed = False
    for target in stale_targets(run.state, run.project.lecture_names):
        path = output_path(target, run.settings)
        if path.parent == run.settings.out_dir and not path.is_dir():   # never outside the output folder
            kept = keep_edited(run.state, path)
            path.unlink(missing_ok=True)
            report(run, Result(target, path, None, 0.0, removed=True, kept=kept))
            removed = True
        del run.state[target.key]
    if removed:
        save_state(run.settings.out_dir, run.state)


def keep_edit(run: BuildRun, target: Target) -> None:
    """An output edited by hand moves aside (``NAME.edited-….pptx``) before the new one lands."""
    copy = keep_edited(run.state, output_path(target, run.settings))
    if copy is not None:
        run.kept[target.key] = copy
        save_state(run.settings.out_dir, run.state)


def _succeeded(run: BuildRun, target: Target) -> tuple[Output, float]:
    """(output, seconds) of a target that was built (:func:`land` is only given those)."""
    done = run.outcome[target.key]
    if isinstance(done, BaseException):
        raise AssertionError(f"{target.key} failed and cannot be landed") from done
    return done


def land(run: BuildRun, targets: list[Target]) -> None:
    """Move the staged outputs of ``targets`` into place under one journal and record them.

    Raises:
        BuildError: a hand edit that cannot be kept (nothing of ``targets`` is moved).
        KeyboardInterrupt, SystemExit: a stop was requested.
    """
    stop.check()
    for target in targets:             # every edit is kept (or the build stops) before any output is replaced
        keep_edit(run, target)
    moves, new_state = [], dict(run.state)
    written = new_state[HASHES] = dict(run.state.get(HASHES) or {})
    for target in targets:
        output, _seconds = _succeeded(run, target)
        final = output_path(target, run.settings)
        moves.append((output.path, final))
        written[final.name] = file_hash(output.path)         # hand-edit protection: the file (folder) as written
        if target.key in run.stamps:
            new_state[target.key] = run.stamps[target.key]
        else:                          # a lecture that appeared during the build: rebuilt next time
            new_state.pop(target.key, None)
    commit(run.settings.out_dir, moves, new_state)
    if isinstance(run.stamps, Stamps) and run.stamps.hashes is not None:
        run.stamps.hashes.save()
    run.state = new_state
    for target in targets:
        output, seconds = _succeeded(run, target)
        output.path = output_path(target, run.settings)
        report(run, Result(target, output.path, output, seconds, kept=run.kept.get(target.key)))


def finished(run: BuildRun, target: Target, result: tuple[Output, float] | BaseException) -> None:
    """Record what building ``target`` gave: (output, seconds) or an exception. Not together
    (``watch``): a success lands at once."""
    stop.check()                       # a stop a library swallowed: discard what it finished
    run.outcome[target.key] = result
    if not run.together and not isinstance(result, BaseException):
        try:
            land(run, [target])
        except BuildError as exc:      # an edit that cannot be kept: this output stays as it is
            run.outcome[target.key] = exc


def run_staged(run: BuildRun, course: Course, todo: list[Target], workers: Optional[int]) -> None:
    """Build ``todo`` into a staging folder, then land them all (together) or check each landed.

    Raises:
        ContentErrors, BuildError: see :func:`build`.
    """
    with Stage(run.settings.out_dir) as stage:
        staged = replace(run.settings, out_dir=stage.path)
        workers = min(workers or os.cpu_count() or 1, len(todo))
        if workers <= 1:
            for target in todo:
                try:
                    result: tuple[Output, float] | BaseException = timed_job(run.project, course, target, staged)
                except Exception as exc:      # noqa: BLE001 — build the others, then report all
                    result = exc
                finished(run, target, result)
        else:
            run_parallel(run.project, course, todo, staged, workers, timed_job, partial(finished, run))
        failures = [run.outcome[t.key] for t in todo if isinstance(run.outcome[t.key], BaseException)]
        if failures:
            raise _merge_failures(failures)    # type: ignore[arg-type]
        if run.together:
            land(run, todo)


def build(project: Project, course: Course, kinds: list[str], settings: BuildSettings, force: bool = False,
          workers: Optional[int] = None, on_result: Optional[Callable[[Result], None]] = None,
          together: bool = True, stamps: Optional[dict[str, str]] = None) -> list[Result]:
    """Build every target of ``kinds`` for the lectures of ``course``, skipping up-to-date outputs unless ``force``.

    The writers write into a staging folder inside the output folder, so no
    output is ever half-written. ``together`` (``build.py pdf|pptx|poster|all``):
    all or nothing, only when every output succeeded are they committed
    (:func:`commit.commit`: every destination checked, then renamed under a
    journal) and recorded; if any output fails or a stop is requested, no
    output changes, so the handout and deck of a lecture never fall out of step.
    Not ``together`` (``build.py watch``): each output is committed as
    soon as it is done, so a deck shows before the slower handout; a failed
    output keeps its last good version.

    ``stamps``: fingerprints taken before the course was loaded
    (:func:`~coursepress.targets.fingerprints`); computed now if None. ``on_result`` is called with
    each :class:`Result` once it is final (up-to-date outputs at once, built
    ones after they are in place). Jobs run in ``workers`` forked processes
    (default: one per core, at most one per job), since layout is CPU-bound
    and single-threaded.

    Raises:
        ContentErrors: the problems of every failed output, together; two outputs sharing a file.
        BuildError: another failure (the first one), e.g. an output folder that cannot be written.
        KeyboardInterrupt, SystemExit: a stop was requested (nothing of this build is committed).
    """
    found = collisions(project, settings)
    if found:
        raise ContentErrors(found)
    out_dir = settings.out_dir
    if out_dir.is_dir():
        remove_abandoned_stages(out_dir)   # first finishes a commit an earlier build was stopped in
    names = [lec.name for lec in course.lectures]
    targets = select(project, kinds, names)
    if settings.layouts is not None:    # watch: a layout kept for an output no longer made (a deleted lecture) goes
        for key in set(settings.layouts) - {target.key for target in targets}:
            del settings.layouts[key]
    if stamps is None:
        stamps = fingerprints(project, kinds, settings, names)
    run = BuildRun(project, settings, load_state(out_dir), stamps, together, on_result or (lambda _result: None))
    todo: list[Target] = []
    for target in targets:
        path = output_path(target, settings)
        if not force and target.key in stamps and run.state.get(target.key) == stamps[target.key] \
                and present(target, path):
            report(run, Result(target, path, None, 0.0))
        else:
            todo.append(target)
    if todo:
        prepare_out_dir(out_dir)
        check_destinations([output_path(target, settings) for target in todo],     # before anything is built
                           {output_path(target, settings) for target in todo if writer(target.kind).folder})
        run_staged(run, course, todo, workers)
    if out_dir.is_dir():                 # after success only: a failed build changes nothing
        remove_stale(run)
    return run.results
