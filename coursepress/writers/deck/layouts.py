"""Finding the layouts and placeholders of any reasonable template by role.

The deck writer needs seven slide roles (title, section, content, two
columns, table, chart, closing) and, in each, placeholders by role (Title,
Subtitle, Content, Left, Right, Table, Chart, Caption, Footer, Slide
Number). A template made in PowerPoint, WPS or LibreOffice names its layouts
in the user's language ("Title and Content" in Chinese, "Title, Content") and
its placeholders anything at all, so roles are found, as in Pandoc's PowerPoint writer, in
this order:

1. the user's ``deck.layouts:`` mapping in course.yaml (role → layout name),
   when given;
2. placeholder types (ECMA-376 Part 1 §19.7.10 ``ST_PlaceholderType``) and the
   standard layout names PowerPoint, WPS and LibreOffice use in English and
   Chinese, scored together (:func:`_score`): a layout whose name is standard
   for the role and whose placeholders fit wins; else the best fit by types.

A role no layout can hold completely falls back to the closest layout; what
it lacks becomes a *virtual* placeholder (a text box or a box carved from the
layout's content area, see :func:`_virtual_caption`) and, where the template
should have had it (a title slide, section header or content layout), the
build warns. A template with no layout holding a title at all is refused with
a :class:`~coursepress.errors.BuildError` listing every layout and placeholder
found. The helpers at the end put a chosen layout's placeholders on a slide
under their role names and draw the text boxes that stand in for missing ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any, Optional

from pptx.oxml.ns import qn
from pptx.util import Emu

from ...errors import BuildError
from ...messages import layout_names
from ...schema import LayoutRole

# Placeholder types (p:ph/@type; absent means "obj").
TITLE_TYPES = ("title", "ctrTitle")
TEXT_TYPES = ("body", "subTitle", "obj")
FOOTER_TYPES = {"ftr": "Footer", "sldNum": "Slide Number"}
IGNORED_TYPES = ("dt", "ftr", "sldNum", "hdr")

# Standard layout names per role (compared without case, spaces or punctuation): our reference deck's,
# PowerPoint's and WPS's in English and Simplified Chinese, and LibreOffice Impress's as it saves .pptx;
# listed in templates/deck/layout-names.yaml (words live in templates/, not in code).
NAMES: dict[str, tuple[str, ...]] = layout_names()
# Role → the placeholder roles it fills; the first after Title is its main frame.
SLOTS: dict[str, tuple[str, ...]] = {
    "Title": ("Title", "Subtitle"),
    "Section": ("Title", "Subtitle"),
    "Title and Content": ("Title", "Content"),
    "Two Content": ("Title", "Left", "Right"),
    "Table": ("Title", "Table", "Caption"),
    "Chart": ("Title", "Chart", "Caption"),
    "Closing": ("Title", "Subtitle"),
}
# Roles every ordinary template has whose layout placeholder types alone cannot tell apart: without a
# layout named for them the build warns, unless the title placeholder has the type given here.
GUESSED = {"Title": ("ctrTitle",), "Section": ()}
# Role keys of course.yaml's deck.layouts mapping.
MAPPING_KEYS = {"title": "Title", "section": "Section", "content": "Title and Content",
                "two_content": "Two Content", "table": "Table", "chart": "Chart", "closing": "Closing"}


def _key(name: str) -> str:
    return re.sub("[\\s,\uff0c\u3001._\\-]+", "", name).casefold()     # also the full-width comma and the ideographic comma


_NAME_KEYS = {role: {_key(n) for n in names} for role, names in NAMES.items()}


def ph_type(shape) -> str:
    """The placeholder type of a python-pptx placeholder shape ("obj" when the attribute is absent)."""
    return shape._element.ph.get("type") or "obj"


def _vertical(shape) -> bool:
    body = shape._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}txBody/"
        "{http://schemas.openxmlformats.org/drawingml/2006/main}bodyPr")
    return body is not None and body.get("vert", "horz") not in ("horz", "wordArtVertRtl")


def _area(shape) -> int:
    return int(shape.width or 0) * int(shape.height or 0)


@dataclass
class Choice:
    """One role's layout: ``layout`` (python-pptx SlideLayout), ``slots`` placeholder role → the layout's
    placeholder shape or None (virtual), ``named`` whether the layout's name is standard for the role."""

    role: str
    layout: Any
    slots: dict[str, Optional[Any]]
    named: bool
    score: float = 0.0
    footers: list = field(default_factory=list)


def _assign(role: str, layout) -> Optional[dict[str, Optional[object]]]:
    """Placeholder role → layout placeholder (or None) for ``role``; None when the layout has no title."""
    shapes = [ph for ph in layout.placeholders if ph_type(ph) not in IGNORED_TYPES and not _vertical(ph)]
    titles = [ph for ph in shapes if ph_type(ph) in TITLE_TYPES]
    if not titles:
        return None
    title = min(titles, key=lambda ph: (ph_type(ph) != ("ctrTitle" if role in ("Title", "Closing") else "title"),
                                        int(ph.top or 0)))
    rest = [ph for ph in shapes if ph is not title]
    slots: dict[str, Optional[object]] = {"Title": title}

    def take(types: tuple[str, ...], largest: bool = True) -> Optional[object]:
        for kind in types:
            found = sorted((ph for ph in rest if ph_type(ph) == kind), key=_area, reverse=largest)
            if found:
                rest.remove(found[0])
                return found[0]
        return None

    if role in ("Title", "Section", "Closing"):
        slots["Subtitle"] = take(("subTitle", "body", "obj"))
    elif role == "Title and Content":
        slots["Content"] = take(("obj", "body"))
    elif role == "Two Content":
        pair = sorted((ph for ph in rest if ph_type(ph) in ("obj", "body")), key=_area, reverse=True)[:2]
        pair.sort(key=lambda ph: int(ph.left or 0))
        ok = len(pair) == 2 and int(pair[0].left or 0) + int(pair[0].width or 0) <= int(pair[1].left or 0) + 1
        slots["Left"], slots["Right"] = (pair[0], pair[1]) if ok else (None, None)
        for ph in pair if ok else ():
            rest.remove(ph)
    else:
        kind = "tbl" if role == "Table" else "chart"
        slots[role] = take((kind, "obj", "pic" if role == "Chart" else kind, "body"))
        slots["Caption"] = take(("body", "subTitle"), largest=False)
    slots["_unused"] = rest   # scored, never filled
    return slots


def _score(role: str, layout, slots: dict, slide_area: int) -> float:
    """How well ``layout`` suits ``role``: +10 a standard name, +4 a title of the role's kind (centred
    for title and closing slides) or a table/chart placeholder, +1 another ideal type, −6 per missing
    frame, −1 per unused placeholder (so "Title and Content" beats "Comparison"), and up to +4 for the
    share of the slide the main frame covers (a full-width content area beats "Content with Caption")."""
    score = 10.0 if _key(layout.name) in _NAME_KEYS[role] else 0.0
    ideal = {"Title": ("ctrTitle",) if role in ("Title", "Closing") else ("title",), "Subtitle": ("body",) if role == "Section" else ("subTitle",),
             "Table": ("tbl",), "Chart": ("chart",), "Content": ("obj",), "Left": ("obj",), "Right": ("obj",)}
    for name in SLOTS[role]:
        shape = slots.get(name)
        if shape is None:
            score -= 6.0 if name != "Caption" else 0.0
        elif ph_type(shape) in ideal.get(name, ()):
            score += 4.0 if name in ("Table", "Chart", "Title") else 1.0
    main = slots.get(SLOTS[role][1])
    if main is not None and slide_area:
        score += 4.0 * min(_area(main) / slide_area, 1.0)
    return score - len(slots["_unused"])


def describe(prs) -> str:
    """Every layout with its placeholders, for error messages: "'Title Slide' [ctrTitle, subTitle]; …"."""
    parts = []
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            kinds = ", ".join(f"{ph_type(ph)} '{ph.name}'" for ph in layout.placeholders)
            parts.append(f"'{layout.name}' [{kinds}]")
    return "; ".join(parts) or "no layouts"


def all_layouts(prs) -> list:
    """Every slide layout of every master, in file order."""
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def resolve(prs, mapping: Optional[Mapping[LayoutRole, str]], path) -> tuple[dict[str, Choice], list[str]]:
    """Choose a layout and placeholders for every role of :data:`SLOTS`.

    Args:
        prs: the reference deck (python-pptx Presentation).
        mapping: course.yaml ``deck.layouts`` (keys of :data:`MAPPING_KEYS` → layout names) or None.
        path: the reference deck's path, for messages.

    Returns:
        (role → :class:`Choice`, warnings about fallbacks).

    Raises:
        BuildError: a mapped layout that does not exist or has no title placeholder; a template with no
        layout holding a title placeholder (the message lists the layouts and placeholders found).
    """
    layouts = all_layouts(prs)
    slide_area = int(prs.slide_width) * int(prs.slide_height)
    by_name: dict[str, Any] = {}
    layout: Any
    for layout in layouts:
        by_name.setdefault(layout.name, layout)
    wanted = {MAPPING_KEYS[k]: v for k, v in (mapping or {}).items()}
    choices: dict[str, Choice] = {}
    warnings: list[str] = []
    for role in SLOTS:
        if role in wanted:
            layout = by_name.get(wanted[role])
            slots = _assign(role, layout) if layout is not None else None
            if slots is None:
                raise BuildError(f"deck.layouts in course.yaml names layout '{wanted[role]}' for {role.lower()} "
                                 f"slides, but reference deck '{path}' has no such layout with a title "
                                 f"placeholder; it has: {describe(prs)}")
            candidates = [(100.0, layout, slots)]
        else:
            candidates = []
            for layout in layouts:
                slots = _assign(role, layout)
                if slots is not None:
                    candidates.append((_score(role, layout, slots, slide_area), layout, slots))
        if not candidates:
            raise BuildError(f"reference deck '{path}' has no layout with a title placeholder; it has: "
                             f"{describe(prs)}. Add a title placeholder to a layout (PowerPoint: View → "
                             "Slide Master → Insert Placeholder) or map layouts with deck.layouts in course.yaml")
        score, layout, slots = max(candidates, key=lambda c: c[0])   # the first of equal scores wins
        named = _key(layout.name) in _NAME_KEYS[role] or role in wanted
        slots.pop("_unused")
        footers = [ph for ph in layout.placeholders if ph_type(ph) in FOOTER_TYPES]
        choices[role] = Choice(role, layout, slots, named, score, footers)
        main = SLOTS[role][1]
        if role in wanted:
            continue
        if slots.get(main) is None and role != "Two Content":
            warnings.append(f"reference deck '{path}' has no layout with a place for the {main.lower()} of "
                            f"{role.lower()} slides; they use layout '{layout.name}' with a text box "
                            f"(map one with deck.layouts: {_mapping_key(role)}: NAME in course.yaml)")
        elif not named and role in GUESSED and ph_type(slots["Title"]) not in GUESSED[role]:
            warnings.append(f"reference deck '{path}': no {role.lower()} layout found by name or placeholder "
                            f"types; {role.lower()} slides use layout '{layout.name}' (map one with "
                            f"deck.layouts: {_mapping_key(role)}: NAME in course.yaml)")
    return choices, warnings


def _mapping_key(role: str) -> str:
    return next(k for k, v in MAPPING_KEYS.items() if v == role)


# ---------------------------------------------------------------- on the slide
def slide_placeholders(slide, choice) -> dict:
    """The slide's placeholders under their role names ("Title", "Content", …); placeholders of the
    layout no role fills are removed (an empty placeholder would show its prompt while editing).

    python-pptx clones the layout's placeholders in layout order, so the n-th cloned placeholder is the
    n-th cloneable one of the layout (a LibreOffice-saved layout may give several the same ``idx``).
    """
    roles = {id(shape._element): name for name, shape in choice.slots.items() if shape is not None}
    cloned = [ph for ph in choice.layout.iter_cloneable_placeholders()]
    out = {}
    for layout_ph, ph in zip(cloned, list(slide.placeholders)):
        name = roles.get(id(layout_ph._element))
        if name is None:
            ph._element.getparent().remove(ph._element)
            continue
        ph._element.nvSpPr.cNvPr.set("name", name)
        out[name] = ph
    return out


def distinct_placeholder_ids(layout) -> None:
    """Give each placeholder of ``layout`` its own ``idx`` (ECMA-376 §19.3.1.36: a slide placeholder inherits
    from the layout placeholder with the same ``idx``).

    LibreOffice saves content placeholders as ``<p:ph/>``, so they share ``idx`` 0 with the title; the
    slide placeholders python-pptx clones from them would then inherit the title's position and list
    style (no bullets, no level indents) in PowerPoint, LibreOffice and python-pptx alike. The copy of the
    layout inside the written deck is renumbered; the user's template file is not touched.
    """
    elements = [shape._element.ph for shape in layout.placeholders]
    seen: set[int] = set()
    top = max((int(ph.get("idx", "0")) for ph in elements), default=0)
    for ph in elements:
        idx = int(ph.get("idx", "0"))
        if idx in seen:
            top += 1
            ph.set("idx", str(top))
            idx = top
        seen.add(idx)


def text_box(slide, frame):
    """A text box at a virtual frame (the layout lacks that placeholder), with the frame's insets."""
    box = slide.shapes.add_textbox(Emu(frame.left_emu), Emu(frame.top_emu), Emu(frame.width_emu),
                                   Emu(frame.height_emu))
    box._element.nvSpPr.cNvPr.set("name", frame.name)
    tf = box.text_frame
    tf.margin_left, tf.margin_top, tf.margin_right, tf.margin_bottom = (Emu(v) for v in frame.insets_emu)
    return box


def fix_slide_size_type(prs) -> None:
    """``p:sldSz/@type`` that matches the size (ECMA-376 §19.7.32): a 16:9 deck flagged "screen4x3"
    (python-pptx's default template, resized) is flagged as what it is, else "custom" (no attribute)."""
    size = prs.part._element.find(qn("p:sldSz"))
    known = {(9144000, 6858000): "screen4x3", (9144000, 5143500): "screen16x9", (9144000, 5715000): "screen16x10"}
    kind = known.get((int(size.get("cx")), int(size.get("cy"))))
    if kind:
        size.set("type", kind)
    elif "type" in size.attrib:
        del size.attrib["type"]
