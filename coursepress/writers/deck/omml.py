"""MathML (presentation markup, as latex2mathml writes it) → Office Math (OMML, ECMA-376 Part 1 §22.1).

The PyPI ``mathml2omml`` packages are unmaintained (last releases 2019 and a
2025 one-off fork), and Microsoft's MML2OMML.XSL ships only with Office, so
this is a small converter of our own for the constructs LaTeX lecture notes
use. The shapes follow what PowerPoint itself writes for the same formulas
(tests/test_math_omml.py compares them): ``m:f`` (fractions), ``m:sSub`` /
``m:sSup`` / ``m:sSubSup`` (scripts), ``m:rad`` (roots, ``m:degHide`` for a
square root), ``m:nary`` (∑ ∏ ∫ … with ``m:limLoc`` undOvr for sums, subSup
for integrals, the operand in ``m:e``), ``m:acc`` (accents, as combining marks), ``m:bar`` (``\\bar``, ``\\overline``), ``m:d``
(stretchy delimiters, matrices with their brackets), ``m:m`` (matrices),
``m:limLow`` / ``m:limUpp`` (``\\min_x``, ``\\overset``), ``m:eqArr`` (``aligned``, ``align*``,
``cases``, lines split by ``\\\\``: one ``m:e`` a line, ``m:aln`` at each ``&``), ``m:r`` runs with
``m:sty p`` for upright names (``\\mathrm``, ``\\log``) and ``m:nor`` for text.
Anything else is converted child by child, so no content is lost.
"""

from __future__ import annotations

import copy

from lxml import etree

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
MML_NS = "http://www.w3.org/1998/Math/MathML"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NARY = set("∑∏∐∫∬∭∮∯∰⋃⋂⋁⋀⨁⨂⨀")
INTEGRALS = set("∫∬∭∮∯∰")
BARS = {"\u00af", "\u2015", "\u203e"}
# Accent characters as PowerPoint stores them in m:accPr/m:chr (combining marks; U+20D7 the vector arrow).
ACCENTS = {"^": "\u0302", "~": "\u0303", "\u02dc": "\u0303", "\u02d9": "\u0307", "\u00a8": "\u0308",
           "\u2192": "\u20d7", "\u02c7": "\u030c", "\u00b4": "\u0301", "`": "\u0300", "\u02d8": "\u0306"}
# An n-ary operator's operand (m:e) runs to the next of these at the same level, as PowerPoint's
# linear format reads "∑_i x_i + y": the sum is of x_i only.
OPERAND_END = set("=+-−±∓<>≤≥≈≠≡∼∝,;:→←⇒⇔∈∉⊂⊆")


def _m(tag: str) -> str:
    return f"{{{M_NS}}}{tag}"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _sub(parent, tag: str, **attrs):
    el = etree.SubElement(parent, _m(tag))
    for key, value in attrs.items():
        el.set(_m(key), value)
    return el


def _text(el) -> str:
    return "".join(el.itertext())


class _Converter:
    """Walks MathML elements, appending OMML to a parent element."""

    def run(self, parent, text: str, upright: bool = False, normal_text: bool = False) -> None:
        if not text:
            return
        r = _sub(parent, "r")
        if upright or normal_text:
            rpr = _sub(r, "rPr")
            if normal_text:
                _sub(rpr, "nor")
            else:
                _sub(rpr, "sty", val="p")
        t = _sub(r, "t")
        t.text = text
        if text != text.strip():
            t.set(_XML_SPACE, "preserve")

    def children(self, parent, el) -> None:
        kids = _bracket_groups([k for k in el if _local(k)])
        i = 0
        while i < len(kids):
            kid = kids[i]
            if self._is_nary(kid):
                end = i + 1
                while end < len(kids) and not (_local(kids[end]) == "mo" and _text(kids[end]).strip() in OPERAND_END):
                    end += 1
                operand = etree.Element("mrow")
                operand.extend(copy.copy(k) for k in kids[i + 1:end])
                self.nary(parent, kid, operand)
                i = end
                continue
            self.element(parent, kid)
            i += 1

    def arg(self, parent, tag: str, el) -> None:
        """``el`` inside a new ``m:<tag>`` argument element (m:e, m:num, m:sub …)."""
        box = _sub(parent, tag)
        if el is not None:
            self.element(box, el)

    def _is_nary(self, el) -> bool:
        name = _local(el)
        if name in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
            base = el[0]
            return _local(base) == "mo" and _text(base).strip() in NARY
        return name == "mo" and _text(el).strip() in NARY and el.get("largeop") != "false"

    def nary(self, parent, op, operand) -> None:
        name = _local(op)
        char = _text(op[0] if name != "mo" else op).strip()
        nary = _sub(parent, "nary")
        pr = _sub(nary, "naryPr")
        if char != "∫":                      # ∫ is the default (§22.1.2.20), PowerPoint leaves it out
            _sub(pr, "chr", val=char)
        _sub(pr, "limLoc", val="subSup" if char in INTEGRALS else "undOvr")
        lower = upper = None
        if name in ("msub", "munder"):
            lower = op[1]
        elif name in ("msup", "mover"):
            upper = op[1]
        elif name in ("msubsup", "munderover"):
            lower, upper = op[1], op[2]
        if lower is None:
            _sub(pr, "subHide", val="1")
        if upper is None:
            _sub(pr, "supHide", val="1")
        self.arg(nary, "sub", lower)
        self.arg(nary, "sup", upper)
        self.arg(nary, "e", operand)

    def element(self, parent, el) -> None:
        name = _local(el)
        handler = getattr(self, "el_" + name, None)
        if handler is not None:
            handler(parent, el)
        else:                        # math, mrow, mstyle, mpadded, mphantom …: their children in order
            if name == "mrow" and self._delimited(parent, el):
                return
            self.children(parent, el)

    # -------------------------------------------------------------- tokens
    def el_mi(self, parent, el) -> None:
        text = _text(el)
        self.run(parent, text, upright=el.get("mathvariant") == "normal" or len(text) > 1)

    def el_mn(self, parent, el) -> None:
        self.run(parent, _text(el))

    def el_mo(self, parent, el) -> None:
        text = _text(el).replace("*", "\u2217")    # TeX sets * in math as the asterisk operator ∗
        self.run(parent, text, upright=text.isalpha())

    def el_mtext(self, parent, el) -> None:
        self.run(parent, _text(el).replace("\u00a0", " "), normal_text=True)

    def el_mspace(self, parent, el) -> None:
        self.run(parent, " ")

    # -------------------------------------------------------------- layout
    def el_mfrac(self, parent, el) -> None:
        frac = _sub(parent, "f")
        if el.get("linethickness") in ("0", "0pt", "0px"):
            _sub(_sub(frac, "fPr"), "type", val="noBar")
        self.arg(frac, "num", el[0])
        self.arg(frac, "den", el[1])

    def el_msqrt(self, parent, el) -> None:
        rad = _sub(parent, "rad")
        _sub(_sub(rad, "radPr"), "degHide", val="1")
        _sub(rad, "deg")
        box = _sub(rad, "e")
        self.children(box, el)

    def el_mroot(self, parent, el) -> None:
        rad = _sub(parent, "rad")
        self.arg(rad, "deg", el[1])
        self.arg(rad, "e", el[0])

    def el_msub(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        node = _sub(parent, "sSub")
        self.arg(node, "e", el[0])
        self.arg(node, "sub", el[1])

    def el_msup(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        node = _sub(parent, "sSup")
        self.arg(node, "e", el[0])
        self.arg(node, "sup", el[1])

    def el_msubsup(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        node = _sub(parent, "sSubSup")
        self.arg(node, "e", el[0])
        self.arg(node, "sub", el[1])
        self.arg(node, "sup", el[2])

    def el_mover(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        mark = _text(el[1]).strip() if _local(el[1]) == "mo" else ""
        if mark in BARS:                       # \bar, \overline: PowerPoint writes m:bar
            bar = _sub(parent, "bar")
            _sub(_sub(bar, "barPr"), "pos", val="top")
            self.arg(bar, "e", el[0])
            return
        if el.get("accent") == "true" or mark in ACCENTS:
            acc = _sub(parent, "acc")
            pr = _sub(acc, "accPr")
            if ACCENTS.get(mark, mark) != "\u0302":    # the circumflex is the default accent (§22.1.2.20)
                _sub(pr, "chr", val=ACCENTS.get(mark, mark))
            self.arg(acc, "e", el[0])
            return
        node = _sub(parent, "limUpp")
        self.arg(node, "e", el[0])
        self.arg(node, "lim", el[1])

    def el_munder(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        node = _sub(parent, "limLow")
        self.arg(node, "e", el[0])
        self.arg(node, "lim", el[1])

    def el_munderover(self, parent, el) -> None:
        if self._is_nary(el):
            self.nary(parent, el, None)
            return
        upp = _sub(parent, "limUpp")
        low = _sub(_sub(upp, "e"), "limLow")
        self.arg(low, "e", el[0])
        self.arg(low, "lim", el[1])
        self.arg(upp, "lim", el[2])

    def el_mtable(self, parent, el) -> None:
        """A matrix (cells without alignment, or several centred columns) → ``m:m``; an aligned
        table (``aligned``, ``align*``, ``cases``, lines of ``\\\\``) → ``m:eqArr``, one ``m:e`` a row,
        its cells joined with an alignment point (``m:aln`` on the first run of each further cell,
        ECMA-376 §22.1.2.4), as PowerPoint writes a multi-line equation."""
        rows = [[cell for cell in row if _local(cell) == "mtd"] for row in el
                if _local(row) in ("mtr", "mlabeledtr")]
        if _is_matrix(rows):
            matrix = _sub(parent, "m")
            for row in rows:
                mr = _sub(matrix, "mr")
                for cell in row:
                    self.children(_sub(mr, "e"), cell)
            return
        array = _sub(parent, "eqArr")
        spaced = all(cell.get("columnalign") == "left" for row in rows for cell in row)  # cases: a quad between
        for row in rows:
            line = _sub(array, "e")
            for index, cell in enumerate(row):
                start = len(line)
                if index == 1 and start == 0:
                    # an empty left cell ("&= d", a continued line): LibreOffice's Math reads a row that
                    # starts with a relation as a missing operand and draws "¿" for it; an empty normal-text
                    # run (StarMath's "") is the operand, invisible in every viewer
                    _sub(_sub(_sub(line, "r"), "rPr"), "nor")
                    line[-1].append(etree.Element(_m("t")))
                    start = len(line)
                if index and spaced:
                    self.run(line, "\u2003")
                self.children(line, cell)
                if index:
                    _align_at(line, start)

    def el_mfenced(self, parent, el) -> None:
        d = _delimiters(parent, el.get("open", "("), el.get("close", ")"))
        for kid in el:
            self.children(_sub(d, "e"), kid) if _local(kid) == "mrow" else self.arg(d, "e", kid)

    def _delimited(self, parent, el) -> bool:
        """An mrow ``( … )`` with stretchy fences, or brackets around a matrix, → ``m:d``."""
        kids = [k for k in el if _local(k)]
        if len(kids) == 2 and _local(kids[0]) == "mo" and kids[0].get("fence") == "true" and _local(kids[1]) == "mtable":   # cases: { with no closing
            self.element(_sub(_delimiters(parent, _text(kids[0]).strip(), ""), "e"), kids[1])
            return True
        if len(kids) < 2 or _local(kids[0]) != "mo" or _local(kids[-1]) != "mo":
            return False
        fenced = kids[0].get("fence") == "true" and kids[-1].get("fence") == "true"
        matrix = len(kids) == 3 and _local(kids[1]) == "mtable"
        paired = el.get("data-pair") == "1"
        if not (fenced or matrix or paired):
            return False
        box = _sub(_delimiters(parent, _text(kids[0]).strip(), _text(kids[-1]).strip()), "e")
        inner = etree.Element("mrow")
        inner.extend(kids[1:-1])
        self.children(box, inner)
        return True


_PAIRS = {")": "(", "]": "[", "}": "{"}


def _is_matrix(rows: list) -> bool:
    """Whether table ``rows`` (lists of ``mtd``) are a matrix: no cell carries an alignment, or
    several columns are all centred (``array``); aligned equations and ``cases`` align right/left."""
    aligns = {cell.get("columnalign") for row in rows for cell in row}
    columns = max((len(row) for row in rows), default=0)
    return aligns == {None} or (aligns <= {None, "center"} and columns > 1)


def _align_at(line, start: int) -> None:
    """Mark the first run added to ``line`` at index ``start`` as an alignment point (``m:aln`` in its
    ``m:rPr``); a cell that starts with a structure gets an empty run in front of it."""
    added = list(line)[start:]
    run = added[0] if added and added[0].tag == _m("r") else None
    if run is None:
        run = etree.Element(_m("r"))
        _sub(run, "t")
        line.insert(start, run)
    rpr = run.find(_m("rPr"))
    if rpr is None:
        rpr = etree.Element(_m("rPr"))
        run.insert(0, rpr)
    rpr.append(etree.Element(_m("aln")))


def _delimiters(parent, begin: str, end: str):
    """An ``m:d`` with its characters; ( and ) are the defaults (§22.1.2.10, .35) and left out, as PowerPoint does."""
    d = _sub(parent, "d")
    pr = _sub(d, "dPr")
    if begin != "(":
        _sub(pr, "begChr", val=begin)
    if end != ")":
        _sub(pr, "endChr", val=end)
    return d
_SCRIPTS = ("msub", "msup", "msubsup")


def _closing_char(el) -> str:
    """The closing bracket ``el`` is (a bare ``mo``, or the base of a script), or ""."""
    base = el[0] if _local(el) in _SCRIPTS else el
    text = _text(base).strip() if _local(base) == "mo" else ""
    return text if text in _PAIRS else ""


def _bracket_groups(kids: list) -> list:
    """``kids`` with each matched ``( … )``, ``[ … ]``, ``{ … }`` of the row grouped into one
    ``mrow`` (converted to ``m:d``, as PowerPoint builds up typed brackets); a script on the
    closing bracket (``(z)_i``) moves to the whole group."""
    out: list = []
    opened: list[int] = []
    for kid in kids:
        close = _closing_char(kid)
        if _local(kid) == "mo" and _text(kid).strip() in _PAIRS.values() and kid.get("fence") != "true":
            opened.append(len(out))
            out.append(kid)
            continue
        if close and opened and _text(out[opened[-1]]).strip() == _PAIRS[close]:
            start = opened.pop()
            group = etree.Element("mrow", {"data-pair": "1"})
            group.extend(copy.copy(k) for k in out[start:])
            if _local(kid) in _SCRIPTS:
                group.append(copy.copy(kid[0]))
                script = etree.Element(etree.QName(kid).localname)
                script.append(group)
                script.extend(copy.copy(k) for k in list(kid)[1:])
                group = script
            else:
                group.append(copy.copy(kid))
            del out[start:]
            out.append(group)
            continue
        out.append(kid)
    return out


def _merge_runs(root) -> None:
    """Join neighbouring ``m:r`` with the same properties into one run ("softmax", not s·o·f·t·m·a·x)."""
    for parent in list(root.iter()):
        previous = None
        for child in list(parent):
            if child.tag != _m("r"):
                previous = None
                continue
            if previous is not None:
                same = etree.tostring(previous.find(_m("rPr"))) == etree.tostring(child.find(_m("rPr"))) \
                    if previous.find(_m("rPr")) is not None and child.find(_m("rPr")) is not None \
                    else previous.find(_m("rPr")) is None and child.find(_m("rPr")) is None
                if same:
                    t_prev, t_new = previous.find(_m("t")), child.find(_m("t"))
                    t_prev.text = (t_prev.text or "") + (t_new.text or "")
                    t_prev.attrib.pop(_XML_SPACE, None)
                    if t_prev.text != t_prev.text.strip():
                        t_prev.set(_XML_SPACE, "preserve")
                    parent.remove(child)
                    continue
            previous = child


def mathml_to_omml(mathml: str, display: bool = True):
    """Convert one ``<math>`` element (a string) to OMML.

    Args:
        mathml: presentation MathML, e.g. from ``latex2mathml.converter.convert``.
        display: wrap in ``m:oMathPara`` (a display formula, centred) rather than a bare ``m:oMath``.

    Returns:
        An lxml element ``m:oMathPara`` (or ``m:oMath``) in the OMML namespace.

    Raises:
        lxml.etree.XMLSyntaxError: ``mathml`` is not well-formed XML.
    """
    root = etree.fromstring(mathml.encode())
    math = etree.Element(_m("oMath"), nsmap={"m": M_NS})
    _Converter().element(math, root)
    _merge_runs(math)
    if not display:
        return math
    para = etree.Element(_m("oMathPara"), nsmap={"m": M_NS})
    _sub(_sub(para, "oMathParaPr"), "jc", val="centerGroup")
    para.append(math)
    return para

