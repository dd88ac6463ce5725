"""SVG checks by parsing: no scripts, nothing fetched, bounded size.

An SVG from content is parsed with lxml (entities not resolved, no network, no
DTD loaded) and refused if it

* declares an internal DTD subset (XML entities: "billion laughs"),
* has an element named ``script`` or ``foreignObject`` in any namespace, whatever
  its prefix (``<s:script>`` is the SVG script element too), an XHTML element,
  an ``on…`` event attribute or a ``javascript:`` value,
* refers to anything but a fragment of itself (``#id``) or an embedded raster
  ``data:`` image: any ``href``/``xlink:href`` (any namespace), any CSS
  ``url()``/``src()`` in a ``<style>``, a ``style`` attribute or a presentation
  attribute, any ``@import`` or ``@font-face``, an ``xml-stylesheet`` instruction,
* has more than ``limits.svg_elements`` elements once every ``<use>`` is
  expanded (a few nested ``<use>`` make billions: the "use bomb"), or a
  ``<use>`` that refers to itself.

CSS is read with tinycss2 (WeasyPrint's own CSS tokenizer), so escapes such as
``u\\72l(`` cannot hide a reference from the check.
"""

from __future__ import annotations

import re
from typing import Optional

from .errors import ContentError, SourcePos, excerpt
from .limits import Limits, over

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_SCRIPTED = {"script", "foreignobject"}
_RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp)[;,]", re.I)
_REFERENCE_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"}
_REFUSED_AT_RULES = {"import", "font-face"}


class _Refusal(Exception):
    """A reason to refuse the SVG; ``count``: the elements counted so far when the size limit was passed."""

    def __init__(self, message: str, hint: str, line: Optional[int] = None, count: int = 0) -> None:
        super().__init__(message)
        self.message, self.hint, self.line, self.count = message, hint, line, count


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def _namespace(name: str) -> str:
    return name[1:].split("}", 1)[0] if isinstance(name, str) and name.startswith("{") else ""


def _allowed_target(target: str) -> bool:
    target = target.strip()
    return target.startswith("#") or bool(_RASTER_DATA.match(target))


def _css_references(css: str, line: Optional[int]) -> None:
    """Raise _Refusal for an ``@import``/``@font-face`` or a reference that is not a local fragment."""
    import tinycss2

    def walk(tokens) -> None:
        for token in tokens:
            kind = token.type
            keyword = token.lower_at_keyword if kind == "at-rule" else (
                token.lower_value if kind == "at-keyword" else None)   # at-keyword: inside a block or attribute
            if keyword in _REFUSED_AT_RULES:
                raise _Refusal(f"has a CSS @{keyword} rule", "remove it: builds load no stylesheets or fonts "
                               "from an SVG", line)
            if kind == "url" and not _allowed_target(token.value):
                raise _Refusal(f"refers to an external resource '{excerpt(token.value, 80)}'",
                               "embed the resource or remove the reference", line)
            if kind == "function" and token.lower_name in _REFERENCE_FUNCTIONS:
                for arg in token.arguments:
                    if arg.type in ("string", "url") and not _allowed_target(arg.value):
                        raise _Refusal(f"refers to an external resource '{excerpt(arg.value, 80)}'",
                                       "embed the resource or remove the reference", line)
            for attr in ("prelude", "content", "arguments"):
                inner = getattr(token, attr, None)
                if inner:
                    walk(inner)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _check_tree(root, limits: Limits) -> None:
    """Walk the parsed document once; raise _Refusal at the first problem."""
    ids: dict[str, object] = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id"):
            ids.setdefault(element.get("id"), element)
    for node in root.iter():
        line = node.sourceline
        if not isinstance(node.tag, str):
            if _local(getattr(node, "target", "") or "") == "xml-stylesheet":
                raise _Refusal("links a stylesheet (xml-stylesheet)", "remove the instruction", line)
            continue
        name = _local(node.tag)
        if name.lower() in _SCRIPTED or _namespace(node.tag) == XHTML_NS:
            raise _Refusal(f"contains a script or embedded HTML (<{name}>)",
                           "remove scripts from the SVG (export it as plain SVG)", line)
        if name == "style" and node.text:
            _css_references(node.text, line)
        for attr, value in node.attrib.items():
            local = _local(attr).lower()
            if local.startswith("on") or "javascript:" in value.lower().replace(" ", ""):
                raise _Refusal(f"contains a script or event handler ({_local(attr)})",
                               "remove scripts from the SVG (export it as plain SVG)", line)
            if local == "href" and not _allowed_target(value):
                raise _Refusal(f"refers to an external resource '{excerpt(value, 80)}'",
                               "embed the resource or remove the reference", line)
            if local == "style" or "(" in value:
                _css_references(f"x{{{value}}}", line)        # a declaration list or one value
    _count_elements(root, ids, limits)


def _count_elements(root, ids: dict, limits: Limits) -> None:
    """Elements after ``<use>`` expansion, each referenced subtree counted once (memoised): linear time."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(element) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _Refusal("has a <use> that refers to itself", "remove the loop", element.sourceline)
        active.add(key)
        total = 1
        stack = list(element)
        while stack:
            child = stack.pop()
            if not isinstance(child.tag, str):
                continue
            total += size(child) if _local(child.tag) == "use" else 1
            if _local(child.tag) != "use":
                stack.extend(child)
            if total > limits.svg_elements:
                break
        if _local(element.tag) == "use":
            href = next((v for k, v in element.attrib.items() if _local(k) == "href"), "")
            target = ids.get(href.strip()[1:]) if href.strip().startswith("#") else None
            if target is not None:
                total += size(target)
        active.discard(key)
        sizes[key] = total
        if total > limits.svg_elements:
            raise _Refusal("has too many elements once its <use> references are expanded", "", element.sourceline,
                           total)
        return total

    try:
        size(root)
    except RecursionError:
        raise _Refusal("has <use> references nested too deeply", "simplify the drawing") from None


_LENGTH = re.compile(r"\s*(\d*\.?\d+)")
DEFAULT_SIZE = (300, 150)       # CSS 2 §10.3.2/§10.6.2: the default size of a replaced element without one


def _number(value: Optional[str]) -> Optional[float]:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) if match else None


def svg_size(root) -> tuple[int, int]:
    """Width and height (user units, whole) of a parsed SVG root: its ``viewBox``, else the numbers of its
    ``width`` and ``height`` (units ignored), else :data:`DEFAULT_SIZE`."""
    view = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    if len(view) == 4:
        w, h = _number(view[2]), _number(view[3])
        if w is not None and h is not None:
            return int(w), int(h)
    w, h = _number(root.get("width")), _number(root.get("height"))
    return (int(w) if w is not None else DEFAULT_SIZE[0], int(h) if h is not None else DEFAULT_SIZE[1])


def check_svg(data: bytes, origin: str, pos: SourcePos, limits: Limits) -> tuple[int, int]:
    """Refuse an unsafe or oversized SVG (see the module docstring); return its size (:func:`svg_size`).

    Args:
        data: the SVG bytes.
        origin: its path as written in the lecture (or "data URI").
        pos: the lecture line that shows the image.
        limits: the build's limits (``svg_elements``).

    Raises:
        ContentError: at ``pos``, naming the SVG and its line of the problem.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ContentError(pos, f"SVG '{origin}' is not well-formed XML (line {exc.lineno}: {exc.msg})",
                           "save it again from the drawing program as plain SVG") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:
        raise ContentError(pos, f"SVG '{origin}' declares XML entities (an internal DTD subset)",
                           "remove the DOCTYPE/ENTITY declarations")
    try:
        _check_tree(root.getroottree().getroot(), limits)
        for sibling in root.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) and _local(getattr(sibling, "target", "")) == "xml-stylesheet":
                raise _Refusal("links a stylesheet (xml-stylesheet)", "remove the instruction",
                               getattr(sibling, "sourceline", None))
    except _Refusal as refusal:
        where = f" (line {refusal.line})" if refusal.line else ""
        if refusal.count:
            raise over(pos, f"SVG '{origin}'{where}: the element count after <use> expansion (at least)",
                       refusal.count, limits, "svg_elements", "simplify the drawing") from None
        raise ContentError(pos, f"SVG '{origin}'{where} {refusal.message}", refusal.hint) from None
    return svg_size(root)
