"""Two of WeasyPrint's most called layout helpers with their common case first; same results
(applied by :func:`coursepress.patches.apply_layout_shortcuts`).

Counted in a cold build of the 71-page benchmark chapter (its page floats lay most pages out three
times, :mod:`.pageflow`): ``resolve_one_percentage`` 309,847 calls (17 per box and layout: margins,
paddings, sizes) and ``Box.is_in_normal_flow`` 101,354 calls, each a chain of small calls.

* :func:`make_resolve_one`: a used length from a computed ``Dimension`` in ``px`` or ``%`` is set
  directly (nearly every value; CSS computes lengths to px); ``auto``, ``None``, ``calc()`` and
  anything else go through WeasyPrint's own function.
* :func:`make_in_normal_flow`: ``is_floated``, ``is_absolutely_positioned``, ``is_running``,
  ``is_footnote`` and ``is_note`` read from one look-up of ``float`` and ``position`` each, in
  WeasyPrint's order (no subclass overrides them in WeasyPrint 70).
"""

from __future__ import annotations

from typing import Any, Callable

_FLOATED = ("left", "right", "inline-start", "inline-end")


def make_resolve_one(upstream: Callable[[Any, str, Any], None], dimension: Any) -> Callable[[Any, str, Any], None]:
    """``resolve_one_percentage(box, property_name, refer_to)`` (``upstream``) with px and % values set
    here: ``box.<property_name>`` = the value in px, or ``refer_to × value / 100`` for a percentage
    (the same expression as ``weasyprint.layout.percent.percentage``). ``dimension``: WeasyPrint's
    ``Dimension`` named tuple."""
    def resolve_one_percentage(box: Any, property_name: str, refer_to: Any) -> None:
        value = box.style[property_name]
        if type(value) is dimension:
            unit = value.unit
            if unit == "px":
                setattr(box, property_name, value.value)
                return
            if unit == "%":
                setattr(box, property_name, refer_to * value.value / 100)
                return
        upstream(box, property_name, refer_to)

    resolve_one_percentage.__wrapped__ = upstream      # type: ignore[attr-defined]
    return resolve_one_percentage


def make_in_normal_flow() -> Callable[[Any], bool]:
    """``Box.is_in_normal_flow``: not floated, absolutely positioned, running, a footnote or a note."""
    def is_in_normal_flow(self: Any) -> bool:
        style = self.style
        floating = style["float"]
        if floating in _FLOATED:
            return False
        position = style["position"]
        if position in ("absolute", "fixed") or position[0] == "running()" or floating == "footnote":
            return False
        return position[0] != "note()"

    return is_in_normal_flow
