"""Formulas for the HTML handout: TeX → MathML Core, with the TeX kept as annotation and alt text.

latex2mathml (the parser :mod:`coursepress.mathtex` already checks every
formula with) builds an element tree; this module does not trust its
serialised string, which copies ``\\text{…}`` verbatim (``\\text{<b>}``
would become markup). Instead the tree is walked: element names outside
MathML Core (W3C MathML Core, §3 "Presentation markup") become ``mrow``,
attributes outside its presentation attributes are dropped (latex2mathml
puts ``\\href``'s target on an ``mrow``; no link, script or style may come
from a formula), and the result is serialised by ElementTree, which escapes
every text. latex2mathml stores operators as numeric character references in
the element text (``&#x0003C;``); those are decoded first.

The TeX travels with the formula as ``alttext`` and as
``<annotation encoding="application/x-tex">`` inside ``<semantics>``
(MathML Core §3.1.4), so a browser without MathML shows it and a screen
reader or a copy can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element, SubElement, tostring

from markupsafe import Markup

from ...errors import ContentError, SourcePos
from ...mathtex import normalise

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
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);|&#([0-9]+);")
MATHML_NS = "http://www.w3.org/1998/Math/MathML"


@dataclass(frozen=True)
class MathMarkup:
    """A formula as HTML: ``mathml`` is one ``<math>`` element (safe markup), ``tex`` its source."""

    mathml: Markup
    tex: str


def _decode(text: str | None) -> str | None:
    if text is None:
        return None
    return _REFERENCE.sub(lambda m: chr(int(m.group(1), 16) if m.group(1) else int(m.group(2))), text)


def _clean(source: Element, parent: Element | None) -> Element:
    """A copy of ``source`` under ``parent`` with only allowed names and attributes, texts decoded."""
    tag = source.tag if isinstance(source.tag, str) and source.tag in ELEMENTS else "mrow"
    attrib = {k: v for k, v in source.attrib.items() if k in ATTRIBUTES}
    node = Element(tag, attrib) if parent is None else SubElement(parent, tag, attrib)
    node.text = _decode(source.text)
    for child in source:
        _clean(child, node).tail = _decode(child.tail)
    return node


@lru_cache(maxsize=4096)
def _markup(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert_to_element

    tree = convert_to_element(normalise(tex), display="block" if display else "inline")
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
        raise ContentError(pos, f"the formula '{tex[:40]}' cannot be converted to MathML ({type(exc).__name__}: {exc})",
                           "check the TeX; the supported commands are those of LaTeX's amsmath") from None
