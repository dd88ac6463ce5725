"""What a build makes and whether it is up to date: loops over the writer registry.

Each output records a fingerprint of what it was built from (content, data,
templates, assets, config, options and the package version) in
``<out>/.coursepress-state.json``, keyed by its target (``pdf:intro``,
``poster:-``); an output whose fingerprint is unchanged and whose file still
exists is "up to date". Everything here works from the :class:`Project`
alone, before any content is loaded, so a no-op build stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .commit import JOURNAL_FILE, load_state
from .errors import ContentError, SourcePos
from .layout import COURSE_FILE, lecture_file
from .stamps import Stamps, fingerprint_targets
from .writers import BuildSettings, Output, Target, registry, writer

if TYPE_CHECKING:
    from .model import Course
    from .project import Project


@dataclass
class Result:
    """Outcome of one target: its output (None if up to date or removed), path, seconds taken.

    ``removed``: the output belonged to a lecture that no longer exists and was deleted.
    ``kept``: the hand-edited file that was at ``path``, now under its ``.edited-`` name.
    """

    job: Target
    path: Path
    output: Optional[Output]
    seconds: float
    removed: bool = False
    kept: Optional[Path] = None


def default_kinds() -> list[str]:
    """The writers ``all`` builds when course.yaml gives no ``outputs:`` (pdf, pptx, poster)."""
    return [name for name, w in registry().items() if w.default]


def chosen_kinds(course: Course, kinds: list[str], everything: bool) -> tuple[list[str], list[str]]:
    """The outputs to build and a note for each one left out, with the reason.

    ``everything`` (``build.py all`` or ``watch``): the outputs course.yaml's
    ``outputs:`` lists, in the order of ``kinds``, less those a writer skips for
    this course (:meth:`~coursepress.writers.Writer.skipped`: no poster without
    models). A single command (``pdf``, ``pptx``, ``poster``) builds what it
    names; its writer then refuses what it cannot build itself.
    """
    if not everything:
        return kinds, []
    chosen, notes = [], []
    for kind in (k for k in kinds if k in course.meta.outputs):
        note = writer(kind).skipped(course)
        if note is None:
            chosen.append(kind)
        else:
            notes.append(note)
    return chosen, notes


def select(project: Project, kinds: list[str], names: list[str]) -> list[Target]:
    """The targets of ``kinds`` for the lectures ``names`` (in that order), and each whole-course target."""
    rank = {name: index for index, name in enumerate(names)}
    chosen: list[Target] = []
    for kind in kinds:
        targets = [t for t in writer(kind).targets(project) if t.lecture is None or t.lecture in rank]
        chosen.extend(sorted(targets, key=lambda t: -1 if t.lecture is None else rank[t.lecture]))
    return chosen


def fingerprints(project: Project, kinds: list[str], settings: BuildSettings, names: list[str]) -> Stamps:
    """``{target key: fingerprint}`` of ``kinds`` for the lectures ``names``, from the files as they are now
    (:func:`stamps.fingerprint`). The command line takes them before loading."""
    return fingerprint_targets(project, select(project, kinds, names), settings)


def output_path(target: Target, settings: BuildSettings) -> Path:
    """Where ``target`` lands in the output folder."""
    return settings.out_dir / target.file_name


def present(target: Target, path: Path) -> bool:
    """Whether ``target``'s output is at ``path``: a regular file, or a real folder for a writer whose
    outputs are folders (:attr:`~coursepress.writers.Writer.folder`)."""
    if writer(target.kind).folder:
        return path.is_dir() and not path.is_symlink()
    return path.is_file()


def describe(target: Target) -> str:
    """What ``target`` is, for messages: "the handout of lecture 'intro'", "the poster"."""
    title = writer(target.kind).title
    return title + (f" of lecture '{target.lecture}'" if target.lecture else "")


def collisions(project: Project, settings: BuildSettings) -> list[ContentError]:
    """Outputs that would be written to the same file (a lecture ``poster.md``'s handout and the
    poster), one error each at the lecture file naming both; checked over every registered writer
    and every lecture file, before anything is loaded or built."""
    problems = []
    owners: dict[Path, str] = {}
    writers = list(registry().values())
    targets = [w.target(None) for w in writers if not w.per_lecture]
    targets += [w.target(name) for name in project.lecture_names for w in writers if w.per_lecture]
    for target in targets:
        path = output_path(target, settings)
        title = writer(target.kind).title
        what = title if target.lecture is None else f"{title} of {lecture_file(target.lecture)}"
        if path in owners:
            where = lecture_file(target.lecture) if target.lecture is not None else COURSE_FILE
            problems.append(ContentError(SourcePos(where),
                                         f"{what} would be written to {path.name}, the same file as {owners[path]}",
                                         "rename the lecture file"))
        owners.setdefault(path, what)
    return problems


def up_to_date(project: Project, kinds: list[str], settings: BuildSettings, lecture: Optional[str] = None,
               stamps: Optional[dict[str, str]] = None) -> Optional[list[Result]]:
    """Results for ``kinds`` if every output is up to date, else None; reads no content.

    ``stamps``: from :func:`fingerprints` (computed here if None). The command
    line calls this before loading the course, so a no-op build costs a few
    file hashes instead of parsing and validating everything. Never "up to
    date" while a commit journal waits to be finished or two outputs share a file.
    """
    every = project.lecture_names
    names = [n for n in every if lecture is None or n == lecture]
    if not names or (settings.out_dir / JOURNAL_FILE).exists() or collisions(project, settings):
        return None
    state = load_state(settings.out_dir)
    if stale_targets(state, every):
        return None                        # a build must remove a deleted lecture's outputs
    targets = select(project, kinds, names)
    if stamps is None:
        stamps = fingerprint_targets(project, targets, settings)
    results = []
    for target in targets:
        path = output_path(target, settings)
        if state.get(target.key) is None or state.get(target.key) != stamps.get(target.key) or not present(target, path):
            return None
        results.append(Result(target, path, None, 0.0))
    return results


def stale_targets(state: dict, names: list[str]) -> list[Target]:
    """Lecture outputs the state records whose lecture is not among ``names`` (its file was deleted
    or renamed); outputs of writers no longer registered are left alone."""
    writers = registry()
    stale = []
    for key in state:
        kind, _, lecture = key.partition(":")
        if kind in writers and writers[kind].per_lecture and lecture not in names:
            stale.append(writers[kind].target(lecture))
    return stale
