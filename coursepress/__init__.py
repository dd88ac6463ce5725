"""coursepress: one structured course source to a PDF handout, a PPTX deck and a poster.

Stages (see docs/architecture in README): load + validate → document model → writers.
"""

__version__ = "0.1.0"
