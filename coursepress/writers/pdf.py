"""The handout's declaration: one PDF per lecture (:mod:`coursepress.writers.handout` does the work)."""

from __future__ import annotations

from . import Declared

WRITER = Declared(
    name="pdf", description="handouts", title="the handout", module="coursepress.writers.handout",
    file_name="{lecture}.pdf", order=10, default=True, cost=3, preloads="coursepress.writers.pdfengine",
    keeps_layout=True)
