"""The slides-with-notes handout's declaration: one A4 PDF per lecture (:mod:`coursepress.writers.slides.notes`
does the work, over the slides PDF's drawings)."""

from __future__ import annotations

from . import Declared

WRITER = Declared(
    name="notes", description="handouts of the slides with speaker notes (--layout notes|3up|6up)",
    title="the notes handout", module="coursepress.writers.slides.notes", file_name="{lecture}-notes.pdf",
    order=24, cost=3, preloads="coursepress.writers.pdfengine", options=("--reference", "--layout"),
    reads=("lecture", "images", "reference"))
