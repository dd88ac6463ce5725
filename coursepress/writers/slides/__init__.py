"""The slides PDF: the deck's slide plan drawn as a PDF, one page per slide (``<lecture>-slides.pdf``).

``look`` reads the reference deck's colours, backgrounds and rules, ``draw``
turns the slide plan into positioned views, ``chart`` draws the deck's charts
as SVG, ``writer`` renders the views with ``templates/slides/`` through
WeasyPrint; ``notes`` is the slides-with-notes handout (declared in
:mod:`coursepress.writers.notes`) over the same drawings.
"""

from __future__ import annotations

from .. import Declared

WRITER = Declared(
    name="slides", description="the decks as PDF, one page per slide", title="the slides PDF",
    module="coursepress.writers.slides.writer", file_name="{lecture}-slides.pdf", order=22, cost=3,
    preloads="coursepress.writers.pdfengine", options=("--reference",), reads=("lecture", "images", "reference"))
