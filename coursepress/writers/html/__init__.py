"""The HTML handout: one self-contained folder per course, readable on a phone and on a desktop.

:mod:`.writer` (the writer entry), :mod:`.pages` (the pages from the handout's
block templates), :mod:`.mathml` (formulas), :mod:`.webfonts` (font subsets)
and :mod:`.serve` (``watch`` serves the folder with live reload).
"""

from __future__ import annotations

from .. import Declared

WRITER = Declared(
    name="html", description="the HTML handout (a folder, dist/html)", title="the HTML handout",
    module="coursepress.writers.html.writer", file_name="html", order=50, cost=2,
    preloads="coursepress.writers.html.writer", reads=("lectures", "images"), source_file="content/lectures",
    folder=True)
