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

import hashlib
import json
import os
import time
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import __version__
from .cachedir import read_private
from .errors import BuildError, ContentError, ContentErrors
from .fonts import font_dirs
from .handedits import keep_edited, record_output
from .output import atomic_write
from .resources import inside
from .templating import TOOL_ROOT, search_path
from .parallel import run_parallel
from .watchdog import step, time_limit
from .writers import BuildSettings, Output, writer

if TYPE_CHECKING:
    from .model import Course

STATE_FILE = ".coursepress-state.json"
STAGE_PREFIX = ".coursepress-staging-"        # + the building process's pid + "-" + random


@dataclass(frozen=True)
class Job:
    """One output to build: writer ``kind`` (pdf, pptx, poster) and the lecture (None for the poster)."""

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
    """Jobs for ``kinds``: one handout and one deck per lecture, one poster per course."""
    jobs: list[Job] = []
    for kind in kinds:
        if kind == "poster":
            jobs.append(Job(kind, None))
        else:
            jobs.extend(Job(kind, lec.name) for lec in course.lectures)
    return jobs


def _hash_tree(digest, folders: list[Path], skip=lambda path: False, pattern: str = "*") -> None:
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and not skip(p)):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())


def shared_stamp(root: Path) -> str:
    """Digest of what every output depends on alike: templates, assets (fonts) and the package source.

    Computed once per build and passed to :func:`fingerprint` (walking those trees per output repeated the I/O).
    """
    digest = hashlib.sha256()
    tool = [TOOL_ROOT / "assets", root / "assets"] + [Path(p) for p in search_path(root)]
    _hash_tree(digest, list(dict.fromkeys(p.resolve() for p in tool)) + font_dirs(root))
    _hash_tree(digest, [Path(__file__).resolve().parent], pattern="*.py")
    return digest.hexdigest()


def fingerprint(root: Path, job: Job, settings: BuildSettings, configured_reference: Optional[str] = None,
                shared: Optional[str] = None) -> str:
    """SHA-256 over everything ``job`` depends on (files by content, folders by size and mtime).

    Every job depends on course.yaml, models.yaml, the templates, the assets
    (fonts), the package's source and the options. A lecture's handout and
    deck also depend on its own Markdown file and on the other files under
    ``content/`` (images), but not on other lectures; the poster depends on
    no lecture and no image, so editing a lecture never rebuilds it. A deck
    also depends on its reference deck (``configured_reference`` is
    ``deck.reference`` of course.yaml, relative to ``root``). Works from the
    file system alone, so an up-to-date check needs no content loaded.
    """
    digest = hashlib.sha256(f"{__version__}|{job.key}|{settings.strict}|{settings.poster_size}|"
                            f"{settings.poster_landscape}|{settings.print_ready}|{settings.reference}".encode())
    content = root / "content"
    files = [content / "course.yaml", content / "data" / "models.yaml"]
    if job.lecture is not None:
        files.append(content / "lectures" / f"{job.lecture}.md")
    for path in files:       # a link out of the project or a FIFO is refused by the load; never read here
        digest.update(path.read_bytes() if path.is_file() and inside(root, path) else b"-")
    digest.update((shared if shared is not None else shared_stamp(root)).encode())
    if job.lecture is not None:
        lectures = (content / "lectures").resolve()
        _hash_tree(digest, [content], skip=lambda p: p in files or (p.suffix == ".md" and p.parent == lectures))
    if job.kind == "pptx":
        config_path = root / configured_reference if isinstance(configured_reference, str) else None
        if config_path is not None and not inside(root, config_path):
            config_path = None          # refused when the deck is built; never read here
        for reference in (settings.reference, config_path):
            if reference is not None and reference.is_file():
                digest.update(reference.read_bytes())
    return digest.hexdigest()


def up_to_date(root: Path, kinds: list[str], settings: BuildSettings, lecture: Optional[str] = None,
               configured_reference: Optional[str] = None) -> Optional[list[Result]]:
    """Results for ``kinds`` if every output is up to date, else None; reads no content.

    The command line calls this before loading the course, so a no-op build
    costs a few file hashes instead of parsing and validating everything.
    """
    every = lecture_names(root)
    names = [n for n in every if lecture is None or n == lecture]
    if not names:
        return None
    state = _load_state(settings.out_dir)
    if stale_jobs(state, every):
        return None                        # a build must remove a deleted lecture's outputs
    shared = shared_stamp(root)
    results = []
    for kind in kinds:
        for name in ([None] if kind == "poster" else names):
            job = Job(kind, name)
            path = output_path(job, settings)
            if state.get(job.key) != fingerprint(root, job, settings, configured_reference, shared) or not path.exists():
                return None
            results.append(Result(job, path, None, 0.0))
    return results


def lecture_names(root: Path) -> list[str]:
    """Names (file stems) of the lecture files under ``root/content/lectures``, sorted."""
    folder = root / "content" / "lectures"
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


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
        if path.parent == settings.out_dir:          # a state key can never point outside the output folder
            kept = keep_edited(state, path)          # an edited output is kept under a new name, not deleted
            path.unlink(missing_ok=True)
            removed.append(Result(job, path, None, 0.0, removed=True, kept=kept))
        del state[job.key]
    if removed:
        _save_state(settings.out_dir, state)
    return removed


def remove_abandoned_stages(out_dir: Path) -> list[Path]:
    """Delete staging folders in ``out_dir`` left by builds that were killed (their process is gone).

    A staging folder is named after the pid of the build that made it; one
    whose process still runs (a ``watch`` or another build at the same time)
    is left alone. Returns the folders removed.
    """
    removed = []
    for folder in out_dir.glob(STAGE_PREFIX + "*"):
        pid = folder.name[len(STAGE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue                           # that build (or this one) is still running
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    """True if process ``pid`` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:                    # exists, another user's
        pass
    return True


def _load_state(out_dir: Path) -> dict:
    """The recorded fingerprints; a state file that is a link (or unreadable) counts as none."""
    try:
        state = json.loads(read_private(out_dir / STATE_FILE))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(out_dir: Path, state: dict) -> None:
    atomic_write(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode())


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
    ``kept``: the hand-edited file that was at ``path``, now under its ``.edited-`` name.
    """

    job: Job
    path: Path
    output: Optional[Output]
    seconds: float
    removed: bool = False
    kept: Optional[Path] = None


_OUTPUT_NAMES = {"pdf": "the handout", "pptx": "the deck", "poster": "the poster"}


def _timed_job(course: Course, job: Job, settings: BuildSettings) -> tuple[Output, float]:
    """Run ``job`` under the per-output time limit (:mod:`coursepress.watchdog`); (output, seconds)."""
    start = time.perf_counter()
    name = _OUTPUT_NAMES.get(job.kind, job.kind) + (f" of lecture '{job.lecture}'" if job.lecture else "")
    with time_limit(course.meta.limits.output_minutes, name), step(f"building {name}"):
        output = run_job(course, job, settings)
    return output, time.perf_counter() - start


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
          together: bool = True) -> list[Result]:
    """Build every job of ``kinds``, skipping up-to-date outputs unless ``force``.

    The writers write into a staging folder inside the output folder, so no
    output is ever half-written. ``together`` (``build.py pdf|pptx|poster|all``):
    all or nothing, only when every output succeeded are they renamed into
    place (each rename atomic) and recorded; if any output fails, no output
    changes, so the handout and deck of a lecture never fall out of step.
    Not ``together`` (``build.py watch``): each output is renamed into place as
    soon as it is done, so a deck shows before the slower handout; a failed
    output keeps its last good version.

    ``on_result`` is called with each :class:`Result` once it is final (up-to-date
    outputs at once, built ones after they are in place). Jobs run in ``workers``
    forked processes (default: one per core, at most one per job), since layout
    is CPU-bound and single-threaded.

    Raises:
        ContentErrors: the problems of every failed output, together.
        BuildError: another failure (the first one).
    """
    state = _load_state(settings.out_dir)
    results: list[Result] = []
    todo: list[Job] = []
    stamps: dict[str, str] = {}
    shared = shared_stamp(course.root)
    for job in jobs_for(course, kinds):
        start = time.perf_counter()
        stamps[job.key] = fingerprint(course.root, job, settings, course.meta.deck.reference, shared)
        path = output_path(job, settings)
        if not force and state.get(job.key) == stamps[job.key] and path.exists():
            results.append(Result(job, path, None, time.perf_counter() - start))
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
        tidy()
        return results
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_stages(settings.out_dir)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=settings.out_dir))
    staged = replace(settings, out_dir=stage)
    outcome: dict = {}
    kept: dict[str, Path] = {}

    def keep(job: Job) -> None:      # an output edited by hand moves aside before the new one lands
        copy = keep_edited(state, output_path(job, settings))
        if copy is not None:
            kept[job.key] = copy
            _save_state(settings.out_dir, state)

    def commit(job: Job, output: Output, seconds: float) -> None:
        final = settings.out_dir / output.path.name
        keep(job)
        os.replace(output.path, final)
        output.path = final
        state[job.key] = stamps[job.key]
        record_output(state, final)
        _save_state(settings.out_dir, state)
        results.append(Result(job, final, output, seconds, kept=kept.get(job.key)))
        if on_result is not None:
            on_result(results[-1])

    def done(job: Job, result) -> None:
        outcome[job.key] = result
        if not together and not isinstance(result, BaseException):
            try:
                commit(job, *result)
            except BuildError as exc:      # an edit that cannot be kept: this output stays as it is
                outcome[job.key] = exc

    try:
        workers = min(workers or os.cpu_count() or 1, len(todo))
        if workers <= 1:
            for job in todo:
                try:
                    done(job, _timed_job(course, job, staged))
                except Exception as exc:      # noqa: BLE001 — build the others, then report all
                    done(job, exc)
        else:
            run_parallel(course, todo, staged, workers, _timed_job, done)
        failures = [outcome[job.key] for job in todo if isinstance(outcome[job.key], BaseException)]
        if failures:
            raise _merge_failures(failures)
        if together:
            for job in todo:         # every edit is kept (or the build stops) before any output is replaced
                keep(job)
            for job in todo:
                commit(job, *outcome[job.key])
        tidy()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return results
