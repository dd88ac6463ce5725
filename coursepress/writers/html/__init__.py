"""The HTML handout: one self-contained folder per course, readable on a phone and on a desktop.

:mod:`.writer` (the writer entry), :mod:`.pages` (the pages from the handout's
block templates), :mod:`.mathml` (formulas), :mod:`.webfonts` (font subsets)
and :mod:`.serve` (``watch`` serves the folder with live reload).
"""
