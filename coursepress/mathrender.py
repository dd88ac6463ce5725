"""Formulas drawn as pictures: TeX → SVG (ziamath, STIX Two Math) and SVG → PNG (resvg), cached.

ziamath lays out TeX (through latex2mathml) with its own shipped OpenType
math font (STIX Two Math, SIL OFL) and writes every glyph as a vector path,
so the handout needs no math font of its own and looks the same everywhere.
The deck's fallback picture (for viewers that do not read Office Math) is
that SVG rasterised by resvg.

Rendering costs ~3–60 ms a formula, so each result is kept in a cache folder
keyed by a SHA-256 of the renderer versions, the kind and the TeX: a rebuild
after a prose edit renders nothing again. The folder is
``math`` in the one private cache of :mod:`coursepress.cachedir`
(``$XDG_CACHE_HOME/coursepress``, mode 0700, owner checked).
"""

from __future__ import annotations

import base64
import hashlib
import re
import warnings
from xml.sax.saxutils import escape
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import cachedir
from .errors import ContentError, SourcePos, excerpt
from .cjk import CJK_RE
from .mathtree import mathml_tree

RENDER_SIZE_PX = 20.0      # ziamath's font size for the SVG (scaled to the text size with em units)
CACHE_VERSION = "4"       # 2: drawn from the shared MathML tree (coursepress.mathtree); 3: Chinese boxes held; 4: align unnumbered
_VIEWBOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')


# What ziamath's own TeX front end (ziamath.tex.tex2mml, 0.13) changes in latex2mathml's MathML before
# laying it out; done here on the element tree of :mod:`coursepress.mathtree`, which is well-formed where
# latex2mathml's string is not (an alignment "&", "<" in \text{}).
_NOT_STRETCHY = {("mo", "\u2191"), ("mo", "\u2193"), ("mi", "\u27e8"), ("mi", "\u27e9")}
_WIDE_ACCENTS = {"^": "\u0302", "~": "\u0303"}


def _ziamath_tree(tex: str, display: bool):
    """The formula's MathML tree as ziamath's own front end would give it (see ``_NOT_STRETCHY``)."""
    tree = mathml_tree(tex, display)
    tree.attrib.pop("xmlns", None)     # ziamath reads tags without a namespace
    for el in tree.iter():
        if (el.tag, el.text) in _NOT_STRETCHY:
            el.set("stretchy", "false")
        elif el.tag == "mo" and el.text == "^" and el.get("stretchy") == "false":
            el.text = "\u02c6"        # \hat
        elif el.tag == "mo" and el.text in _WIDE_ACCENTS and not el.attrib:
            el.text = _WIDE_ACCENTS[el.text]
        if el.get("columnspacing") == "0em 2em":
            el.set("columnspacing", "0em 0.3em")
        elif el.tag == "mtable" and "columnspacing" not in el.attrib:
            el.set("columnspacing", "1em")     # matrices, cases: amsmath's 2\arraycolsep ≈ 1em (ziamath: none)
    return tree


# Chinese in \\text{…}: STIX Two Math has no Han glyphs (and ziafont cannot read the CID-keyed CJK fonts),
# so each such character is laid out as U+2001 EM QUAD (advance 1 em, as a full-width character's) and
# its drawing (a ``use`` of the quad's empty glyph, its box the font's whole height) becomes SVG text in
# the text face at the quad's origin and size: real text in the PDF, drawn by WeasyPrint or resvg.
QUAD = "\u2001"
_QUAD_USE = re.compile(r'<use href="#STIXTwoMathRegular_(\d+)" x="([-\d.e]+)" y="([-\d.e]+)" width="[-\d.e]+" '
                       r'height="([-\d.e]+)"[^>]*/>')
STIX_ASCENT, STIX_HEIGHT = 31.524, 51.216     # the glyph boxes ziamath 0.13 writes for STIX Two Math (its symbol viewBox)
STIX_HEIGHT_PER_PX = 85.36 / 20               # a glyph box's height per px of font size
CJK_ASCENT_EM = 0.88          # the ideographic em box above the baseline (OpenType 'ideo' baseline at -0.12 em)


def _quads(tree) -> list[str]:
    """Replace every CJK character of the ``mtext`` of ``tree`` by :data:`QUAD`; the characters, in order."""
    taken: list[str] = []
    for el in tree.iter("mtext"):
        if el.text and CJK_RE.search(el.text):
            taken.extend(m.group(0) for m in CJK_RE.finditer(el.text))
            el.text = CJK_RE.sub(QUAD, el.text)
    return taken


def _texts(svg: str, chars: list[str], quad_glyph: str, family: str) -> str:
    """``svg`` with the first ``len(chars)`` quads drawn as ``<text>`` of ``chars`` in ``family``, its box
    (root ``viewBox`` and ``height``) grown to hold each character's em box (:func:`_hold`)."""
    pending = iter(chars)
    boxes: list[tuple[float, float]] = []

    def text(match: re.Match) -> str:
        if match.group(1) != quad_glyph:
            return match.group(0)
        char = next(pending, None)
        if char is None:
            return match.group(0)
        height = float(match.group(4))
        size = height / STIX_HEIGHT_PER_PX
        baseline = float(match.group(3)) + STIX_ASCENT * height / STIX_HEIGHT
        boxes.append((baseline - CJK_ASCENT_EM * size, baseline + (1 - CJK_ASCENT_EM) * size))
        return (f'<text x="{match.group(2)}" y="{baseline:.3f}" font-size="{size:.3f}" '
                f'font-family="{escape(family, {chr(34): "&quot;"})}" fill="black">{escape(char)}</text>')
    return _hold(_QUAD_USE.sub(text, svg), boxes)


def _hold(svg: str, boxes: list[tuple[float, float]]) -> str:
    """``svg`` with its root box grown to span every (top, bottom) of ``boxes`` (y down, baseline 0).

    The quads stand in for Chinese as empty glyphs, so ziamath's box ends at the ink of the rest: a formula
    of two Chinese characters in ``\\text{…}`` alone was 0 high (drawn blank), and a Chinese character beside ``x`` lost its top and
    its descent."""
    match = _VIEWBOX.search(svg)
    if not boxes or not match:
        return svg
    x, y, width, height = (float(v) for v in match.groups())
    top, bottom = min([y] + [b[0] for b in boxes]), max([y + height] + [b[1] for b in boxes])
    if (top, bottom) == (y, y + height):
        return svg
    head_end = svg.index(">")
    head = svg[:head_end]
    head = head.replace(match.group(0), f'viewBox="{x:g} {top:.3f} {width:g} {bottom - top:.3f}"', 1)
    head = re.sub(r' height="[-\d.e]+"', f' height="{bottom - top:.3f}"', head, count=1)
    return head + svg[head_end:]


@lru_cache(maxsize=1)
def _quad_glyph() -> str:
    """The glyph index of :data:`QUAD` in ziamath's math font, as its SVG ids name it (read from a drawing
    of the quad alone)."""
    import ziamath

    tree = _ziamath_tree("x", True)
    tree[0].tag, tree[0][0].tag, tree[0][0].text = "mrow", "mtext", QUAD
    match = _QUAD_USE.search(str(ziamath.Math(tree, size=RENDER_SIZE_PX, margin=0).svg()))
    return match.group(1) if match else ""


def _ziamath_svg(tex: str, display: bool, size_px: float, family: str = "") -> str:
    """SVG of ``tex`` laid out by ziamath from the shared MathML tree; Chinese in ``\\text{…}`` as SVG text in
    ``family``."""
    import ziamath

    tree = _ziamath_tree(tex, display)
    chars = _quads(tree)
    svg = str(ziamath.Math(tree, size=size_px, margin=0).svg())
    return _texts(svg, chars, _quad_glyph(), family or "serif") if chars else svg


@dataclass(frozen=True)
class Drawing:
    """A rendered formula: ``svg`` (an SVG document), its size in em of the font size it is set at:
    ``width_em``, ``height_em`` (whole box) and ``depth_em`` (from the baseline down to the box bottom)."""

    svg: str
    width_em: float
    height_em: float
    depth_em: float

    def data_uri(self) -> str:
        """The SVG as a ``data:image/svg+xml;base64,…`` URI (for ``<img src>``)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _measure(svg: str) -> Drawing:
    """Read the box from ziamath's viewBox: y runs down, the baseline is y = 0."""
    match = _VIEWBOX.search(svg)
    if not match:
        raise ValueError("no viewBox in the formula SVG")
    _x, y, width, height = (float(v) for v in match.groups())
    return Drawing(svg, width / RENDER_SIZE_PX, height / RENDER_SIZE_PX, max(y + height, 0.0) / RENDER_SIZE_PX)


def cache_folder() -> Optional[Path]:
    """The formula cache folder: ``math`` in the one private cache of :mod:`coursepress.cachedir` (per user,
    mode 0700, owner checked; a private mkdtemp folder for this process where that cannot be used)."""
    try:
        return cachedir.cache_folder("math")
    except OSError:
        return None


@dataclass
class MathRenderer:
    """Renders formulas for one build, counting what it rendered and what came from the cache.

    Args:
        folder: the cache folder (:func:`cache_folder`), or None for no cache.
        text_family: the font family of Chinese in ``\\text{…}`` (the output's text face, from the theme;
            "" for the generic serif).
        text_fonts: the font files of that family, for the deck's fallback picture (resvg loads them).
    """

    folder: Optional[Path] = field(default_factory=cache_folder)
    text_family: str = ""
    text_fonts: tuple[str, ...] = ()
    rendered: int = 0
    cached: int = 0
    _memo: dict = field(default_factory=dict)

    @classmethod
    def for_text(cls, faces, family: str) -> "MathRenderer":
        """A renderer whose Chinese in ``\\text{…}`` is set in ``family``; ``faces`` the project's
        :class:`~coursepress.fonts.FontFace` list (the files of that family are given to resvg)."""
        return cls(text_family=family, text_fonts=tuple(str(f.path) for f in faces if f.family == family))

    def _key(self, kind: str, tex: str) -> str:
        if "version" not in self._memo:     # read from the metadata: importing ziamath costs ~0.2 s
            from importlib.metadata import version

            self._memo["version"] = f"{version('ziamath')}|{version('latex2mathml')}|{version('resvg-py')}"
        text = f"{CACHE_VERSION}|{self._memo['version']}|{RENDER_SIZE_PX}|{kind}|{self.text_family}|{tex}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _cached(self, key: str, suffix: str) -> Optional[bytes]:
        if key + suffix in self._memo:
            return self._memo[key + suffix]
        if self.folder is None:
            return None
        try:
            data = (self.folder / f"{key}{suffix}").read_bytes()
        except OSError:
            return None
        self._memo[key + suffix] = data
        self.cached += 1
        return data

    def _store(self, key: str, suffix: str, data: bytes) -> None:
        self._memo[key + suffix] = data
        if self.folder is None:
            return
        try:
            cachedir.write_private(self.folder, f"{key}{suffix}", data)
        except OSError:
            pass          # a full or read-only cache only costs time

    def svg(self, tex: str, display: bool, pos: SourcePos) -> Drawing:
        """The formula ``tex`` as SVG (display style when ``display``), sized in em.

        Raises:
            ContentError: ziamath cannot lay the formula out (at ``pos``).
        """
        key = self._key("display" if display else "inline", tex)
        data = self._cached(key, ".svg")
        if data is None:
            try:
                with warnings.catch_warnings():     # ziamath 0.13 opens its font with a deprecated importlib call
                    warnings.simplefilter("ignore", DeprecationWarning)
                    svg = _ziamath_svg(tex, display, RENDER_SIZE_PX, self.text_family)
            except Exception as exc:   # ziamath raises several kinds for TeX it cannot lay out
                raise ContentError(pos, f"the formula '{excerpt(tex)}' cannot be typeset ({type(exc).__name__}: {exc})",
                                   "simplify the TeX or write it with commands LaTeX's amsmath knows") from None
            data = svg.encode()
            self.rendered += 1
            self._store(key, ".svg", data)
        return _measure(data.decode())

    def png(self, tex: str, pos: SourcePos, scale: float = 4.0) -> tuple[bytes, int, int]:
        """The display formula ``tex`` as a PNG at ``scale`` × the SVG size (transparent background).

        Returns:
            (PNG bytes, width px, height px).
        """
        drawing = self.svg(tex, True, pos)
        key = self._key(f"png{scale}", tex)
        data = self._cached(key, ".png")
        if data is None:
            import resvg_py

            data = bytes(resvg_py.svg_to_bytes(svg_string=drawing.svg, zoom=scale, font_files=list(self.text_fonts)))
            self._store(key, ".png", data)
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        return data, width, height
