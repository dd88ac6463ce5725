"""Writers: each turns the document model into one kind of output, under one contract.

A writer is any object with the attributes and methods of :class:`Writer`;
it registers itself by being the module-level ``WRITER`` of a module under
``coursepress/writers/`` (or of a subpackage's ``__init__``). Adding an
output is one new module there, plus its templates: the command line,
``check``, ``watch``, the up-to-date check, scheduling and ``all`` find it
through :func:`registry`. Most writers are a :class:`Declared`: a small
declaration that imports the module doing the work only when an output is
built, so a deck build never imports WeasyPrint and a no-op build imports
no library at all. The shared entry point is::

    write(project: Project, course: Course, target: Target, settings: BuildSettings) -> Output
"""

from __future__ import annotations

import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Protocol

if TYPE_CHECKING:
    from ..errors import Problems
    from ..model import Course
    from ..project import Project


@dataclass(frozen=True)
class BuildSettings:
    """Options for one build run.

    ``out_dir``: folder for outputs; ``strict``: warnings are errors;
    ``poster_size``/``poster_landscape``/``print_ready``: poster options (None = config);
    ``reference``: a reference deck overriding the config; ``verbose``: also report
    what only ``-v`` shows (code lines wrapped on slides); ``notes_layout``: notes | 3up | 6up for the
    slides-with-notes handout (None = course.yaml's ``notes.layout``); ``layouts``: in ``watch``, the
    handouts' last layouts by target key, kept between rounds (:mod:`coursepress.writers.relayout`);
    None in other builds.
    """

    out_dir: Path
    strict: bool = False
    poster_size: Optional[str] = None
    poster_landscape: Optional[bool] = None
    print_ready: bool = False
    reference: Optional[Path] = None
    verbose: bool = False
    notes_layout: Optional[str] = None
    layouts: Optional[dict] = field(default=None, compare=False)    # watch: kept layouts (writers/relayout.py)


@dataclass
class Output:
    """What a writer produced: ``path``, a one-line ``summary`` (pages, slides) and warnings."""

    path: Path
    summary: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """One output file a writer makes: writer ``kind`` (its name: pdf, pptx …), the lecture (None for an
    output of the whole course) and its ``file_name`` in the output folder.

    ``key`` (``kind:lecture`` or ``kind:-``) names the target in the build state file.
    """

    kind: str
    lecture: Optional[str]
    file_name: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.lecture or '-'}"


@dataclass(frozen=True)
class Inputs:
    """The files one target is built from, for the up-to-date check (:mod:`coursepress.stamps`).

    ``files``: each hashed by content (a missing one counts as missing, so
    creating it is a change); ``tree``: a folder whose every other file counts
    too, but lecture sources (the images under ``content/``); ``optional``:
    hashed only when present (a reference deck; the option naming it is in the
    settings already).
    """

    files: tuple[Path, ...]
    tree: Optional[Path] = None
    optional: tuple[Path, ...] = ()


class Writer(Protocol):
    """The contract every output's writer keeps.

    Attributes:
        name: the target name on the command line (``pdf``, ``pptx``, ``poster``, ``book``).
        description: one line for ``--help``.
        title: what the output is called in messages ("the handout").
        order: where it comes in lists (``--help``, ``all``, the summary lines); lower first.
        default: built by ``all`` when course.yaml gives no ``outputs:``.
        per_lecture: one target per lecture (``--lecture`` applies), else one per course.
        cost: relative build time, higher = longer (the longest job starts first).
        preloads: the module whose ``preload(project)`` loads what several builds share
            (writers naming the same module share one preload), or None.
        options: the command-line options that apply to it (``--size``, ``--reference`` …;
            one that applies to no chosen output is a usage error).
        folder: each output is a folder (the HTML handout's site), committed whole in one rename.
    """

    name: str
    description: str
    title: str
    order: int
    default: bool
    per_lecture: bool
    cost: int
    preloads: Optional[str]
    options: tuple[str, ...]
    folder: bool

    def targets(self, project: Project) -> list[Target]:
        """The outputs this writer makes for ``project``."""
        ...

    def target(self, lecture: Optional[str]) -> Target:
        """The target of ``lecture`` (None for a whole-course writer)."""
        ...

    def inputs(self, project: Project, target: Target) -> Inputs:
        """The files ``target`` depends on (besides templates, fonts, the tool and the settings)."""
        ...

    def source(self, target: Target) -> str:
        """The source file (relative to the root) an unforeseen failure of ``target`` is reported at."""
        ...

    def skipped(self, course: Course) -> Optional[str]:
        """Why ``all`` leaves this output out for ``course`` (a note for the user), or None."""
        ...

    def check(self, project: Project, course: Course, settings: BuildSettings, problems: Problems) -> None:
        """``build.py check``: what a build would refuse, into ``problems`` (nothing written).

        Raises:
            BuildError: a problem that stops every build (a reference deck without a needed layout).
        """
        ...

    def write(self, project: Project, course: Course, target: Target, settings: BuildSettings) -> Output:
        """Build ``target`` into ``settings.out_dir``; the previous output stays if anything fails.

        Raises:
            ContentError, ContentErrors: content problems, at their file and line.
            BuildError: other problems a user can fix (a missing reference deck, a full poster).
        """
        ...


@dataclass(frozen=True)
class Declared:
    """A :class:`Writer` declared in a few lines; the work is done by module ``module``.

    ``module`` defines ``write(project, course, target, settings) -> Output`` and
    optionally ``check(project, course, settings, problems)`` and
    ``skipped(course) -> str | None``; it is imported only when one of these is called.

    ``file_name``: the output's name in the output folder, ``{lecture}`` standing for the
    lecture's name (``{lecture}.pdf``). ``reads``: what a target depends on besides
    course.yaml and the model data: ``lecture`` (its own lecture file), ``lectures`` (every
    lecture file), ``images`` (every other file under ``content/``), ``reference`` (the
    reference deck). ``source``: where a failure of a whole-course target is reported.
    """

    name: str
    description: str
    title: str
    module: str
    file_name: str
    order: int = 100
    default: bool = False
    cost: int = 1
    preloads: Optional[str] = None
    options: tuple[str, ...] = ()
    reads: tuple[str, ...] = ("lecture", "images")
    source_file: str = "content/course.yaml"
    folder: bool = False
    keeps_layout: bool = False     # watch: built in the watching process, its layout kept (relayout.py)

    @property
    def per_lecture(self) -> bool:
        return "{lecture}" in self.file_name

    def implementation(self) -> Any:
        """The module doing the work, imported on first use."""
        return import_module(self.module)

    def target(self, lecture: Optional[str]) -> Target:
        return Target(self.name, lecture, self.file_name.format(lecture=lecture or ""))

    def targets(self, project: Project) -> list[Target]:
        if self.per_lecture:
            return [self.target(name) for name in project.lecture_names]
        return [self.target(None)]

    def inputs(self, project: Project, target: Target) -> Inputs:
        files = [project.course_file, project.data_file]
        if "lecture" in self.reads and target.lecture is not None:
            files.append(project.lecture_path(target.lecture))
        if "lectures" in self.reads:
            files.extend(path for _name, path in project.lectures)
        tree = project.content_dir if "images" in self.reads else None
        optional = project.reference_decks if "reference" in self.reads else ()
        return Inputs(tuple(files), tree, optional)

    def source(self, target: Target) -> str:
        from ..layout import lecture_file

        return lecture_file(target.lecture) if target.lecture is not None else self.source_file

    def skipped(self, course: Course) -> Optional[str]:
        how = getattr(self.implementation(), "skipped", None)
        return how(course) if how is not None else None

    def check(self, project: Project, course: Course, settings: BuildSettings, problems: Problems) -> None:
        how = getattr(self.implementation(), "check", None)
        if how is not None:
            how(project, course, settings, problems)

    def write(self, project: Project, course: Course, target: Target, settings: BuildSettings) -> Output:
        result: Output = self.implementation().write(project, course, target, settings)
        return result


_DECLARES = re.compile(rb"(?m)^WRITER\s*[:=]")


def _declaring_modules() -> list[str]:
    """Modules under this package (and its subpackages) whose source assigns ``WRITER`` at the top level.

    The sources are read, not imported (importing every writer module would load WeasyPrint and
    python-pptx): only the declaring modules are imported, and they are kept light.
    """
    found = []
    for info in pkgutil.walk_packages(__path__, __name__ + "."):
        folder = Path(getattr(info.module_finder, "path", ""))
        last = info.name.rpartition(".")[2]
        source_file = folder / last / "__init__.py" if info.ispkg else folder / f"{last}.py"
        try:
            source = source_file.read_bytes()
        except OSError:
            continue
        if b"\nWRITER" in source and _DECLARES.search(source):      # the plain search first: fast
            found.append(info.name)
    return found


@lru_cache(maxsize=1)
def registry() -> dict[str, Writer]:
    """Every registered writer by name, in :attr:`Writer.order` (then name).

    Raises:
        RuntimeError: two writers declare the same name (a bug in the package).
    """
    writers: dict[str, Writer] = {}
    for module in _declaring_modules():
        declared = getattr(import_module(module), "WRITER", None)
        if declared is None:
            continue
        if declared.name in writers:
            raise RuntimeError(f"two writers are named '{declared.name}': {module} and another module")
        writers[declared.name] = declared
    return dict(sorted(writers.items(), key=lambda item: (item[1].order, item[0])))


def writer(name: str) -> Writer:
    """The registered writer ``name`` (pdf, pptx, poster, book …).

    Raises:
        KeyError: no writer has that name.
    """
    return registry()[name]


def preload(kinds: list[str], project: Project) -> None:
    """Let the writers of ``kinds`` load what all their builds of ``project`` share.

    ``build.py watch`` calls this once: the build processes it forks on every
    save then start with WeasyPrint, python-pptx, fonts and templates loaded.
    """
    modules = [writer(kind).preloads for kind in kinds]
    for module in dict.fromkeys(m for m in modules if m):
        import_module(module).preload(project)
