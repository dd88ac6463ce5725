"""Typed, validated content: course metadata, lecture front matter and model data.

Values come from :mod:`coursepress.yamlsource` (positions kept); pydantic checks
types, enumerations and required fields; :mod:`coursepress.validation` turns
every error into a :class:`~coursepress.errors.ContentError` at the line of the
offending value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .cjk import is_wide
from .limits import DEFAULTS as LIMITS, Limits
from .writers import registry

# The outputs course.yaml's ``outputs:`` may name: every registered writer (coursepress.writers).
OUTPUT_NAMES = tuple(registry())
DEFAULT_OUTPUTS = tuple(name for name, writer in registry().items() if writer.default)


def _known_output(name: str) -> str:
    if name not in OUTPUT_NAMES:
        listed = ", ".join(repr(n) for n in OUTPUT_NAMES[:-1]) + f" or {OUTPUT_NAMES[-1]!r}"
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": listed})
    return name


OutputName = Annotated[str, AfterValidator(_known_output), WithJsonSchema({"enum": list(OUTPUT_NAMES), "type": "string"})]


_FROZEN = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

# Strings YAML 1.1 reads as booleans; accepted for boolean fields only.
# Documented rule: y/n count too (YAML 1.1's type table), for boolean fields only.
_TRUE = {"yes", "true", "on", "y"}
_FALSE = {"no", "false", "off", "n"}


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(f"'{value}' is not a yes/no value (write true or false)")
    return value


def join_lines(text: str) -> str:
    """Join the lines of a multi-line YAML string the way HTML would show them.

    Lines are stripped; a line break between two CJK characters disappears
    (Chinese has no spaces between words), any other becomes one space.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        wide = is_wide(out[-1]) and is_wide(line[0])
        out += ("" if wide else " ") + line
    return out


class ReleaseDate(BaseModel):
    """A release date of year, month or day precision.

    Accepted input: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` and the same with ``/``.
    ``iso`` is the normalised text (2024-05-13 / 2024-05 / 2024), ``sort_key`` a
    tuple that orders mixed precision (a month sorts before its days).
    """

    model_config = ConfigDict(frozen=True)
    year: int
    month: Optional[int] = None
    day: Optional[int] = None

    @property
    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @property
    def fraction(self) -> float:
        """Year as a decimal (2023.5 ≈ mid-2023), for timelines."""
        return self.year + ((self.month or 1) - 1) / 12 + ((self.day or 1) - 1) / 365


_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")


def parse_release(value: Any) -> Any:
    """Turn ``2024-05-13``/``2024-05``/``2024/03/01``/``2024`` into a :class:`ReleaseDate`.

    Raises:
        ValueError: an impossible date (2023-02-30) or an unknown format.
    """
    if value is None or isinstance(value, ReleaseDate):
        return value
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"release date must be text like 2024-05-13, not {value!r}")
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year = int(match.group(1))
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    return ReleaseDate(year=year, month=month, day=day)


Number = Union[float, str, list[Union[float, str]], None]
_QUALIFIED = re.compile(r"^\s*([<>≤≥~≈\u7ea6])\s*(\d+(?:\.\d+)?)\s*$")   # U+7EA6 "about"


def _positive(value: Any) -> Any:
    """Check a number, a qualified number ("<128", "~86", "≈340") or a list of them."""
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            match = _QUALIFIED.match(v)
            if match and float(match.group(2)) > 0:
                continue
            raise ValueError(f"'{v}' is not a positive number (a qualifier like <, >, ~ may precede it)")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < math.inf:   # also NaN
            raise ValueError(f"{v!r} is not a positive number")
    return value


def quantity(value: Union[float, str]) -> tuple[str, float]:
    """Split a stored number into (qualifier, value): "<128" → ("<", 128.0), 7 → ("", 7.0)."""
    if isinstance(value, str):
        match = _QUALIFIED.match(value)
        assert match, value
        return ("≈" if match.group(1) in "~≈\u7ea6" else match.group(1)), float(match.group(2))   # U+7EA6 "about"
    return "", float(value)


class Model(BaseModel):
    """One language model from ``data/models.yaml``.

    Units: ``parameters_b`` in billions of parameters (a number, or a list of the
    sizes released); ``context_k`` in thousands of tokens. ``estimated`` maps a
    field name to a note when the value is an estimate or a report, not official.
    ``extra`` holds the string columns the data file declares in ``columns``.
    """

    model_config = _FROZEN
    name: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    family: Optional[str] = None
    open: Optional[bool] = None
    release: Optional[ReleaseDate] = None
    parameters_b: Number = None
    context_k: Number = None
    modalities: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    url: Optional[str] = None
    notes: Optional[str] = None
    estimated: dict[Literal["parameters_b", "context_k", "release"], str] = {}
    extra: dict[str, str] = {}
    line: int = 0

    _bool = field_validator("open", mode="before")(classmethod(lambda cls, v: _to_bool(v)))
    _date = field_validator("release", mode="before")(classmethod(lambda cls, v: parse_release(v)))
    _pos = field_validator("parameters_b", "context_k", mode="before")(classmethod(lambda cls, v: _positive(v)))

    @field_validator("modalities", "highlights", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [p.strip() for p in re.split(r"[,\uff0c\u3001]", value) if p.strip()]   # full-width/ideographic comma
        return value

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: Optional[str]) -> Optional[str]:
        return join_lines(value) if value else value

    @field_validator("estimated")
    @classmethod
    def _estimated(cls, value: dict) -> dict:
        return {k: join_lines(v) for k, v in value.items()}

    @field_validator("url")
    @classmethod
    def _url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^https?://[^\s]+$", value):
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _estimates_have_values(self) -> "Model":
        for key in self.estimated:
            if getattr(self, key) is None:
                raise ValueError(f"'estimated' has a note for {key}, but {key} has no value; "
                                 f"give the estimated value or remove the note")
        return self

    @property
    def dated(self) -> ReleaseDate:
        """The release date of a model known to have one (charts and findings keep dated models only).

        Raises:
            ValueError: the model has no release date (a caller that did not filter first).
        """
        if self.release is None:
            raise ValueError(f"model {self.name!r} has no release date")
        return self.release

    @property
    def sizes_b(self) -> tuple[float, ...]:
        """Parameter counts in billions, as a tuple (empty when unknown)."""
        return _as_tuple(self.parameters_b)

    @property
    def contexts_k(self) -> tuple[float, ...]:
        """Context lengths in thousands of tokens, as a tuple (empty when unknown)."""
        return _as_tuple(self.context_k)


def _as_tuple(value: Number) -> tuple[float, ...]:
    if value is None:
        return ()
    return tuple(quantity(v)[1] for v in (value if isinstance(value, list) else [value]))


def raw_values(value: Number) -> tuple[Union[float, str], ...]:
    """The stored values (numbers or qualified strings) as a tuple."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


# Fields tables, charts and the poster show: one model leaving out a field others give is warned at load
# (its cell would be blank), and the poster does not warn again.
SHOWN_FIELDS = ("family", "open", "release", "parameters_b", "context_k")


class ModelData(BaseModel):
    """The whole data file: ``as_of`` date, extra ``columns`` and the ``models``."""

    model_config = _FROZEN
    as_of: Optional[ReleaseDate] = None
    columns: tuple[str, ...] = ()
    models: tuple[Model, ...] = ()

    _date = field_validator("as_of", mode="before")(classmethod(lambda cls, v: parse_release(v)))


class Reference(BaseModel):
    """A bibliography entry from ``course.yaml``; cite it as ``[](#ref-ID)``."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    title: str
    authors: Optional[str] = None
    year: Optional[int] = None
    url: Optional[str] = None


class HandoutSettings(BaseModel):
    """Handout page and print settings.

    ``page_size``/``orientation``: the paper; ``duplex``: mirrored margins for
    double-sided printing, the contents and every part start on a right-hand
    (odd) page; ``cover``/``toc``: print the cover page and the table of
    contents; ``toc_depth``: deepest heading level listed in the contents (the
    course's model sections are level 4); ``number_depth``: deepest numbered
    heading level (deeper headings print without a number); ``part_break``:
    ``page`` starts every part (level-1 heading) on a new page, ``none`` runs on.
    """

    model_config = _FROZEN
    page_size: Literal["A3", "A4", "A5", "B5", "letter"] = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    duplex: bool = False
    cover: bool = True
    toc: bool = True
    toc_depth: int = Field(4, ge=1, le=6)
    number_depth: int = Field(4, ge=1, le=6)
    part_break: Literal["page", "none"] = "page"


# The slide kinds course.yaml's ``deck.layouts`` may map to a layout of the reference deck.
LayoutRole = Literal["title", "section", "content", "two_content", "table", "chart", "closing"]


class DeckSettings(BaseModel):
    """Deck settings: ``reference`` is a .pptx master relative to the project root; ``layouts`` maps
    slide roles (title, section, content, two_content, table, chart, closing) to layout names of it,
    for templates whose layouts are not found by placeholder types and standard names."""

    model_config = _FROZEN
    reference: Optional[str] = None
    layouts: Optional[dict[LayoutRole,
                           str]] = None


class NotesSettings(BaseModel):
    """The slides-with-notes handout (``build.py notes``): ``layout`` notes (each slide above its speaker
    notes), 3up (three slides a page, ruled lines beside each) or 6up (six slides a page);
    ``--layout`` on the command line overrides it."""

    model_config = _FROZEN
    layout: Literal["notes", "3up", "6up"] = "notes"


class PosterSettings(BaseModel):
    """Poster defaults: ISO A size and orientation; the poster's own ``title`` and ``subtitle``
    (None: the language catalogue's default title, and no subtitle)."""

    model_config = _FROZEN
    size: Literal["A0", "A1", "A2", "A3", "A4"] = "A2"
    landscape: bool = True
    title: Optional[str] = Field(default=None, min_length=1)
    subtitle: Optional[str] = Field(default=None, min_length=1)

    _bool = field_validator("landscape", mode="before")(classmethod(lambda cls, v: _to_bool(v)))


class MarkdownSettings(BaseModel):
    """Markdown options.

    ``raw_html``: raw HTML is refused (reported with what to write) unless true
    (then the supported tags are mapped onto the model and the rest sanitised).
    ``heading_numbers``: ``parts`` numbers a lecture's top headings "one," "two,"
    (Chinese numerals and U+3001) and the next levels 1.1, 1.1.1; ``lecture`` puts
    the lecture's ``order`` first (3.1, 3.1.1) for courses whose lectures are
    chapters. ``strip_typed_numbers``: numbers typed at the start of headings ("1.1 ",
    "one," as a Chinese numeral and U+3001, "chapter one" as U+7B2C U+4E00 U+7AE0) would
    print next to the automatic number; unset (the default) removes them with one warning
    per lecture file listing them, ``true`` removes them silently, ``false`` keeps them
    (printed twice) with that one warning.
    """

    model_config = _FROZEN
    raw_html: bool = False
    heading_numbers: Literal["parts", "lecture"] = "parts"
    strip_typed_numbers: Optional[bool] = None

    _bool = field_validator("raw_html", "strip_typed_numbers", mode="before")(
        classmethod(lambda cls, v: _to_bool(v)))


class ImageSettings(BaseModel):
    """``images:`` in course.yaml: raster images at print resolution (:mod:`coursepress.imageprep`).

    ``dpi``: pixels per inch at an image's printed size (never upsampled); ``jpeg_quality``: libjpeg
    quality (30–95) of images stored as photos; ``original``: embed every image as loaded (also written
    ``images: original``).
    """

    model_config = _FROZEN
    dpi: int = Field(default=200, ge=72, le=1200)
    jpeg_quality: int = Field(default=85, ge=30, le=95)
    original: bool = False

    _bool = field_validator("original", mode="before")(classmethod(lambda cls, v: _to_bool(v)))


class FontSettings(BaseModel):
    """Font families to use first; each must be shipped under ``assets/fonts``."""

    model_config = _FROZEN
    body: Optional[str] = Field(default=None, pattern=r"^[\w .-]+$")
    heading: Optional[str] = Field(default=None, pattern=r"^[\w .-]+$")
    mono: Optional[str] = Field(default=None, pattern=r"^[\w .-]+$")


class LimitSettings(BaseModel):
    """``limits:`` in course.yaml: raise or lower any limit of :class:`coursepress.limits.Limits`
    (defaults and units there); every value must be positive."""

    model_config = _FROZEN
    lecture_mb: float = Field(default=LIMITS.lecture_mb, gt=0)
    paragraph_kb: float = Field(default=LIMITS.paragraph_kb, gt=0)
    data_mb: float = Field(default=LIMITS.data_mb, gt=0)
    models: int = Field(default=LIMITS.models, gt=0)
    headings: int = Field(default=LIMITS.headings, gt=0)
    yaml_depth: int = Field(default=LIMITS.yaml_depth, gt=0)
    svg_elements: int = Field(default=LIMITS.svg_elements, gt=0)
    reference_deck_mb: float = Field(default=LIMITS.reference_deck_mb, gt=0)
    image_megapixels: float = Field(default=LIMITS.image_megapixels, gt=0)
    image_mb: float = Field(default=LIMITS.image_mb, gt=0)
    output_minutes: float = Field(default=LIMITS.output_minutes, gt=0)

    def value(self) -> Limits:
        """The plain :class:`~coursepress.limits.Limits` the gate and the writers use."""
        return Limits(**self.model_dump())


class CourseMeta(BaseModel):
    """``content/course.yaml``: course metadata and build settings.

    ``bibliography``: a BibTeX (``.bib``) or CSL JSON (``.json``) file relative to ``content/``;
    ``csl``: a citation style, a name in ``templates/csl/`` or a ``.csl`` path relative to ``content/``
    (default: GB/T 7714-2015 numeric). See :mod:`coursepress.bibliography`.
    """

    model_config = _FROZEN
    title: str = Field(min_length=1)
    subtitle: Optional[str] = None
    author: str = Field(min_length=1)
    organisation: Optional[str] = None
    date: dt.date
    version: str
    language: Literal["zh-CN", "zh-TW", "zh-HK", "en", "en-US", "en-GB"] = "zh-CN"
    keywords: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    bibliography: Optional[str] = None
    csl: Optional[str] = None
    handout: HandoutSettings = HandoutSettings()
    deck: DeckSettings = DeckSettings()
    poster: PosterSettings = PosterSettings()
    notes: NotesSettings = NotesSettings()
    # What ``build.py all`` (and ``watch``) builds; a single command (pdf, pptx, poster) builds that one anyway.
    outputs: tuple[OutputName, ...] = Field(default=DEFAULT_OUTPUTS, min_length=1)
    markdown: MarkdownSettings = MarkdownSettings()
    fonts: FontSettings = FontSettings()
    limits: LimitSettings = LimitSettings()
    images: Union[Literal["original"], ImageSettings] = ImageSettings()

    def image_settings(self) -> ImageSettings:
        """``images:`` as :class:`ImageSettings` (``images: original`` is ``ImageSettings(original=True)``)."""
        return self.images if isinstance(self.images, ImageSettings) else ImageSettings(original=True)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value
        release = parse_release(value)
        if release is None or release.day is None:
            raise ValueError(f"'{value}' is not a full date; write YYYY-MM-DD")
        return dt.date(release.year, release.month, release.day)


class FrontMatter(BaseModel):
    """A lecture's front matter."""

    model_config = _FROZEN
    title: str = Field(min_length=1)
    subtitle: Optional[str] = None
    order: int = 0
    header: Optional[str] = None
    footer: Optional[str] = None
    pptx_font_latin: Optional[str] = None
    pptx_font_cjk: Optional[str] = None
