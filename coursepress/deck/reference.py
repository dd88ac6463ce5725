"""The reference deck: finding it, checking it, and reading its geometry and text styles.

The reference deck (``templates/deck/reference.pptx`` or the user's own, set
by ``deck.reference`` in course.yaml or ``--reference``) decides the look.
Layouts and placeholders are looked up by their names (``p:cSld/@name`` and
``p:cNvPr/@name``), never by index. Sizes, spacing and insets are read with
the OOXML inheritance chain (ECMA-376 Part 1, §19.3.1.36 and §21.1.2): the
layout placeholder's ``a:lstStyle``, then the master placeholder of the same
type, then the master's ``p:txStyles``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pptx import Presentation

from ..errors import BuildError, SourcePos
from ..limits import DEFAULTS, Limits, check_bytes
from ..model import Course
from ..resources import project_path, resolve_path
from ..templating import search_path

# Layout name → placeholder names the writer fills.
REQUIRED: dict[str, tuple[str, ...]] = {
    "Title": ("Title", "Subtitle"),
    "Section": ("Title", "Subtitle"),
    "Title and Content": ("Title", "Content"),
    "Two Content": ("Title", "Left", "Right"),
    "Table": ("Title", "Table", "Caption"),
    "Chart": ("Title", "Chart", "Caption"),
    "Closing": ("Title", "Subtitle"),
}
FOOTER, SLIDE_NUMBER = "Footer", "Slide Number"

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
    """A placeholder's box (EMU), its insets (left, top, right, bottom, EMU) and level styles 1–9."""

    name: str
    left_emu: int
    top_emu: int
    width_emu: int
    height_emu: int
    insets_emu: tuple[int, int, int, int]
    levels: tuple[Level, ...]

    @property
    def text_width_pt(self) -> float:
        return (self.width_emu - self.insets_emu[0] - self.insets_emu[2]) / 12700

    @property
    def text_height_pt(self) -> float:
        return (self.height_emu - self.insets_emu[1] - self.insets_emu[3]) / 12700

    def level(self, n: int) -> Level:
        return self.levels[min(n, len(self.levels) - 1)]


@dataclass(frozen=True)
class Geometry:
    """Slide size and every named placeholder frame of every needed layout: ``frames[layout][name]``."""

    slide_width_emu: int
    slide_height_emu: int
    frames: dict[str, dict[str, Frame]]


def reference_path(course: Course, override: Optional[Path]) -> Path:
    """The reference deck to use: ``--reference``, else course.yaml ``deck.reference``, else templates/deck/.

    Raises:
        BuildError: a ``--reference`` file that does not exist.
        ContentError: a ``deck.reference`` path outside the project or missing.
    """
    if override is not None:
        if not override.is_file():
            raise BuildError(f"reference deck '{override}' does not exist")
        return override
    if course.meta.deck.reference:
        return resolve_path(course.root, course.root, course.meta.deck.reference,
                            SourcePos("content/course.yaml"), "reference deck")
    for folder in search_path(course.root):
        path = Path(folder) / "deck" / "reference.pptx"
        if Path(folder).is_relative_to(course.root.resolve()) and os.path.lexists(path):
            return project_path(course.root, path, SourcePos("templates/deck/reference.pptx"), "reference deck")
        if path.is_file():
            return path
    raise BuildError("no reference deck found: expected templates/deck/reference.pptx "
                     "(run python tools/make_reference_deck.py)")


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


def layouts_by_name(prs) -> dict:
    """Layout name → slide layout, across all masters (the first of a duplicated name wins)."""
    out = {}
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            out.setdefault(layout.name, layout)
    return out


def check(prs, path: Path) -> None:
    """Raise BuildError naming every missing layout or placeholder of the reference deck at ``path``."""
    layouts = layouts_by_name(prs)
    missing: list[str] = []
    for name, placeholders in REQUIRED.items():
        layout = layouts.get(name)
        if layout is None:
            missing.append(f"layout '{name}'")
            continue
        have = {ph.name for ph in layout.placeholders}
        missing.extend(f"placeholder '{ph}' in layout '{name}'" for ph in placeholders if ph not in have)
    if missing:
        raise BuildError(f"reference deck '{path}' lacks " + ", ".join(missing) +
                         "; add them (layouts and placeholders are found by name) or use the default "
                         "templates/deck/reference.pptx")


def geometry(prs) -> Geometry:
    """Read the slide size and the frames of every needed layout's named placeholders."""
    layouts = layouts_by_name(prs)
    frames: dict[str, dict[str, Frame]] = {}
    for name in REQUIRED:
        layout = layouts[name]
        master = layout.slide_master
        frames[name] = {ph.name: _frame(ph, master) for ph in layout.placeholders}
    return Geometry(int(prs.slide_width), int(prs.slide_height), frames)


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
    sources.append(styles.find(f"{P}{style_name}") if styles is not None else None)
    levels = tuple(_level(n, [s for s in sources if s is not None]) for n in range(1, 10))
    insets = _insets([el for el in chain if el is not None])
    return Frame(ph.name, rect[0], rect[1], rect[2], rect[3], insets, levels)


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
    return tuple(out)


def load_reference(course: Course, override: Optional[Path]):
    """Open, check and measure the reference deck: returns ``(path, presentation, geometry)``.

    Raises:
        BuildError: missing file, unreadable file, missing layout or placeholder.
        ContentError: a ``deck.reference`` path outside the project.
    """
    path = reference_path(course, override)
    prs = open_reference(path, course.meta.limits.value())
    check(prs, path)
    return path, prs, geometry(prs)

