"""Build orchestration: load once, run the writers, skip what is up to date.

Each output records a fingerprint of what it was built from (content, data,
templates, assets, config, options and the package version) in
``<out>/.coursepress-state.json``; an output whose fingerprint is unchanged and
whose file still exists is reported "up to date" and not rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from . import __version__
from .fonts import font_dirs
from .model import Course
from .output import atomic_write
from .resources import inside
from .templating import TOOL_ROOT, search_path
from .writers import BuildSettings, Output, writer

STATE_FILE = ".coursepress-state.json"
# Typical cost order of the writers (benchmarks: poster ≈ 4 layouts, handout ≈ 1, deck no layout engine).
COST_RANK = {"poster": 0, "pdf": 1, "pptx": 2}


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


def _hash_tree(digest, folders: list[Path], skip=lambda path: False, pattern: str = "*") -> None:
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and not skip(p)):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())


def fingerprint(course: Course, job: Job, settings: BuildSettings) -> str:
    """SHA-256 over everything ``job`` depends on (files by content, folders by size and mtime).

    Every job depends on course.yaml, models.yaml, the templates, the assets
    (fonts), the package's source and the options. A lecture's handout and
    deck also depend on its own Markdown file and on the other files under
    ``content/`` (images), but not on other lectures; the poster depends on
    no lecture and no image, so editing a lecture never rebuilds it.
    """
    digest = hashlib.sha256(f"{__version__}|{job.key}|{settings.strict}|{settings.poster_size}|"
                            f"{settings.poster_landscape}|{settings.print_ready}|{settings.reference}".encode())
    content = course.root / "content"
    lecture = course.lecture(job.lecture) if job.lecture else None
    files = [content / "course.yaml", content / "data" / "models.yaml"]
    if lecture is not None:
        files.append(lecture.source)
    for path in files:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    tool = [TOOL_ROOT / "assets", course.root / "assets"] + [Path(p) for p in search_path(course.root)]
    _hash_tree(digest, list(dict.fromkeys(p.resolve() for p in tool)) + font_dirs(course.root))
    _hash_tree(digest, [Path(__file__).resolve().parent], pattern="*.py")
    if lecture is not None:
        lectures = (content / "lectures").resolve()
        _hash_tree(digest, [content], skip=lambda p: p in files or (p.suffix == ".md" and p.parent == lectures))
    if job.kind == "pptx":
        configured = course.meta.deck.reference
        config_path = course.root / configured if configured else None
        if config_path is not None and not inside(course.root, config_path):
            config_path = None          # refused when the deck is built; never read here
        for reference in (settings.reference, config_path):
            if reference is not None and reference.is_file():
                digest.update(reference.read_bytes())
    return digest.hexdigest()


def _load_state(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def output_path(course: Course, job: Job, settings: BuildSettings) -> Path:
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
    """Outcome of one job: its output (None if up to date), path, seconds taken."""

    job: Job
    path: Path
    output: Optional[Output]
    seconds: float


def _timed_job(course: Course, job: Job, settings: BuildSettings) -> tuple[Output, float]:
    start = time.perf_counter()
    output = run_job(course, job, settings)
    return output, time.perf_counter() - start


def build(course: Course, kinds: list[str], settings: BuildSettings, force: bool = False,
          workers: Optional[int] = None, on_result: Optional[Callable[[Result], None]] = None) -> list[Result]:
    """Build every job of ``kinds``, skipping up-to-date outputs unless ``force``.

    ``on_result`` is called with each :class:`Result` as soon as it is known
    (so a summary line is printed for every output that was built, even when
    another output fails).

    Jobs that need building run in ``workers`` processes (default: one per core,
    at most one per job), since layout is CPU-bound and single-threaded.

    Raises:
        ContentErrors, BuildError: the first failure after all jobs finished;
            outputs that succeeded are kept and recorded, failed ones keep
            their previous file.
    """
    state = _load_state(settings.out_dir)
    results: list[Result] = []
    todo: list[tuple[Job, str]] = []
    for job in jobs_for(course, kinds):
        start = time.perf_counter()
        stamp = fingerprint(course, job, settings)
        path = output_path(course, job, settings)
        if not force and state.get(job.key) == stamp and path.exists():
            results.append(Result(job, path, None, time.perf_counter() - start))
            if on_result is not None:
                on_result(results[-1])
        else:
            todo.append((job, stamp))
    workers = min(workers or os.cpu_count() or 1, len(todo))
    failure: Optional[BaseException] = None

    def record(job: Job, stamp: str, output: Output, seconds: float) -> None:
        state[job.key] = stamp
        atomic_write(settings.out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode())
        results.append(Result(job, output.path, output, seconds))
        if on_result is not None:
            on_result(results[-1])

    if workers <= 1:
        for job, stamp in todo:
            try:
                output, seconds = _timed_job(course, job, settings)
            except Exception as exc:     # like the parallel path: build the others, then report
                failure = failure or exc
                continue
            record(job, stamp, output, seconds)
        if failure is not None:
            raise failure
        return results
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # Longest jobs first, so a short one fills the other core at the end (results keep the job order).
        submitted = {job: pool.submit(_timed_job, course, job, settings)
                     for job, _ in sorted(todo, key=lambda item: COST_RANK[item[0].kind])}
        for job, stamp in todo:
            future = submitted[job]
            try:
                output, seconds = future.result()
            except Exception as exc:     # report after the other jobs finished
                failure = failure or exc
                continue
            record(job, stamp, output, seconds)
    if failure is not None:
        raise failure
    return results
