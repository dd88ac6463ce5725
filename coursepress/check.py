"""``build.py check``: everything the writers would refuse, found before building."""

from __future__ import annotations

from .errors import Problems
from .fonts import check_coverage, shipped_faces
from .model import Course
from .writers import BuildSettings


def check_project(course: Course, settings: BuildSettings) -> int:
    """Check fonts coverage for every lecture, the reference deck's layouts, and plan every deck;
    prints each warning and returns how many there were.

    Raises:
        ContentErrors: under ``--strict``, uncovered characters.
        ContentErrors: what a deck build would refuse (text or a table row too tall for a slide).
        BuildError: a reference deck without a needed layout or placeholder.
    """
    from .writers.handout import lecture_texts

    problems = Problems(settings.strict)
    faces = shipped_faces(course.root)
    for lecture in course.lectures:
        check_coverage(lecture_texts(course, lecture), faces, problems)
    try:
        from .writers.deck import writer as deck
    except ImportError:
        deck = None
    if deck is not None and hasattr(deck, "check_reference"):
        deck.check_reference(course, settings)
        deck.check_plans(course, settings, problems)   # slide planning and fitting, no PPTX written
    problems.errors = list({str(e): e for e in problems.errors}.values())   # handout and deck see the same text
    problems.raise_if_any()
    import sys
    warnings = list(dict.fromkeys(str(w) for w in problems.warnings))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return len(warnings)
