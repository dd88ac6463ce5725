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
import hashlib
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import __version__, stop
from .commit import (JOURNAL_FILE, STAGE_PREFIX, STATE_FILE, Stage, check_destinations, commit, load_state,
                     os_problem, prepare_out_dir, remove_abandoned_stages, save_state)
from .errors import BuildError, ContentError, ContentErrors, SourcePos, internal_error
from .fonts import font_dirs
from .resources import inside
from .stamps import FileHashes, hash_tree
from .templating import TOOL_ROOT, search_path
from .parallel import run_parallel
from .writers import BuildSettings, Output, writer

if TYPE_CHECKING:
    from .model import Course

__all__ = ["STAGE_PREFIX", "STATE_FILE", "build", "fingerprints", "up_to_date", "remove_abandoned_stages"]


@dataclass(frozen=True)
class Job:
    """One output to build: writer ``kind`` (pdf, pptx, poster) and the lecture (None for the poster)."""

    kind: str
    lecture: Optional[str]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.lecture or '-'}"


def jobs_for(course: Course, kinds: list[str]) -> list[Job]:
    """Jobs for ``kinds``: one handout and one deck per lecture, one poster per course."""
    jobs: list[Job] = []
    for kind in kinds:
        if kind == "poster":
            jobs.append(Job(kind, None))
        else:
            jobs.extend(Job(kind, lec.name) for lec in course.lectures)
    return jobs


def shared_stamp(root: Path, hashes: Optional[FileHashes] = None) -> str:
    """Digest of what every output depends on alike: templates, assets (fonts) and the package source,
    each file by its content (``hashes``: the cache of :mod:`stamps`).

    Computed once per build and passed to :func:`fingerprint` (walking those trees per output repeated the I/O).
    """
    hashes = hashes or FileHashes(None)
    digest = hashlib.sha256()
    tool = [TOOL_ROOT / "assets", root / "assets"] + [Path(p) for p in search_path(root)]
    hash_tree(digest, hashes, list(dict.fromkeys(p.resolve() for p in tool)) + font_dirs(root))
    hash_tree(digest, hashes, [Path(__file__).resolve().parent], pattern="*.py")
    return digest.hexdigest()


def settings_key(settings: BuildSettings) -> str:
    """Every setting that changes an output's bytes: options, strictness, the reference deck named on the
    command line and ``SOURCE_DATE_EPOCH`` (the dates written into PDFs)."""
    return (f"{__version__}|{settings.strict}|{settings.poster_size}|{settings.poster_landscape}|"
            f"{settings.print_ready}|{settings.reference}|{os.environ.get('SOURCE_DATE_EPOCH')!r}")


def fingerprint(root: Path, job: Job, settings: BuildSettings, configured_reference: Optional[str] = None,
                shared: Optional[str] = None, hashes: Optional[FileHashes] = None) -> str:
    """SHA-256 over everything ``job`` depends on, every file by its content.

    Every job depends on course.yaml, models.yaml, the templates, the assets
    (fonts), the package's source and the settings (:func:`settings_key`). A
    lecture's handout and deck also depend on its own Markdown file and on
    the other files under ``content/`` (images), but not on other lectures;
    the poster depends on no lecture and no image, so editing a lecture never
    rebuilds it. A deck also depends on its reference deck
    (``configured_reference`` is ``deck.reference`` of course.yaml, relative
    to ``root``). Works from the file system alone, so an up-to-date check
    needs no content loaded; :func:`build` takes these fingerprints *before*
    the content is read, so an edit saved during a build leaves the output
    recorded under the older fingerprint, and the next build rebuilds it.
    """
    hashes = hashes or FileHashes(None)
    digest = hashlib.sha256(f"{settings_key(settings)}|{job.key}".encode("utf-8", "surrogateescape"))
    content = root / "content"
    files = [content / "course.yaml", content / "data" / "models.yaml"]
    if job.lecture is not None:
        files.append(content / "lectures" / f"{job.lecture}.md")
    for path in files:
        try:
            digest.update(hashes.digest(path).encode() if path.is_file() else b"-")
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    digest.update((shared if shared is not None else shared_stamp(root, hashes)).encode())
    if job.lecture is not None:
        lectures = (content / "lectures").resolve()
        hash_tree(digest, hashes, [content], skip=lambda p: p in files or (p.suffix == ".md" and p.parent == lectures))
    if job.kind == "pptx":
        config_path = root / configured_reference if isinstance(configured_reference, str) else None
        if config_path is not None and not inside(root, config_path):
            config_path = None          # refused when the deck is built; never read here
        for reference in (settings.reference, config_path):
            if reference is not None and reference.is_file():
                digest.update(hashes.digest(reference).encode())
    return digest.hexdigest()


def fingerprints(root: Path, kinds: list[str], settings: BuildSettings, names: list[str],
                 configured_reference: Optional[str] = None) -> "Stamps":
    """``{job key: fingerprint}`` of ``kinds`` for the lectures ``names``, from the files as they are now.

    The command line takes them before loading (see :func:`fingerprint`).
    """
    hashes = FileHashes(settings.out_dir)
    shared = shared_stamp(root, hashes)
    stamps = Stamps()
    stamps.hashes = hashes
    for kind in kinds:
        for name in ([None] if kind == "poster" else names):
            job = Job(kind, name)
            stamps[job.key] = fingerprint(root, job, settings, configured_reference, shared, hashes)
    return stamps


class Stamps(dict):
    """``{job key: fingerprint}`` with the :class:`FileHashes` that made them (saved when a build commits,
    so a no-op build writes nothing)."""

    hashes: Optional[FileHashes] = None


def collisions(root: Path, settings: BuildSettings) -> list[ContentError]:
    """Outputs that would be written to the same file (a lecture ``poster.md``'s handout and the
    poster), one error each at the lecture file naming both; checked over every kind, before
    anything is loaded or built."""
    problems = []
    owners: dict[Path, str] = {}
    for job in [Job("poster", None)] + [Job(kind, name) for name in lecture_names(root) for kind in ("pdf", "pptx")]:
        path = output_path(job, settings)
        what = "the poster" if job.lecture is None else \
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
        for name in ([None] if kind == "poster" else names):
            job = Job(kind, name)
            path = output_path(job, settings)
            if state.get(job.key) is None or state.get(job.key) != stamps.get(job.key) or not path.is_file():
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
        if path.parent == settings.out_dir and path.is_file():   # never outside the output folder; never a folder
            path.unlink(missing_ok=True)
            removed.append(Result(job, path, None, 0.0, removed=True))
        del state[job.key]
    if removed:
        save_state(settings.out_dir, state)
    return removed


def output_path(job: Job, settings: BuildSettings) -> Path:
    suffix = {"pdf": ".pdf", "pptx": ".pptx"}.get(job.kind)
    if suffix:
        return settings.out_dir / f"{job.lecture}{suffix}"
    return settings.out_dir / "poster.pdf"


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
    """

    job: Job
    path: Path
    output: Optional[Output]
    seconds: float
    removed: bool = False


def _timed_job(course: Course, job: Job, settings: BuildSettings) -> tuple[Output, float]:
    """Run ``job``; a failure that is not a content or build error becomes one naming the job's source.

    Raises:
        ContentError, ContentErrors, BuildError: the writer's own.
        BuildError: an OSError writing the output (full disk …), with what to do.
        InternalError: anything else (a bug), naming the file being processed.
    """
    start = time.perf_counter()
    try:
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
    what = {"pdf": "the handout", "pptx": "the deck", "poster": "the poster"}[job.kind]
    source = f"content/lectures/{job.lecture}.md" if job.lecture else "content/data/models.yaml"
    return f"{source} ({what})"


def _merge_failures(failures: list[BaseException]) -> BaseException:
    """One exception for several failed outputs: content errors are merged so every problem is shown."""
    content: list[ContentError] = []
    for failure in failures:
        if isinstance(failure, ContentErrors):
            content.extend(failure.errors)
        elif isinstance(failure, ContentError):
            content.append(failure)
        else:
            return failure
    unique = list({str(e): e for e in content}.values())
    return ContentErrors(unique)


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
        if not force and job.key in stamps and state.get(job.key) == stamps[job.key] and path.is_file():
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
    check_destinations([output_path(job, settings) for job in todo])     # before anything is built
    outcome: dict = {}
    with Stage(out_dir) as stage:
        staged = replace(settings, out_dir=stage.path)

        def land(jobs: list[Job]) -> None:
            moves, new_state = [], dict(state)
            for job in jobs:
                moves.append((outcome[job.key][0].path, output_path(job, settings)))
                if job.key in stamps:
                    new_state[job.key] = stamps[job.key]
                else:                      # a lecture that appeared during the build: rebuilt next time
                    new_state.pop(job.key, None)
            stop.check()
            commit(out_dir, moves, new_state)
            if isinstance(stamps, Stamps) and stamps.hashes is not None:
                stamps.hashes.save()
            state.clear()
            state.update(new_state)
            for job in jobs:
                output, seconds = outcome[job.key]
                output.path = output_path(job, settings)
                results.append(Result(job, output.path, output, seconds))
                if on_result is not None:
                    on_result(results[-1])

        def done(job: Job, result) -> None:
            stop.check()                   # a stop a library swallowed: discard what it finished
            outcome[job.key] = result
            if not together and not isinstance(result, BaseException):
                land([job])

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
