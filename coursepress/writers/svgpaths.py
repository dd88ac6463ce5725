"""SVG path data parsed once per build: WeasyPrint's ``<path>`` drawing remembered by its ``d`` attribute.

WeasyPrint 70 draws an SVG ``<path>`` (``weasyprint.svg.path.path``) by
parsing its ``d`` string on every draw, point by point, slicing the rest of
the string after each one (quadratic in the length of the data). The
handout's formulas are ziamath SVGs whose glyphs are ``<path>`` elements
drawn through ``<use>``: the course draws 192 paths of 57 distinct ``d``
strings (122,657 characters parsed for 38,151 distinct ones).

The drawing of a path is a pure function of its ``d`` string when every
number in it is a plain number (no unit, percentage or ``em``: then
``svg.point`` never reads the font size or the viewport): it appends the same
path operators (``m``, ``l``, ``c``, ``h``: bytes, through pydyf's
``move_to``/``line_to``/``curve_to``/``close``) to the content stream and the
same vertices (for markers) to the node. :func:`remembering` keeps both the
first time and appends them again on the next draw of the same data, so the
PDF's bytes do not change. Data with other characters, and a draw that fails
part-way (``PointError``), are drawn by WeasyPrint every time.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Callable

PLAIN = frozenset("0123456789.eE+-, \t\r\nachlmqstvzACHLMQSTVZ")   # numbers, separators and path letters only
LIMIT = 50_000          # distinct paths kept; then forgotten all at once (a watch process builds again)


def remembering(draw_path: Callable[[Any, Any, float], None]) -> Callable[[Any, Any, float], None]:
    """``draw_path`` (WeasyPrint's ``path(svg, node, font_size)``) with the drawing of plain ``d`` data remembered.

    Returns a function with the same signature and effects: path operators
    appended to ``svg.stream.stream`` (a list of bytes) and points/angles to
    ``node.vertices`` (a deque).
    """
    drawn: dict[str, tuple[list[Any], list[Any]]] = {}

    def path(svg: Any, node: Any, font_size: float) -> None:
        data = node.get("d", "")
        known = drawn.get(data)
        if known is not None:
            svg.stream.stream.extend(known[0])
            node.vertices.extend(known[1])
            return
        stream = svg.stream
        operators, vertices = len(stream.stream), len(node.vertices)
        draw_path(svg, node, font_size)           # a PointError leaves nothing remembered
        if svg.stream is stream and PLAIN.issuperset(data):
            if len(drawn) >= LIMIT:
                drawn.clear()
            drawn[data] = (stream.stream[operators:], list(islice(node.vertices, vertices, None)))

    path.__wrapped__ = draw_path        # type: ignore[attr-defined]
    return path
