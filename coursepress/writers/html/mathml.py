"""Formulas for the HTML handout: TeX → MathML Core, with the TeX kept as annotation and alt text.

:mod:`coursepress.mathtree` gives the formula's element tree (never
latex2mathml's string, which copies ``\\text{…}`` verbatim: ``\\text{<b>}``
would become markup), with references decoded and aligned rows
(``aligned``, ``cases``, ``\\\\``) as ``mtable`` rows. The tree is walked: element names outside
MathML Core (W3C MathML Core, §3 "Presentation markup") become ``mrow``,
attributes outside its presentation attributes are dropped (latex2mathml
puts ``\\href``'s target on an ``mrow``; no link, script or style may come
from a formula), and the result is serialised by ElementTree, which escapes
every text.

The TeX travels with the formula as ``alttext`` and as
``<annotation encoding="application/x-tex">`` inside ``<semantics>``
(MathML Core §3.1.4), so a browser without MathML shows it and a screen
reader or a copy can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element, SubElement, tostring

from markupsafe import Markup

from ...errors import ContentError, SourcePos, excerpt
from ...mathtree import mathml_tree

# MathML Core elements (W3C MathML Core 2023, §3) and the legacy ones latex2mathml writes.
ELEMENTS = frozenset({
    "math", "semantics", "annotation", "annotation-xml", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mfrac",
    "msqrt", "mroot", "mstyle", "merror", "mpadded", "mphantom", "mtable", "mtr", "mtd", "menclose", "mfenced",
    "mlabeledtr", "maction"})
# Presentation attributes (MathML Core §2.1.3 and §3; MathML 3 for mtable/mfenced/menclose).
ATTRIBUTES = frozenset({
    "display", "displaystyle", "scriptlevel", "mathvariant", "mathsize", "mathcolor", "mathbackground", "dir",
    "stretchy", "fence", "separator", "lspace", "rspace", "minsize", "maxsize", "symmetric", "largeop",
    "movablelimits", "accent", "accentunder", "form", "linethickness", "width", "height", "depth", "voffset",
    "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame", "framespacing",
    "columnspan", "rowspan", "notation", "open", "close", "separators", "align", "equalrows", "equalcolumns"})
MATHML_NS = "http://www.w3.org/1998/Math/MathML"


@dataclass(frozen=True)
class MathMarkup:
    """A formula as HTML: ``mathml`` is one ``<math>`` element (safe markup), ``tex`` its source."""

    mathml: Markup
    tex: str


def _clean(source: Element, parent: Element | None) -> Element:
    """A copy of ``source`` under ``parent`` with only allowed names and attributes."""
    tag = source.tag if isinstance(source.tag, str) and source.tag in ELEMENTS else "mrow"
    attrib = {k: v for k, v in source.attrib.items() if k in ATTRIBUTES}
    node = Element(tag, attrib) if parent is None else SubElement(parent, tag, attrib)
    node.text = source.text
    for child in source:
        _clean(child, node).tail = child.tail
    return node


@lru_cache(maxsize=4096)
def _markup(tex: str, display: bool) -> str:
    tree = mathml_tree(tex, display)
    clean = _clean(tree, None)
    math = Element("math", {"xmlns": MATHML_NS, "display": "block" if display else "inline", "alttext": tex})
    semantics = SubElement(math, "semantics")
    body = SubElement(semantics, "mrow")
    body.extend(list(clean))
    SubElement(semantics, "annotation", {"encoding": "application/x-tex"}).text = tex
    return tostring(math, encoding="unicode", short_empty_elements=False)


def mathml(tex: str, display: bool, pos: SourcePos) -> MathMarkup:
    """The formula ``tex`` as a safe ``<math>`` element (``display="block"`` when ``display``).

    Raises:
        ContentError: latex2mathml cannot read ``tex`` (at ``pos``; loading normally reports it first).
    """
    try:
        return MathMarkup(Markup(_markup(tex, display)), tex)
    except Exception as exc:   # latex2mathml raises several kinds for malformed TeX
        raise ContentError(pos, f"the formula '{excerpt(tex)}' cannot be converted to MathML ({type(exc).__name__}: {exc})",
                           "check the TeX; the supported commands are those of LaTeX's amsmath") from None
