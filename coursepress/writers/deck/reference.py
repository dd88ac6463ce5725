"""The reference deck: finding it, checking it, and reading its geometry and text styles.

The reference deck (``templates/deck/reference.pptx`` or the user's own, set
by ``deck.reference`` in course.yaml or ``--reference``) decides the look.
Layouts and placeholders are found by role (:mod:`.layouts`: placeholder
types and standard layout names, or the user's ``deck.layouts`` mapping),
never by index. Sizes, spacing and insets are read with
the OOXML inheritance chain (ECMA-376 Part 1, §19.3.1.36 and §21.1.2): the
layout placeholder's ``a:lstStyle``, then the master placeholder of the same
type, then the master's ``p:txStyles``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional

from pptx import Presentation

from ...errors import BuildError, SourcePos
from ...layout import COURSE_FILE
from ...limits import DEFAULTS, Limits, check_bytes
from ...model import Course
from ...resources import project_path
from ...schema import LayoutRole
from ...units import EMU_PER_INCH, EMU_PER_PT
from .layouts import FOOTER_TYPES, SLOTS, ph_type, resolve

if TYPE_CHECKING:
    from ...project import Project

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
DEFAULT_INSETS_EMU = (91440, 45720, 91440, 45720)   # ECMA-376 §21.1.2.1.1 bodyPr defaults
DEFAULT_SIZE_PT = 18.0


@dataclass(frozen=True)
class Level:
    """Text style of one outline level: size, line spacing (fraction), space before, left margin."""

    size_pt: float
    line_spacing: float
    space_before_pt: float
    margin_left_emu: int
    bold: bool


@dataclass(frozen=True)
class Frame:
    """A placeholder's box (EMU), its insets (left, top, right, bottom, EMU) and level styles 1–9;
    ``virtual``: the layout has no such placeholder, the writer draws a text box (or takes the box) there;
    ``ph_type``: the placeholder's type ("title", "body", "obj", "tbl", "chart", …; "" when virtual);
    ``explicit``: the level styles were read from sample paragraphs (LibreOffice's masters carry no
    ``a:lstStyle`` and no ``p:txStyles``), which viewers do not inherit: the writer writes each level's
    margin and bullet on the slide's paragraphs."""

    name: str
    left_emu: int
    top_emu: int
    width_emu: int
    height_emu: int
    insets_emu: tuple[int, int, int, int]
    levels: tuple[Level, ...]
    virtual: bool = False
    ph_type: str = ""
    explicit: bool = False

    @property
    def text_width_pt(self) -> float:
        return (self.width_emu - self.insets_emu[0] - self.insets_emu[2]) / EMU_PER_PT

    @property
    def text_height_pt(self) -> float:
        return (self.height_emu - self.insets_emu[1] - self.insets_emu[3]) / EMU_PER_PT

    def level(self, n: int) -> Level:
        return self.levels[min(n, len(self.levels) - 1)]


@dataclass(frozen=True)
class Geometry:
    """Slide size and every placeholder frame of every slide role: ``frames[role][name]``."""

    slide_width_emu: int
    slide_height_emu: int
    frames: dict[str, dict[str, Frame]]


def reference_path(project: Project, course: Course, override: Optional[Path]) -> Path:
    """The reference deck to use: ``project.reference_deck`` (resolved once when the project was located:
    ``--reference``, else course.yaml ``deck.reference``, else the first ``deck/reference.pptx`` on the
    template path), through the resource gate when it lies in the project.

    Raises:
        BuildError: a ``--reference`` file that does not exist; no reference deck at all.
        ContentError: a deck in the project that is a link out of it, a FIFO … (at course.yaml or the file).
    """
    if override is not None:
        if not override.is_file():
            raise BuildError(f"reference deck '{override}' does not exist")
        return override
    path = project.reference_deck
    if path is None:      # a deck.reference leaving the project is refused at its line when loading
        raise BuildError("no reference deck found: expected templates/deck/reference.pptx "
                         "(run python tools/make_reference_deck.py)")
    if path.is_relative_to(project.root):
        where = COURSE_FILE if course.meta.deck.reference else "templates/deck/reference.pptx"
        return project_path(project.root, path, SourcePos(where), "reference deck")
    return path


def check_inflated_size(path: Path, limits: Limits = DEFAULTS) -> None:
    """Refuse a reference deck whose parts inflate past ``limits.reference_deck_mb`` (a zip bomb).

    The sum of the uncompressed sizes its ZIP directory declares is checked
    before any part is read; Python's ``zipfile`` never inflates a part past its
    declared size, so the sum bounds what opening the deck can take.

    Raises:
        ContentError: at the deck's path, naming the size and the limit.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            total = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return                    # not a ZIP: open_reference says so
    check_bytes(SourcePos(str(path)), f"reference deck '{path.name}' inflated", total, limits, "reference_deck_mb",
                "save the deck without embedded media")


def open_reference(path: Path, limits: Limits = DEFAULTS):
    """Open ``path`` with python-pptx; a file that is not a .pptx is a BuildError naming it.

    Raises:
        BuildError: not a PowerPoint file.
        ContentError: it inflates past ``limits.reference_deck_mb`` (:func:`check_inflated_size`).
    """
    check_inflated_size(path, limits)
    try:
        return Presentation(str(path))
    except Exception as exc:   # python-pptx raises several kinds for a broken package
        raise BuildError(f"reference deck '{path}' cannot be opened as a PowerPoint file ({exc}); give a .pptx "
                         "saved by PowerPoint or LibreOffice Impress (File → Save As → .pptx), or leave out "
                         "--reference / deck.reference to use the built-in deck") from None


def check(prs, path: Path, mapping: Optional[Mapping[LayoutRole, str]] = None) -> list[str]:
    """Find every slide role's layout in the reference deck at ``path`` (see :mod:`.layouts`).

    Returns:
        warnings about roles that fell back to another layout.

    Raises:
        BuildError: no layout with a title placeholder, or a ``deck.layouts`` name that does not exist;
        the message lists the layouts and placeholders found.
    """
    return resolve(prs, mapping, path)[1]


def geometry(prs, mapping: Optional[Mapping[LayoutRole, str]] = None, path: object = "reference deck",
             choices: Optional[dict] = None) -> Geometry:
    """Read the slide size and the frame of every placeholder role of every slide role.

    ``frames[role][name]``: roles and names of :data:`.layouts.SLOTS` plus "Footer" and "Slide Number"
    where the layout has them. A placeholder the layout lacks gets a virtual frame (``Frame.virtual``):
    the master's body area for a missing text or data frame, halves of it for two columns, and a strip
    carved from the bottom of the data frame for a missing caption (:data:`CAPTION_LINES` lines).
    The two-column role also gets "Left Data", "Left Caption", "Right Data" and "Right Caption": each
    column split the same way, for a picture, chart or table in that column.
    """
    if choices is None:   # (resolve's result, when the caller has it already)
        choices, _ = resolve(prs, mapping, path)
    frames: dict[str, dict[str, Frame]] = {}
    for role, choice in choices.items():
        master = choice.layout.slide_master
        out: dict[str, Frame] = {}
        for name, shape in choice.slots.items():
            if shape is not None:
                out[name] = replace(_frame(shape, master), name=name)
        body = _master_body(master, prs, out["Title"])
        for name, shape in choice.slots.items():
            if shape is None and name != "Caption":
                out[name] = _virtual(name, body)
        if "Caption" in choice.slots and choice.slots["Caption"] is None:
            main = SLOTS[role][1]
            out[main], out["Caption"] = _virtual_caption(out[main])
        if role == "Two Content":   # a picture, chart or table in a column, its caption below it
            for side in ("Left", "Right"):
                data, caption = _virtual_caption(out[side])
                out[f"{side} Data"] = replace(data, name=f"{side} Data", virtual=True)
                out[f"{side} Caption"] = replace(caption, name=f"{side} Caption")
        for shape in choice.footers:
            name = FOOTER_TYPES[ph_type(shape)]
            out[name] = replace(_frame(shape, master), name=name)
        frames[role] = out
    return Geometry(int(prs.slide_width), int(prs.slide_height), frames)


CAPTION_LINES = 2
CAPTION_SIZE_PT = 16.0


def _master_body(master, prs, title: Frame) -> Frame:
    """The master's body placeholder frame; without one, the slide below ``title`` with its margins."""
    shape = _master_placeholder(master, "body")
    if shape is not None and shape.width:
        return _frame(shape, master)
    top = title.top_emu + title.height_emu
    height = int(prs.slide_height) - top - title.top_emu - 457200
    level = Level(DEFAULT_SIZE_PT, 1.0, 0.0, 0, False)
    return Frame("Content", title.left_emu, top, title.width_emu, max(height, EMU_PER_INCH), DEFAULT_INSETS_EMU,
                 (level,) * 9, True)


def _virtual(name: str, body: Frame) -> Frame:
    if name in ("Left", "Right"):
        half = body.width_emu * 47 // 100
        left = body.left_emu if name == "Left" else body.left_emu + body.width_emu - half
        return replace(body, name=name, left_emu=left, width_emu=half, virtual=True)
    return replace(body, name=name, virtual=True)


def _virtual_caption(data: Frame) -> tuple[Frame, Frame]:
    """(shrunk data frame, caption frame below it): the caption takes :data:`CAPTION_LINES` lines of
    :data:`CAPTION_SIZE_PT` at line height 1.2 plus insets from the bottom of ``data``."""
    height = int(CAPTION_LINES * CAPTION_SIZE_PT * 1.2 * EMU_PER_PT) + DEFAULT_INSETS_EMU[1] + DEFAULT_INSETS_EMU[3]
    height = min(height, data.height_emu // 4)
    level = Level(CAPTION_SIZE_PT, 1.0, 0.0, 0, False)
    caption = Frame("Caption", data.left_emu, data.top_emu + data.height_emu - height, data.width_emu, height,
                    DEFAULT_INSETS_EMU, (level,) * 9, True)
    return replace(data, height_emu=data.height_emu - height), caption


def _master_placeholder(master, ph_type: str):
    kind = {"ctrTitle": "title", "subTitle": "body", "obj": "body", "tbl": "body", "chart": "body",
            "pic": "body"}.get(ph_type, ph_type)
    for sp in master.placeholders:
        if (sp._element.ph.get("type") or "obj") == kind:
            return sp
    return None


def _frame(ph, master) -> Frame:
    ph_type = ph._element.ph.get("type") or "obj"
    master_ph = _master_placeholder(master, ph_type)
    rect = [ph.left, ph.top, ph.width, ph.height]
    if any(v is None for v in rect) and master_ph is not None:
        rect = [master_ph.left, master_ph.top, master_ph.width, master_ph.height]
    rect = [int(v or 0) for v in rect]
    styles = master._element.find(f"{P}txStyles")
    style_name = "titleStyle" if ph_type in ("title", "ctrTitle") else (
        "otherStyle" if ph_type in ("ftr", "sldNum", "dt") else "bodyStyle")
    chain = [ph._element, master_ph._element if master_ph is not None else None]
    sources = [el.find(f"{P}txBody/{A}lstStyle") if el is not None else None for el in chain]
    sources += [_sample_style(el) if el is not None else None for el in chain]
    sources.append(styles.find(f"{P}{style_name}") if styles is not None else None)
    levels = tuple(_level(n, [s for s in sources if s is not None]) for n in range(1, 10))
    insets = _insets([el for el in chain if el is not None])
    inherited = [s for s in sources[:2] + sources[4:] if s is not None and s.find(f"{A}lvl1pPr") is not None]
    return Frame(ph.name, rect[0], rect[1], rect[2], rect[3], insets, levels, False, ph_type, not inherited)


def _sample_style(element):
    """The level styles LibreOffice Impress writes as formatted sample paragraphs of a master placeholder
    ("Click to edit the outline text format", no ``a:lstStyle``), as an ``a:lstStyle`` element: level n
    takes the ``a:pPr`` of the first paragraph of that level and its first run's ``a:rPr`` as ``a:defRPr``."""
    from lxml import etree

    style = etree.Element(f"{A}lstStyle")
    body = element.find(f"{P}txBody")
    if body is None:
        return None
    seen = set()
    for para in body.findall(f"{A}p"):
        ppr = para.find(f"{A}pPr")
        n = int(ppr.get("lvl", "0")) + 1 if ppr is not None else 1
        rpr = para.find(f"{A}r/{A}rPr")
        if n in seen or n > 9 or rpr is None:
            continue
        seen.add(n)
        level = etree.SubElement(style, f"{A}lvl{n}pPr", dict(ppr.attrib) if ppr is not None else {})
        for child in (ppr if ppr is not None else ()):
            level.append(copy.deepcopy(child))
        level.append(etree.Element(f"{A}defRPr", dict(rpr.attrib)))
    return style if len(style) else None


def _first(sources: list, n: int, path: str, attr: str):
    for source in sources:
        node = source.find(f"{A}lvl{n}pPr{path}")
        if node is not None and node.get(attr) is not None:
            return node.get(attr)
    return None


def _level(n: int, sources: list) -> Level:
    size = _first(sources, n, f"/{A}defRPr", "sz")
    pct = _first(sources, n, f"/{A}lnSpc/{A}spcPct", "val")
    before_pts = _first(sources, n, f"/{A}spcBef/{A}spcPts", "val")
    before_pct = _first(sources, n, f"/{A}spcBef/{A}spcPct", "val")
    size_pt = int(size) / 100 if size else DEFAULT_SIZE_PT
    before = int(before_pts) / 100 if before_pts else (int(before_pct) / 100000 * size_pt * 1.2 if before_pct else 0.0)
    margin = _first(sources, n, "", "marL")
    bold = _first(sources, n, f"/{A}defRPr", "b") in ("1", "true")
    return Level(size_pt, int(pct) / 100000 if pct else 1.0, before, int(margin or 0), bold)


def _insets(elements: list) -> tuple[int, int, int, int]:
    out = list(DEFAULT_INSETS_EMU)
    for i, attr in enumerate(("lIns", "tIns", "rIns", "bIns")):
        for el in elements:
            body = el.find(f"{P}txBody/{A}bodyPr")
            if body is not None and body.get(attr) is not None:
                out[i] = int(body.get(attr))
                break
    return out[0], out[1], out[2], out[3]


def load_reference(project: Project, course: Course, override: Optional[Path]):
    """Open, check and measure the reference deck: returns ``(path, presentation, geometry, warnings)``.

    Raises:
        BuildError: missing file, unreadable file, missing layout or placeholder.
        ContentError: a ``deck.reference`` path outside the project.
    """
    path = reference_path(project, course, override)
    prs = open_reference(path, course.meta.limits.value())
    mapping = course.meta.deck.layouts
    choices, warnings = resolve(prs, mapping, path)
    return path, prs, geometry(prs, mapping, path, choices), warnings

