"""The project value: every resolved path a build uses, made once.

:func:`locate` makes it from the file system alone (the up-to-date check runs
before anything is loaded); loading (:func:`coursepress.load.load_project`)
completes it with what needs the validated course.yaml and the font files.
After that nothing reads paths or YAML again: writers get the
:class:`Project` beside the document model (:class:`~coursepress.model.Course`),
which holds content only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .layout import COURSE_FILE, CONTENT, DATA_FILE, lecture_file, lecture_names, peek_course
from .resources import inside

if TYPE_CHECKING:
    from .fonts import FontFace


@dataclass(frozen=True)
class Project:
    """Resolved paths of one project (all absolute).

    Attributes:
        root: the project folder (holding ``content/``), real path.
        course_file, data_file: ``content/course.yaml`` and ``content/data/models.yaml`` (may not exist).
        content_dir: ``content/``: lectures, data and the images the lectures name.
        lectures: (name, path) of every lecture file, by name (``--lecture`` chooses among them).
        reference_deck: the deck's reference ``.pptx``: ``--reference``, else ``deck.reference`` of
            course.yaml (if inside the project), else the first ``deck/reference.pptx`` on
            ``template_path``; None if there is none (the deck writer reports it).
        template_path: template folders, the project's ``templates/`` first, then the tool's.
        bibliography: the ``.bib`` file course.yaml names (set by loading), or None.
        font_faces: every shipped and project font face, scanned once by loading (empty before).
        font_dirs: the font folders, the project's ``assets/fonts`` first (set by loading).
    """

    root: Path
    course_file: Path
    data_file: Path
    content_dir: Path
    lectures: tuple[tuple[str, Path], ...]
    reference_deck: Optional[Path]
    template_path: tuple[str, ...]
    bibliography: Optional[Path] = None
    font_faces: tuple[FontFace, ...] = ()
    font_dirs: tuple[Path, ...] = ()

    @property
    def lecture_names(self) -> list[str]:
        """Names (file stems) of :attr:`lectures`, sorted."""
        return [name for name, _path in self.lectures]

    def lecture_path(self, name: str) -> Path:
        """The file of lecture ``name`` (``content/lectures/NAME.md``; it need not exist)."""
        return dict(self.lectures).get(name, self.root / lecture_file(name))

    @property
    def reference_decks(self) -> tuple[Path, ...]:
        """:attr:`reference_deck` as a tuple (empty when there is none), for the up-to-date check."""
        return (self.reference_deck,) if self.reference_deck is not None else ()

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, as messages show it (``content/lectures/intro.md``)."""
        return path.relative_to(self.root).as_posix()


def locate(root: Path, reference: Optional[Path] = None) -> Project:
    """The project at ``root`` from the file system alone (no content loaded, no fonts scanned).

    Args:
        root: the project folder.
        reference: ``--reference`` (your explicit choice; may be anywhere).
    """
    from .templating import search_path

    root = root.resolve()
    names = lecture_names(root)
    template_path = tuple(search_path(root))
    return Project(root=root, course_file=root / COURSE_FILE, data_file=root / DATA_FILE,
                   content_dir=root / CONTENT, lectures=tuple((n, root / lecture_file(n)) for n in names),
                   reference_deck=_reference_deck(root, reference, template_path), template_path=template_path)


def _reference_deck(root: Path, reference: Optional[Path], template_path: tuple[str, ...]) -> Optional[Path]:
    """See :attr:`Project.reference_deck`. A ``deck.reference`` that leaves the project is never
    read here: loading refuses it at its line."""
    if reference is not None:
        return reference
    configured = peek_course(root).reference
    if configured is not None:
        path = root / configured
        return path if inside(root, path) else None
    for folder in template_path:
        path = Path(folder) / "deck" / "reference.pptx"
        if os.path.lexists(path):
            return path
    return None

