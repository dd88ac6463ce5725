"""Pango font descriptions made once per distinct font style (issue 20; applied by
:func:`coursepress.patches.apply_font_description_memo`).

WeasyPrint 70 makes a new ``PangoFontDescription`` for every text layout it sets up
(``text.line_break.Layout.setup`` → ``text.fonts.get_font_description``: eight calls into Pango
each): 11,411 times for the course's handout, from 31 distinct styles, ≈ 0.05 s of the build
process's critical path. The description depends only on the seven style values the function
reads (family list, style, stretch, weight, size, small-caps variant, variation settings), and
``Layout.setup`` only hands it to Pango, which copies it (``pango_layout_set_font_description``) or
reads it (``pango_context_get_metrics``); so the first description made for a set of values is
given again for the same values. Same fonts, same layout, same PDF bytes.
"""

from __future__ import annotations

from typing import Any, Callable

KEEP = 512          # distinct styles remembered per process (a handout has a few dozen)


def style_key(style: Any) -> tuple:
    """The values of ``style`` (a WeasyPrint computed style) that ``get_font_description`` reads."""
    return (tuple(style["font_family"]), style["font_style"], style["font_stretch"], style["font_weight"],
            style["font_size"], style["font_variant_caps"], style["font_variation_settings"])


def remembering(upstream: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``get_font_description(style)`` (``upstream``) giving the description it made before for the same
    :func:`style_key`; a style whose values cannot be a key (unhashable) gets a new one, as upstream."""
    made: dict[tuple, Any] = {}

    def get_font_description(style: Any) -> Any:
        try:
            key = style_key(style)
            found = made.get(key)
        except TypeError:
            return upstream(style)
        if found is None:
            found = upstream(style)
            if len(made) < KEEP:
                made[key] = found
        return found

    return get_font_description
