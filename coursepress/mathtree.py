"""TeX → one MathML element tree that every writer reads (handout drawing, deck OMML, HTML MathML).

latex2mathml's string output (``convert``) is not well-formed XML: it
serialises its tree and then un-escapes the whole string, so an alignment
``&`` of ``aligned`` comes out as ``<mi>&</mi>`` and ``\\text{a<b}`` as
``<mtext>a<b</mtext>``; parsing that fails. This module never parses that
string: it takes latex2mathml's element tree (``convert_to_element``) and
repairs it:

- texts: the numeric character references latex2mathml stores in element
  text (``&#x0003D;``) are decoded; the TeX escapes left inside ``\\text{…}``
  (``\\&``, ``\\%``, ``\\$``, ``\\#``, ``\\_``, ``\\{``, ``\\}``) become their
  characters;
- alignment: a row holding alignment points (a bare ``&``, as latex2mathml
  writes ``aligned``, ``alignat`` and ``gather``) or line breaks
  (``<mspace linebreak="newline"/>``, TeX's ``\\\\``) becomes an ``mtable`` of
  ``mtr``/``mtd`` (MathML Core §3.5), its columns aligned right, left, right …
  as amsmath sets ``aligned`` (amsmath documentation, §3.7), a table without
  alignment points centred. Environments latex2mathml already writes as
  tables (``align*``, ``cases``, matrices) are kept;
- operators: an ``mo`` that holds elements (``\\mathop{…}``) becomes an ``mrow``.

Serialised by ElementTree (:func:`mathml_string`), every text is escaped, so
the result always parses.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Callable
from xml.etree.ElementTree import Element, SubElement, tostring

from .mathtex import normalise

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);|&#([0-9]+);")
_TEXT_ESCAPE = re.compile(r"\\([&%$#_{}])")
ALIGN = "&"           # latex2mathml's alignment point: the bare text of an ``mi`` (a typed \& is a reference)


def _decode(text: str | None) -> str | None:
    if text is None:
        return None
    return _REFERENCE.sub(lambda m: chr(int(m.group(1), 16) if m.group(1) else int(m.group(2))), text)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_align(el: Element) -> bool:
    return _local(el.tag) == "mi" and el.text == ALIGN and len(el) == 0


def _is_break(el: Element) -> bool:
    return _local(el.tag) == "mspace" and el.get("linebreak") == "newline"


def _repair_texts(el: Element) -> None:
    """Decode references in every text; TeX escapes in ``mtext`` to their characters (in place)."""
    for node in el.iter():
        if _is_align(node):
            continue
        text = _decode(node.text)
        if text is not None and _local(node.tag) == "mtext":
            text = _TEXT_ESCAPE.sub(r"\1", text)
        node.text = text
        node.tail = _decode(node.tail)


def _repair_operators(el: Element) -> None:
    """An ``mo`` holding elements (latex2mathml's ``\\mathop{\\mathbb{E}}``: ``<mo><mrow><mi>𝔼</mi>…``) becomes
    the ``mrow`` it is: an operator holds text only (MathML Core §3.2.4), and ziamath drew nothing of it."""
    for node in el.iter():
        if _local(node.tag) == "mo" and len(node) and not (node.text or "").strip():
            node.tag = node.tag[:-2] + "mrow"


def _table(kids: list[Element], tag_of: Callable[[str], str]) -> Element:
    """An ``mtable`` of ``kids`` split into rows at line breaks and into cells at alignment points."""
    rows: list[list[list[Element]]] = [[[]]]
    for kid in kids:
        if _is_break(kid):
            rows.append([[]])
        elif _is_align(kid):
            rows[-1].append([])
        else:
            rows[-1][-1].append(kid)
    if rows and rows[-1] == [[]]:
        rows.pop()            # a trailing \\ makes no empty row
    aligned = any(len(row) > 1 for row in rows)
    # amsmath sets an aligned pair (right | left) with no gap and 2em between pairs, as latex2mathml writes align*
    table = Element(tag_of("mtable"), {"displaystyle": "true", **({"columnspacing": "0em 2em"} if aligned else {})})
    for row in rows:
        tr = SubElement(table, tag_of("mtr"))
        for index, cell in enumerate(row):
            align = ("right" if index % 2 == 0 else "left") if aligned else "center"
            td = SubElement(tr, tag_of("mtd"), {"columnalign": align})
            td.extend(cell)
    return table


def _tables(el: Element) -> None:
    """Rebuild, bottom up, every row holding alignment points or line breaks as an ``mtable``."""
    for child in list(el):
        _tables(child)
    kids = list(el)
    if not any(_is_align(k) or _is_break(k) for k in kids):
        return
    namespace = el.tag[:el.tag.index("}") + 1] if isinstance(el.tag, str) and el.tag.startswith("{") else ""
    for kid in kids:
        el.remove(kid)
    table = _table(kids, lambda name: namespace + name)
    if _local(el.tag) in ("mrow", "math", "mstyle", "mtd"):
        el.append(table)
    else:                       # an argument (a script's base …) keeps its one child: the table in a row
        row = SubElement(el, namespace + "mrow")
        row.append(table)


@lru_cache(maxsize=4096)
def _tree(tex: str, display: bool) -> Element:
    from latex2mathml.converter import convert_to_element

    root = convert_to_element(normalise(tex), display="block" if display else "inline")
    _tables(root)
    _repair_texts(root)
    _repair_operators(root)
    return root


def mathml_tree(tex: str, display: bool) -> Element:
    """The formula ``tex`` as a MathML element tree (``xml.etree`` elements in the MathML namespace, a
    ``<math>`` root with ``display="block"`` when ``display``); a fresh copy the caller may change.

    Raises:
        Exception: whatever latex2mathml raises for TeX it cannot parse (:func:`~coursepress.mathtex.tex_problems`
            reports those at load).
    """
    return copy.deepcopy(_tree(tex, display))


@lru_cache(maxsize=4096)
def mathml_string(tex: str, display: bool) -> str:
    """The formula ``tex`` as a well-formed ``<math>`` element (a string; every text escaped)."""
    return tostring(_tree(tex, display), encoding="unicode")
