"""Text measurement with the shipped fonts' real metrics (fontTools): the one measurer of every writer.

The deck fits text on slides with it (:func:`measurer_for`), the handout's and
the poster's charts size their labels with it (:func:`chart_face`). python-pptx has no layout engine and PowerPoint's autofit is only a flag that
viewers apply late or never (cases C19, python-pptx #1021), so the deck writer
measures every text before it is written. Widths come from the ``hmtx``
advances of the shipped Noto Sans CJK SC faces (Regular and Bold), each widened
for the deck to the widest advance of the faces a viewer may substitute
(:mod:`coursepress.fitwidths`: a character is as wide as in the widest of them), line height
from their ``hhea`` ascent + descent + line gap (1.448 em for Noto Sans CJK),
which is what PowerPoint and LibreOffice use for 100 % line spacing.

Line breaking follows the usual Chinese rules (GB/T 15834 punctuation; JIS X
4051 "kinsoku"): a line may break between any two Han characters, Latin words
stay whole unless longer than a line, closing punctuation never starts a line
and opening punctuation never ends one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .cjk import CJK_RE, LATIN_CLASS, NO_LINE_END, NO_LINE_START
from .errors import BuildError
from .fonts import font_facts, shipped_faces
from .theme import Theme, default_theme, theme_for

CACHE_VERSION = 2          # 2: advances as two lists (code points, widths), 3× faster to read than a dict
# Reserve a little width for differences between our greedy breaker and the viewer's.
WIDTH_SAFETY = 0.97
# LibreOffice Impress sets a space between Asian and non-Asian text (its "Asian typography" default for
# East-Asian paragraphs; PowerPoint's files cannot turn it off): ≈ 0.24 em at each change between a CJK
# character and a Latin letter or digit, also where a typed space is (measured at 20 pt with the shipped
# faces and with DejaVu/Droid substitutes: "GPU" and "LLM" between Han characters (U+7528, U+8DD1) are
# 1.9 em wider than their advances). The deck's measure counts a quarter em at each change.
SCRIPT_GAP_EM = 0.25

NBSP = "\u00a0"
_WORD = re.compile(LATIN_CLASS.join(("[", r"_\-+./@#$%&*'=<>~^|\\]+|\s+|.")), re.S)
_LATIN = re.compile(f"[{LATIN_CLASS}]")


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one face: ``advances`` maps code point → width in font units."""

    advances: dict[int, int]
    units_per_em: int
    line_em: float
    default_em: float = 1.0

    def advance_em(self, char: str) -> float:
        """Advance of one character in em (``default_em`` for one the face lacks)."""
        return self.advances.get(ord(char), self.default_em * self.units_per_em) / self.units_per_em

    def width_em(self, text: str) -> float:
        upm = self.units_per_em
        get = self.advances.get
        default = self.default_em * upm
        return sum(get(ord(c), default) for c in text) / upm


def _metrics(font: Any) -> dict[str, Any]:
    """Advances by code point (font units), units per em and line height (em) of a fontTools ``TTFont``."""
    cmap = font.getBestCmap() or {}
    hmtx = font["hmtx"].metrics
    hhea = font["hhea"]
    upm = font["head"].unitsPerEm
    points = sorted(cp for cp, glyph in cmap.items() if glyph in hmtx)
    return {"points": points, "advances": [hmtx[cmap[cp]][0] for cp in points], "upm": upm,
            "line": (hhea.ascent - hhea.descent + hhea.lineGap) / upm}


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> FontMetrics:
    """Advance widths and line height of the font at ``path`` (cached: :func:`coursepress.fonts.font_facts`)."""
    return font_facts(path, "metrics", CACHE_VERSION, _metrics,
                      lambda d: FontMetrics(dict(zip(d["points"], d["advances"], strict=True)), d["upm"], d["line"]))


def face_metrics(path: Path) -> FontMetrics:
    """Advance widths (font units by code point) and line height of the font file at ``path``: the one
    reader of font metrics (cached by file and modification time).

    Raises:
        OSError: the file cannot be read; fontTools' errors for a file that is not a font.
    """
    return _load(path, path.stat().st_mtime)


@dataclass(frozen=True)
class Measurer:
    """Measures runs of text set in the shipped sans-serif CJK face (for the deck: each character at the widest
    advance of the faces a viewer may substitute; ``shipped`` is then the measurer of the shipped face alone)."""

    regular: FontMetrics
    bold: FontMetrics
    mono: Optional[FontMetrics] = None
    shipped: Optional["Measurer"] = None
    script_gap_em: float = 0.0         # added at each CJK/Latin change when text is wrapped (SCRIPT_GAP_EM)
    _memo: dict[tuple[tuple[tuple[str, bool], ...], float], list[tuple[str, float, bool]]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)

    def units(self, segments: list[tuple[str, bool]], size_pt: float) -> list[tuple[str, float, bool]]:
        """:func:`_units` of ``segments`` at ``size_pt``, remembered by this measurer: a deck's fit measures
        the same paragraph at the same size again and again (≈ 4 times in 5 for the course and the
        benchmark chapter, 0.1 s of CPU each). The same list every time: do not change it."""
        key = (tuple(segments), size_pt)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = _units(segments, self, size_pt)
        return found

    @property
    def narrow(self) -> "Measurer":
        """The measurer of the shipped faces alone (itself when it is one)."""
        return self.shipped or self

    @property
    def line_em(self) -> float:
        return self.regular.line_em

    def width_pt(self, text: str, size_pt: float, bold: bool = False) -> float:
        return (self.bold if bold else self.regular).width_em(text) * size_pt

    def code_width_pt(self, text: str, size_pt: float) -> float:
        """Width of code ``text``: the monospace face's advances, the CJK face's for characters it lacks
        or that the viewer sets in the East-Asian face (Han, full-width punctuation)."""
        mono = self.mono or self.regular
        total = 0.0
        for char in text:
            metrics = mono if ord(char) in mono.advances and not CJK_RE.match(char) else self.regular
            total += metrics.width_em(char)
        return total * size_pt

    def lines(self, segments: list[tuple[str, bool]], width_pt: float, size_pt: float) -> int:
        """Number of lines ``segments`` ((text, bold) pairs) take when wrapped at ``width_pt``."""
        return len(self.wrap(segments, width_pt, size_pt))

    def line_width_pt(self, segments: list[tuple[str, bool]], size_pt: float) -> float:
        """Width of ``segments`` set on one line (the viewer's gaps between Chinese and Latin text included,
        :data:`SCRIPT_GAP_EM`): what :meth:`wrap` needs to keep them on one line, before its safety margin."""
        return sum(width for _unit, width, _space in self.units(segments, size_pt))

    def longest_unit_pt(self, segments: list[tuple[str, bool]], size_pt: float) -> float:
        """Width of the widest unbreakable unit (a Latin word with its punctuation such as a date
        ``2023-11-07`` or a number, one Han character)."""
        return max((w for u, w, space in self.units(segments, size_pt) if not space), default=0.0)

    def wrap(self, segments: list[tuple[str, bool]], width_pt: float, size_pt: float) -> list[str]:
        """Greedy line breaking of ``segments`` at ``width_pt``; returns the text of each line.

        A ``"\\n"`` in the text (a hard line break) always ends a line.
        """
        if any("\n" in text for text, _ in segments):
            groups: list[list[tuple[str, bool]]] = [[]]
            for text, bold in segments:
                for k, part in enumerate(text.split("\n")):
                    if k:
                        groups.append([])
                    if part:
                        groups[-1].append((part, bold))
            return [line for group in groups for line in self.wrap(group, width_pt, size_pt)]
        limit = width_pt * WIDTH_SAFETY
        units = self.units(segments, size_pt)
        lines: list[str] = []
        text, width = "", 0.0
        for unit, unit_w, is_space in units:
            if width + unit_w <= limit or (not text and unit_w <= limit):
                if text or not is_space:
                    text, width = text + unit, width + unit_w
                continue
            if is_space:
                lines.append(text)
                text, width = "", 0.0
                continue
            if text:
                lines.append(text)
            text, width = "", 0.0
            if unit_w > limit:   # a word longer than the line: break it anywhere
                for char in unit:
                    char_w = self.width_pt(char, size_pt)
                    if width + char_w > limit and text:
                        lines.append(text)
                        text, width = "", 0.0
                    text, width = text + char, width + char_w
            else:
                text, width = unit, unit_w
        if text or not lines:
            lines.append(text)
        return lines


def _units(segments: list[tuple[str, bool]], measurer: Measurer, size_pt: float) -> list[tuple[str, float, bool]]:
    """Split text into unbreakable units with widths, gluing kinsoku punctuation to its neighbour and
    both neighbours of a no-break space (U+00A0: a number and its unit, "130\u00a0" and U+4EBF)."""
    units: list[list] = []
    glue_next = False
    gap_pt = measurer.script_gap_em * size_pt
    script = ""              # "cjk" or "latin": of the last letter, digit or CJK character so far
    for text, bold in segments:
        for match in _WORD.finditer(text):
            piece = match.group(0)
            width = measurer.width_pt(piece, size_pt, bold)
            if gap_pt:
                first, last = _script(piece[0]), _script(piece[-1])
                if first and script and first != script:
                    width += gap_pt          # the viewer's space at the change (on this side of it)
                script = last or first or script
            if piece and not piece.strip(NBSP):
                if units:
                    units[-1][0] += piece
                    units[-1][1] += width
                    units[-1][2] = False
                else:
                    units.append([piece, width, False])
                glue_next = True
                continue
            is_space = piece.isspace()
            if units and not is_space and (piece[0] in NO_LINE_START or glue_next):
                units[-1][0] += piece
                units[-1][1] += width
                units[-1][2] = False
            else:
                units.append([piece, width, is_space])
            glue_next = not is_space and piece[-1] in NO_LINE_END
    return [(u[0], u[1], u[2]) for u in units]


def _script(char: str) -> str:
    """"cjk" for a CJK character, "latin" for a Latin letter or digit, "" for anything else (spaces and
    ASCII punctuation take the script of the text around them)."""
    if CJK_RE.match(char):
        return "cjk"
    return "latin" if _LATIN.match(char) else ""


def measurer_for(root: Path, theme: Optional[Theme] = None) -> Measurer:
    """The measurer for the project at ``root``, using its shipped faces of the theme's ``sans`` family
    (Noto Sans CJK SC) and, for code, ``mono`` (DejaVu Sans Mono); ``theme`` defaults to the project's.

    Raises:
        BuildError: the shipped fonts lack the family (nothing could be measured).
        ContentError: the project's theme file is broken (see :func:`coursepress.theme.theme_for`).
    """
    theme = theme if theme is not None else theme_for(root)
    faces = [(face.path, face.weight) for face in shipped_faces(root)
             if face.family == theme.sans and not face.italic]
    regular = next((p for p, w in faces if w < 600), None)
    bold = next((p for p, w in faces if w >= 600), regular)
    if regular is None or bold is None:
        raise BuildError(f"the deck measures text with '{theme.sans}', but no such font is shipped in assets/fonts; "
                         "add its Regular and Bold faces")
    mono = next((face.path for face in shipped_faces(root) if face.family == theme.mono and not face.italic), None)
    mono_metrics = _load(mono, mono.stat().st_mtime) if mono is not None else None
    shipped = Measurer(_load(regular, regular.stat().st_mtime), _load(bold, bold.stat().st_mtime), mono_metrics)
    return Measurer(_widest(regular, regular.stat().st_mtime, False), _widest(bold, bold.stat().st_mtime, True),
                    mono_metrics, shipped, SCRIPT_GAP_EM)


@lru_cache(maxsize=8)
def _widest(path: Path, mtime: float, bold: bool) -> FontMetrics:
    """The metrics of the face at ``path`` with each advance widened to the widest of the faces a viewer
    may substitute (:mod:`coursepress.fitwidths`; their Bold widths when ``bold``): the deck fits text
    that fits every one of them. Letters of mathematical alphabets (set in the equation face, which no
    project ships) are at least :data:`coursepress.mathalpha.MATH_LETTER_EM` wide."""
    from .fitwidths import load
    from .mathalpha import MATH_LETTER_EM, math_points
    from .templating import TOOL_ROOT

    base = _load(path, mtime)
    wide = load(TOOL_ROOT)[1 if bold else 0]
    if not wide:
        return base
    upm = base.units_per_em
    advances = dict(base.advances)
    for point, em in wide.items():
        advances[point] = max(advances.get(point, 0), round(em * upm))
    for point in math_points():
        advances[point] = max(advances.get(point, 0), round(MATH_LETTER_EM * upm))
    return FontMetrics(advances, upm, base.line_em, base.default_em)


@lru_cache(maxsize=1)
def chart_face() -> FontMetrics:
    """Metrics of the chart font: the Regular face of the tool theme's ``sans`` family among the tool's shipped
    fonts (the family ``templates/charts/chart.svg.j2`` sets; widths in font units, read once per process).

    Raises:
        BuildError: the tool's fonts lack the family (a broken installation).
    """
    from .templating import TOOL_ROOT

    family = default_theme().sans
    face = next((f for f in shipped_faces(TOOL_ROOT) if f.family == family and not f.italic and f.weight < 600), None)
    if face is None:
        raise BuildError(f"the charts measure their labels with '{family}', which is missing from the tool's "
                         "assets/fonts; reinstall coursepress")
    return _load(face.path, face.path.stat().st_mtime)
