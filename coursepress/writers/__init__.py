"""Writers: each turns the document model into one kind of output.

All writers share one contract::

    write(course: Course, target: Target, settings: BuildSettings) -> Output

and are listed in :data:`REGISTRY` by output name. Imports are lazy so that,
for example, building a deck never imports WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class BuildSettings:
    """Options for one build run.

    ``out_dir``: folder for outputs; ``strict``: warnings are errors;
    ``poster_size``/``poster_landscape``/``print_ready``: poster options (None = config);
    ``reference``: a reference deck overriding the config; ``verbose``: also report
    what only ``-v`` shows (code lines wrapped on slides); ``notes_layout``: notes | 3up | 6up for the
    slides-with-notes handout (None = course.yaml's ``notes.layout``).
    """

    out_dir: Path
    strict: bool = False
    poster_size: Optional[str] = None
    poster_landscape: Optional[bool] = None
    print_ready: bool = False
    reference: Optional[Path] = None
    verbose: bool = False
    notes_layout: Optional[str] = None


@dataclass
class Output:
    """What a writer produced: ``path``, a one-line ``summary`` (pages, slides) and warnings."""

    path: Path
    summary: str
    warnings: list[str] = field(default_factory=list)


REGISTRY = {
    "pdf": "coursepress.writers.handout",
    "pptx": "coursepress.writers.deck.writer",
    "poster": "coursepress.writers.poster.writer",
    "book": "coursepress.writers.book",
    "html": "coursepress.writers.html.writer",
}


# Where each writer's ``preload(root)`` lives: writers that name the same module share one preload
# (the handout and the poster both load WeasyPrint). Looked up without importing the writers.
PRELOADS = {
    "pdf": "coursepress.writers.pdfengine",
    "pptx": "coursepress.writers.deck.writer",
    "poster": "coursepress.writers.pdfengine",
    "book": "coursepress.writers.pdfengine",
    "html": "coursepress.writers.html.writer",
}


def writer(name: str):
    """The writer module for output ``name`` (pdf, pptx, poster), imported on first use."""
    return import_module(REGISTRY[name])


def preload(kinds: list[str], root: Path) -> None:
    """Import the writers of ``kinds`` and let each load what all its builds of ``root`` share.

    ``build.py watch`` calls this once: the build processes it forks on every
    save then start with WeasyPrint, python-pptx, fonts and templates loaded.
    """
    for module in dict.fromkeys(PRELOADS[kind] for kind in kinds):
        import_module(module).preload(root)
