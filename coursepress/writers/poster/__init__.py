"""The model-comparison poster: one PDF page per course (``writer`` does the work, ``fit`` sizes the
sheet and type, ``chart`` draws its charts, ``findings`` computes its headlines from the data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .. import Declared

if TYPE_CHECKING:
    from ...model import Course


@dataclass(frozen=True)
class PosterWriter(Declared):
    """The poster compares models, so ``all`` leaves it out of a course without any."""

    def skipped(self, course: Course) -> Optional[str]:
        if course.data.models:
            return None
        return ("poster.pdf: skipped, content/data/models.yaml lists no models (the poster compares models); "
                "add models to build it, or leave 'poster' out of course.yaml's 'outputs:'")


WRITER = PosterWriter(
    name="poster", description="comparison poster", title="the poster", module="coursepress.writers.poster.writer",
    file_name="poster.pdf", order=30, default=True, cost=2, preloads="coursepress.writers.pdfengine",
    options=("--size", "--landscape/--portrait", "--print"), reads=(), source_file="content/data/models.yaml")
