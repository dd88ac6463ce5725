"""Limits on every input, so no content can make a build run or grow without bound.

Each limit has a default here and can be raised (or lowered) by the project in
``content/course.yaml``::

    limits:
      lecture_mb: 4          # one lecture file
      headings: 5000         # headings per lecture

Every refusal names the file (and line where there is one), the size found,
the limit and the ``limits:`` key that raises it (:func:`over`). The defaults
come from issue 14: each is far above what a real course needs (the LLM
course's largest lecture is 40 KB, its data file 30 KB) and low enough that a
build under them finishes in minutes on a small machine.

This module reads no files and imports nothing heavy: the resource gate, the
loader and the writers all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import ContentError, SourcePos

COURSE_FILE = "content/course.yaml"


@dataclass(frozen=True)
class Limits:
    """The limits of one build (units in the names: MB = 2**20 bytes, KB = 2**10 bytes).

    Attributes:
        lecture_mb: size of one lecture file.
        paragraph_kb: text of one paragraph (UTF-8 bytes).
        data_mb: size of a YAML data file (course.yaml, models.yaml).
        models: models in the data file.
        headings: headings in one lecture.
        yaml_depth: nesting of mappings and lists in a YAML file.
        svg_elements: elements of one SVG after every ``<use>`` is expanded.
        reference_deck_mb: a reference deck's parts, decompressed.
        image_megapixels: pixels of one raster image (width × height / 10**6).
        image_mb: size of one image file or decoded ``data:`` URI.
        output_minutes: time one output (a handout, a deck, the poster) may take.
    """

    lecture_mb: float = 2
    paragraph_kb: float = 100
    data_mb: float = 5
    models: int = 1000
    headings: int = 2000
    yaml_depth: int = 64
    svg_elements: int = 100_000
    reference_deck_mb: float = 200
    image_megapixels: float = 50
    image_mb: float = 20
    output_minutes: float = 10

    def bytes(self, name: str) -> int:
        """The limit ``name`` (``*_mb`` or ``*_kb``) in bytes."""
        value = getattr(self, name)
        return int(value * (2**20 if name.endswith("_mb") else 2**10))


DEFAULTS = Limits()
NAMES = tuple(f.name for f in fields(Limits))
_UNITS = {"mb": "MB", "kb": "KB", "megapixels": "megapixels", "minutes": "minutes"}


def unit(name: str) -> str:
    """The unit a limit is written in, for messages: ``lecture_mb`` → ``MB``, ``models`` → ``""``."""
    return _UNITS.get(name.rsplit("_", 1)[-1], "") if "_" in name else ""


def _amount(name: str, value: float) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit(name)}".rstrip()


def hint(name: str, value: float, advice: str = "") -> str:
    """What to do about a limit: ``advice`` (e.g. "split the lecture"), or raise it in course.yaml."""
    raise_it = f"raise it with 'limits: {{{name}: {_amount_plain(value)}}}' in {COURSE_FILE}"
    return f"{advice}, or {raise_it}" if advice else raise_it


def _amount_plain(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def over(pos: SourcePos, what: str, found: float, limits: Limits, name: str, advice: str = "") -> ContentError:
    """A :class:`ContentError` for ``what`` at ``pos`` being ``found`` (in the limit's unit) over limit ``name``.

    The hint proposes a new value: twice the limit, or what was found rounded up.
    """
    limit = getattr(limits, name)
    wanted = max(limit * 2, -(-found // 1))
    wanted = int(wanted) if float(wanted).is_integer() else wanted
    return ContentError(pos, f"{what} is {_amount(name, found)}, over the limit of {_amount(name, limit)} ({name})",
                        hint(name, wanted, advice))


def check_bytes(pos: SourcePos, what: str, size: int, limits: Limits, name: str, advice: str = "") -> None:
    """Raise :func:`over` if ``size`` bytes exceed the limit ``name`` (``*_mb``/``*_kb``)."""
    if size > limits.bytes(name):
        scale = 2**20 if name.endswith("_mb") else 2**10
        raise over(pos, what, round(size / scale, 1), limits, name, advice)


def check_pixels(pos: SourcePos, what: str, width_px: int, height_px: int, limits: Limits) -> None:
    """Refuse an image of more than ``image_megapixels`` (a decompression bomb: a small file, huge pixels).

    Raises:
        ContentError: naming the size in pixels and the limit.
    """
    megapixels = width_px * height_px / 1e6
    if megapixels > limits.image_megapixels:
        raise over(pos, f"{what} ({width_px:,} × {height_px:,} px)", round(megapixels, 1), limits,
                   "image_megapixels", "scale the image down")
