"""``build.py check``: everything the writers would refuse, found before building."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .errors import Problems
from .writers import BuildSettings, registry

if TYPE_CHECKING:
    from .model import Course
    from .project import Project


def check_project(project: Project, course: Course, settings: BuildSettings) -> int:
    """Let every registered writer check what it would refuse (:meth:`~coursepress.writers.Writer.check`:
    font coverage of every lecture, the reference deck's layouts, every deck's slide plan …); prints
    each warning and returns how many there were.

    Raises:
        ContentErrors: every error the writers found (under ``--strict``, uncovered characters too).
        BuildError: a problem that stops every build (a reference deck without a needed layout or placeholder).
    """
    problems = Problems(settings.strict)
    for writer in registry().values():
        writer.check(project, course, settings, problems)
    problems.errors = list({str(e): e for e in problems.errors}.values())   # handout and deck see the same text
    problems.raise_if_any()
    warnings = list(dict.fromkeys(str(w) for w in problems.warnings))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return len(warnings)
