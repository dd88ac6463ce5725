"""The lecture deck in two steps, as in Pandoc's PowerPoint writer.

``reference`` reads the reference deck (layouts and placeholders by name),
``measure`` measures text with the shipped fonts, ``blocks``/``data``/``plan``
turn the document model into a slide plan (``nodes``, pure data) fitted by
``fit``, and ``pptx_writer`` writes the plan with python-pptx.
"""

from __future__ import annotations

from .. import Declared

WRITER = Declared(
    name="pptx", description="decks", title="the deck", module="coursepress.writers.deck.writer",
    file_name="{lecture}.pptx", order=20, default=True, cost=1, preloads="coursepress.writers.deck.writer",
    options=("--reference",), reads=("lecture", "images", "reference"))
