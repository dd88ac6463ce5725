"""Build orchestration: load once, run the writers, skip what is up to date.

Each output records a fingerprint of what it was built from (content, data,
templates, assets, config, options and the package version) in
``<out>/.coursepress-state.json``; an output whose fingerprint is unchanged and
whose file still exists is reported "up to date" and not rebuilt. Outputs are
built into a staging folder and moved into place together only if all succeed
(``build.py watch``: each as soon as it is done). The handout and deck of a
lecture whose file was deleted or renamed are removed by the next successful
build (only files the state records as ours; nothing else in the folder).
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import stop
from .commit import (JOURNAL_FILE, STAGE_PREFIX, STATE_FILE, Stage, check_destinations, commit, load_state,
                     os_problem, prepare_out_dir, remove_abandoned_stages, save_state)
from .errors import BuildError, ContentError, ContentErrors, SourcePos, internal_error
from .handedits import HASHES, file_hash, keep_edited
from .resources import inside
from .stamps import Stamps, fingerprint_jobs
from .parallel import run_parallel
from .watchdog import step, time_limit
from .writers import BuildSettings, Output, writer

if TYPE_CHECKING:
    from .model import Course

__all__ = ["STAGE_PREFIX", "STATE_FILE", "build", "fingerprints", "up_to_date", "remove_abandoned_stages"]


# Outputs made once per course (not per lecture), and their file names in the output folder.
COURSE_OUTPUTS = {"poster": "poster.pdf", "book": "book.pdf", "html": "html"}
# Outputs that are a folder (the HTML handout's site): committed whole, replacing the folder in one rename.
FOLDER_OUTPUTS = frozenset({"html"})
_OUTPUT_NAMES = {"pdf": "the handout", "pptx": "the deck", "poster": "the poster", "book": "the course book",
                 "html": "the HTML handout"}


@dataclass(frozen=True)
class Job:
    """One output to build: writer ``kind`` (pdf, pptx, poster, book) and the lecture (None for the
    outputs of the whole course, :data:`COURSE_OUTPUTS`)."""

    kind: str
    lecture: Optional[str]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.lecture or '-'}"


def chosen_kinds(course: Course, kinds: list[str], everything: bool) -> tuple[list[str], list[str]]:
    """The outputs to build and a note for each one left out, with the reason.

    ``everything`` (``build.py all`` or ``watch``): the outputs course.yaml's
    ``outputs:`` lists, in the order of ``kinds``, and no poster when the data
    file lists no models (the rest still builds). A single command
    (``pdf``, ``pptx``, ``poster``) builds what it names; the poster writer then
    refuses an empty data file itself.
    """
    if not everything:
        return kinds, []
    chosen = [k for k in kinds if k in course.meta.outputs]
    notes = []
    if "poster" in chosen and not course.data.models:
        chosen.remove("poster")
        notes.append("poster.pdf: skipped, content/data/models.yaml lists no models (the poster compares models); "
                     "add models to build it, or leave 'poster' out of course.yaml's 'outputs:'")
    return chosen, notes


def jobs_for(course: Course, kinds: list[str]) -> list[Job]:
    """Jobs for ``kinds``: one handout and one deck per lecture, one poster and one book per course."""
    jobs: list[Job] = []
    for kind in kinds:
        if kind in COURSE_OUTPUTS:
            jobs.append(Job(kind, None))
        else:
            jobs.extend(Job(kind, lec.name) for lec in course.lectures)
    return jobs


def fingerprints(root: Path, kinds: list[str], settings: BuildSettings, names: list[str],
                 configured_reference: Optional[str] = None) -> Stamps:
    """``{job key: fingerprint}`` of ``kinds`` for the lectures ``names``, from the files as they are now
    (:func:`stamps.fingerprint`). The command line takes them before loading."""
    jobs = [Job(kind, name) for kind in kinds for name in ([None] if kind in COURSE_OUTPUTS else names)]
    return fingerprint_jobs(root, jobs, settings, configured_reference)


def collisions(root: Path, settings: BuildSettings) -> list[ContentError]:
    """Outputs that would be written to the same file (a lecture ``poster.md``'s handout and the
    poster), one error each at the lecture file naming both; checked over every kind, before
    anything is loaded or built."""
    problems = []
    owners: dict[Path, str] = {}
    jobs = [Job(kind, None) for kind in COURSE_OUTPUTS]
    for job in jobs + [Job(kind, name) for name in lecture_names(root) for kind in ("pdf", "pptx")]:
        path = output_path(job, settings)
        what = _OUTPUT_NAMES[job.kind] if job.lecture is None else \
            f"the {'handout' if job.kind == 'pdf' else 'deck'} of content/lectures/{job.lecture}.md"
        if path in owners:
            problems.append(ContentError(SourcePos(f"content/lectures/{job.lecture}.md"),
                                         f"{what} would be written to {path.name}, the same file as {owners[path]}",
                                         "rename the lecture file"))
        owners.setdefault(path, what)
    return problems


def up_to_date(root: Path, kinds: list[str], settings: BuildSettings, lecture: Optional[str] = None,
               stamps: Optional[dict[str, str]] = None,
               configured_reference: Optional[str] = None) -> Optional[list[Result]]:
    """Results for ``kinds`` if every output is up to date, else None; reads no content.

    ``stamps``: from :func:`fingerprints` (computed here if None). The command
    line calls this before loading the course, so a no-op build costs a few
    file hashes instead of parsing and validating everything. Never "up to
    date" while a commit journal waits to be finished or two outputs share a file.
    """
    every = lecture_names(root)
    names = [n for n in every if lecture is None or n == lecture]
    if not names or (settings.out_dir / JOURNAL_FILE).exists() or collisions(root, settings):
        return None
    state = load_state(settings.out_dir)
    if stale_jobs(state, every):
        return None                        # a build must remove a deleted lecture's outputs
    if stamps is None:
        stamps = fingerprints(root, kinds, settings, names, configured_reference)
    results = []
    for kind in kinds:
        for name in ([None] if kind in COURSE_OUTPUTS else names):
            job = Job(kind, name)
            path = output_path(job, settings)
            if state.get(job.key) is None or state.get(job.key) != stamps.get(job.key) or not present(job, path):
                return None
            results.append(Result(job, path, None, 0.0))
    return results


def lecture_names(root: Path) -> list[str]:
    """Names (file stems) of the lecture files under ``root/content/lectures``, sorted."""
    folder = root / "content" / "lectures"
    if not folder.is_dir() or not inside(root, folder):
        return []                          # a lectures folder linked outside: never read here; loading reports it
    return sorted(p.stem for p in folder.glob("*.md"))


def stale_jobs(state: dict, names: list[str]) -> list[Job]:
    """Lecture outputs the state records whose lecture is not among ``names`` (its file was deleted
    or renamed; ``names`` from :func:`lecture_names`)."""
    jobs = []
    for key in state:
        kind, _, lecture = key.partition(":")
        if kind in ("pdf", "pptx") and lecture not in names:
            jobs.append(Job(kind, lecture))
    return jobs


def _remove_stale(root: Path, state: dict, settings: BuildSettings) -> list[Result]:
    """Delete the outputs of :func:`stale_jobs` and forget them; one removed Result each."""
    removed = []
    for job in stale_jobs(state, lecture_names(root)):
        path = output_path(job, settings)
        if path.parent == settings.out_dir and not path.is_dir():   # never outside the output folder; never a folder
            kept = keep_edited(state, path)          # an edited output is kept under a new name, not deleted
            path.unlink(missing_ok=True)
            removed.append(Result(job, path, None, 0.0, removed=True, kept=kept))
        del state[job.key]
    if removed:
        save_state(settings.out_dir, state)
    return removed


def present(job: Job, path: Path) -> bool:
    """Whether ``job``'s output is at ``path``: a regular file, or a real folder for :data:`FOLDER_OUTPUTS`."""
    if job.kind in FOLDER_OUTPUTS:
        return path.is_dir() and not path.is_symlink()
    return path.is_file()


def output_path(job: Job, settings: BuildSettings) -> Path:
    suffix = {"pdf": ".pdf", "pptx": ".pptx"}.get(job.kind)
    if suffix:
        return settings.out_dir / f"{job.lecture}{suffix}"
    return settings.out_dir / COURSE_OUTPUTS[job.kind]


def run_job(course: Course, job: Job, settings: BuildSettings) -> Output:
    """Run one writer (no up-to-date check)."""
    module = writer(job.kind)
    lecture = course.lecture(job.lecture) if job.lecture else None
    if lecture is not None:
        return module.write(course, settings, lecture)
    return module.write(course, settings)


@dataclass
class Result:
    """Outcome of one job: its output (None if up to date or removed), path, seconds taken.

    ``removed``: the output belonged to a lecture that no longer exists and was deleted.
    ``kept``: the hand-edited file that was at ``path``, now under its ``.edited-`` name.
    """

    job: Job
    path: Path
    output: Optional[Output]
    seconds: float
    removed: bool = False
    kept: Optional[Path] = None


def _timed_job(course: Course, job: Job, settings: BuildSettings) -> tuple[Output, float]:
    """Run ``job`` under the per-output time limit (:mod:`coursepress.watchdog`); (output, seconds).

    A failure that is not a content or build error becomes one naming the job's source.

    Raises:
        ContentError, ContentErrors, BuildError: the writer's own (and :class:`OutputTimeout`).
        BuildError: an OSError writing the output (full disk …), with what to do.
        InternalError: anything else (a bug), naming the file being processed.
    """
    start = time.perf_counter()
    name = _OUTPUT_NAMES.get(job.kind, job.kind) + (f" of lecture '{job.lecture}'" if job.lecture else "")
    try:
        with time_limit(course.meta.limits.output_minutes, name), step(f"building {name}"):
            output = run_job(course, job, settings)
    except (ContentError, ContentErrors, BuildError):
        raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM):
            raise os_problem(exc, Path(exc.filename or settings.out_dir), "writing the output") from None
        raise internal_error(exc, _source_of(job)) from exc
    except Exception as exc:              # noqa: BLE001 — a bug: reported as one, naming the source
        raise internal_error(exc, _source_of(job)) from exc
    return output, time.perf_counter() - start


def _source_of(job: Job) -> str:
    what = _OUTPUT_NAMES[job.kind]
    source = f"content/lectures/{job.lecture}.md" if job.lecture else \
        "content/lectures" if job.kind in ("book", "html") else "content/data/models.yaml"
    return f"{source} ({what})"


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


def build(course: Course, kinds: list[str], settings: BuildSettings, force: bool = False,
          workers: Optional[int] = None, on_result: Optional[Callable[[Result], None]] = None,
          together: bool = True, stamps: Optional[dict[str, str]] = None) -> list[Result]:
    """Build every job of ``kinds``, skipping up-to-date outputs unless ``force``.

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
    (:func:`fingerprints`); computed now if None. ``on_result`` is called with
    each :class:`Result` once it is final (up-to-date outputs at once, built
    ones after they are in place). Jobs run in ``workers`` forked processes
    (default: one per core, at most one per job), since layout is CPU-bound
    and single-threaded.

    Raises:
        ContentErrors: the problems of every failed output, together; two outputs sharing a file.
        BuildError: another failure (the first one), e.g. an output folder that cannot be written.
        KeyboardInterrupt, SystemExit: a stop was requested (nothing of this build is committed).
    """
    found = collisions(course.root, settings)
    if found:
        raise ContentErrors(found)
    out_dir = settings.out_dir
    if out_dir.is_dir():
        remove_abandoned_stages(out_dir)   # first finishes a commit an earlier build was stopped in
    state = load_state(out_dir)
    if stamps is None:
        stamps = fingerprints(course.root, kinds, settings, [lec.name for lec in course.lectures],
                              course.meta.deck.reference)
    results: list[Result] = []
    todo: list[Job] = []
    for job in jobs_for(course, kinds):
        path = output_path(job, settings)
        if not force and job.key in stamps and state.get(job.key) == stamps[job.key] and present(job, path):
            results.append(Result(job, path, None, 0.0))
            if on_result is not None:
                on_result(results[-1])
        else:
            todo.append(job)

    def tidy() -> None:        # after success only: a failed build changes nothing
        for result in _remove_stale(course.root, state, settings):
            results.append(result)
            if on_result is not None:
                on_result(result)

    if not todo:
        if out_dir.is_dir():
            tidy()
        return results
    prepare_out_dir(out_dir)
    check_destinations([output_path(job, settings) for job in todo],      # before anything is built
                       {output_path(job, settings) for job in todo if job.kind in FOLDER_OUTPUTS})
    outcome: dict = {}
    kept: dict[str, Path] = {}
    with Stage(out_dir) as stage:
        staged = replace(settings, out_dir=stage.path)

        def keep(job: Job) -> None:      # an output edited by hand moves aside before the new one lands
            copy = keep_edited(state, output_path(job, settings))
            if copy is not None:
                kept[job.key] = copy
                save_state(out_dir, state)

        def land(jobs: list[Job]) -> None:
            stop.check()
            for job in jobs:             # every edit is kept (or the build stops) before any output is replaced
                keep(job)
            moves, new_state = [], dict(state)
            written = new_state[HASHES] = dict(state.get(HASHES) or {})
            for job in jobs:
                staged_path, final = outcome[job.key][0].path, output_path(job, settings)
                moves.append((staged_path, final))
                if job.kind not in FOLDER_OUTPUTS:      # hand-edit protection: the file as written
                    written[final.name] = file_hash(staged_path)
                if job.key in stamps:
                    new_state[job.key] = stamps[job.key]
                else:                      # a lecture that appeared during the build: rebuilt next time
                    new_state.pop(job.key, None)
            commit(out_dir, moves, new_state)
            if isinstance(stamps, Stamps) and stamps.hashes is not None:
                stamps.hashes.save()
            state.clear()
            state.update(new_state)
            for job in jobs:
                output, seconds = outcome[job.key]
                output.path = output_path(job, settings)
                results.append(Result(job, output.path, output, seconds, kept=kept.get(job.key)))
                if on_result is not None:
                    on_result(results[-1])

        def done(job: Job, result) -> None:
            stop.check()                   # a stop a library swallowed: discard what it finished
            outcome[job.key] = result
            if not together and not isinstance(result, BaseException):
                try:
                    land([job])
                except BuildError as exc:  # an edit that cannot be kept: this output stays as it is
                    outcome[job.key] = exc

        workers = min(workers or os.cpu_count() or 1, len(todo))
        if workers <= 1:
            for job in todo:
                try:
                    result = _timed_job(course, job, staged)
                except Exception as exc:      # noqa: BLE001 — build the others, then report all
                    result = exc
                done(job, result)
        else:
            run_parallel(course, todo, staged, workers, _timed_job, done)
        failures = [outcome[job.key] for job in todo if isinstance(outcome[job.key], BaseException)]
        if failures:
            raise _merge_failures(failures)
        if together:
            land(todo)
    tidy()
    return results
