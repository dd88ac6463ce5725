"""The reference deck's look, read for drawing slides outside PowerPoint: colours, backgrounds, rules, text styles.

The slide plan already holds every position and size (the frames of
:mod:`coursepress.writers.deck.reference`); what a drawing needs besides is
what PowerPoint takes from the master and the layouts:

* the theme's colour scheme (``a:clrScheme``) through the master's colour map
  (``p:clrMap``: tx1 → dk1, bg1 → lt1, …), with the colour modifiers
  ``tint``, ``shade``, ``lumMod`` and ``lumOff`` (ECMA-376 Part 1 §20.1.2.3);
* each layout's background (``p:bg``: a solid fill, the first stop of a gradient,
  or the colour of a ``p:bgRef``), else the master's;
* the filled rectangles of the master (unless the layout hides them,
  ``showMasterSp="0"``) and of the layout: accent rules, bands. Pictures and
  effects of a user's master are not followed (issue 19);
* per placeholder and outline level: text colour, alignment, first-line indent,
  bullet character and colour, vertical anchor, read along the same
  inheritance chain as the sizes (layout placeholder ``a:lstStyle`` → master
  placeholder → master ``p:txStyles``; ECMA-376 Part 1 §19.3.1.36).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Optional

from ...units import EMU_PER_PT
from ..deck.layouts import FOOTER_TYPES, ph_type
from ..deck.reference import _master_placeholder

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
SCHEME = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
          "hlink", "folHlink")
DEFAULT_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
ALIGN = {"l": "left", "ctr": "center", "r": "right", "just": "justify", "dist": "justify"}
ANCHOR = {"t": "top", "ctr": "middle", "b": "bottom"}


@dataclass(frozen=True)
class TextLook:
    """Text of one placeholder: per outline level (index 0 = level 1) the text ``colours`` (``#rrggbb``),
    ``align`` (CSS text-align), ``indent_pt`` (first-line indent; negative = hanging bullet), ``bullets``
    (character, "" for none) and ``bullet_colours``; ``anchor`` top | middle | bottom of the frame."""

    colours: tuple[str, ...]
    align: tuple[str, ...]
    indent_pt: tuple[float, ...]
    bullets: tuple[str, ...]
    bullet_colours: tuple[str, ...]
    anchor: str

    def level(self, n: int) -> int:
        """Index of outline level ``n`` (0-based) in the per-level tuples."""
        return min(n, len(self.colours) - 1)


@dataclass(frozen=True)
class Rule:
    """A filled rectangle of the master or layout: box in pt from the slide's top left, ``fill`` ``#rrggbb``."""

    left_pt: float
    top_pt: float
    width_pt: float
    height_pt: float
    fill: str


@dataclass(frozen=True)
class LayoutLook:
    """One slide role's layout: ``background`` ``#rrggbb``, its ``rules`` and the ``texts`` look of every
    placeholder role (Title, Content, Caption, Footer, Slide Number …)."""

    background: str
    rules: tuple[Rule, ...]
    texts: dict[str, TextLook]


@dataclass(frozen=True)
class DeckLook:
    """The look of a reference deck: slide size (pt), ``colours`` (scheme name → ``#rrggbb``, tx1/bg1 …
    included) and one :class:`LayoutLook` per slide role (``layouts[role]``)."""

    width_pt: float
    height_pt: float
    colours: dict[str, str]
    layouts: dict[str, LayoutLook]

    def colour(self, name: str, tint: float = 1.0) -> str:
        """Scheme colour ``name`` (accent1, tx2 …), lightened toward white by ``tint`` (1 = as is)."""
        return _tint(self.colours.get(name, "#000000"), tint)


# ---------------------------------------------------------------- colours
def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in (r, g, b))


def _tint(hex_colour: str, tint: float) -> str:
    """``hex_colour`` mixed with white: ``tint`` 1 keeps it, 0 gives white (sRGB, as LibreOffice draws it)."""
    return _hex(*(c * tint + (1 - tint) for c in _rgb(hex_colour)))


def _modified(hex_colour: str, element) -> str:
    """Apply the modifiers under a colour element (tint, shade, lumMod, lumOff), in document order."""
    colour = hex_colour
    for mod in element:
        name, val = mod.tag.replace(A, ""), mod.get("val")
        if val is None:
            continue
        v = int(val) / 100000
        if name == "tint":
            colour = _tint(colour, v)
        elif name == "shade":
            colour = _hex(*(c * v for c in _rgb(colour)))
        elif name in ("lumMod", "lumOff"):
            h, light, s = colorsys.rgb_to_hls(*_rgb(colour))
            light = light * v if name == "lumMod" else light + v
            colour = _hex(*colorsys.hls_to_rgb(h, max(0.0, min(1.0, light)), s))
    return colour


class Palette:
    """Resolves DrawingML colour elements against a theme's scheme and a master's colour map."""

    def __init__(self, scheme: dict[str, str], mapping: dict[str, str]) -> None:
        self.scheme, self.mapping = scheme, mapping

    def named(self, name: str) -> str:
        """Scheme colour by scheme name (dk1, accent1) or mapped name (tx1, bg1)."""
        return self.scheme.get(self.mapping.get(name, name), "#000000")

    def of(self, fill) -> Optional[str]:
        """``#rrggbb`` of an ``a:solidFill`` (or any element holding a colour choice); None if it has none."""
        if fill is None:
            return None
        for child in fill:
            tag = child.tag.replace(A, "")
            if tag == "srgbClr":
                return _modified("#" + child.get("val", "000000").lower(), child)
            if tag == "schemeClr":
                return _modified(self.named(child.get("val", "tx1")), child)
            if tag == "sysClr":
                return _modified("#" + child.get("lastClr", "000000").lower(), child)
            if tag == "prstClr":
                return _modified({"white": "#ffffff"}.get(child.get("val", ""), "#000000"), child)
        return None


def theme_palette(master) -> Palette:
    """The palette of ``master`` (python-pptx SlideMaster): its theme's scheme under its ``p:clrMap``."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    scheme = {}
    node = theme.find(f".//{A}clrScheme")
    for name in SCHEME:
        el = node.find(f"{A}{name}") if node is not None else None
        colour = Palette({}, {}).of(el) if el is not None else None
        scheme[name] = colour or ("#ffffff" if name.startswith("lt") else "#000000")
    clr_map = master._element.find(f"{P}clrMap")
    mapping = dict(clr_map.attrib) if clr_map is not None else dict(DEFAULT_MAP)
    return Palette(scheme, mapping)


# ---------------------------------------------------------------- backgrounds and rules
def _background(element, palette: Palette) -> Optional[str]:
    bg = element.find(f"{P}cSld/{P}bg")
    if bg is None:
        return None
    props = bg.find(f"{P}bgPr")
    if props is not None:
        solid = props.find(f"{A}solidFill")
        if solid is not None:
            return palette.of(solid)
        stop = props.find(f"{A}gradFill/{A}gsLst/{A}gs")
        return palette.of(stop)
    return palette.of(bg.find(f"{P}bgRef"))


def _rules(element, palette: Palette) -> list[Rule]:
    """The solid-filled rectangles (not placeholders) of a master or layout's shape tree, in drawing order."""
    out = []
    for sp in element.findall(f"{P}cSld/{P}spTree/{P}sp"):
        if sp.find(f"{P}nvSpPr/{P}nvPr/{P}ph") is not None:
            continue
        props = sp.find(f"{P}spPr")
        geom = props.find(f"{A}prstGeom") if props is not None else None
        off, ext = (props.find(f"{A}xfrm/{A}{t}") if props is not None else None for t in ("off", "ext"))
        fill = palette.of(props.find(f"{A}solidFill")) if props is not None else None
        if geom is None or geom.get("prst") != "rect" or off is None or ext is None or fill is None:
            continue
        out.append(Rule(int(off.get("x")) / EMU_PER_PT, int(off.get("y")) / EMU_PER_PT,
                        int(ext.get("cx")) / EMU_PER_PT, int(ext.get("cy")) / EMU_PER_PT, fill))
    return out


# ---------------------------------------------------------------- text
def _first(sources: list, n: int, path: str, attr: Optional[str] = None):
    """The first ``lvl{n}pPr{path}`` node (or its ``attr``) along ``sources`` (a:lstStyle-like elements)."""
    for source in sources:
        node = source.find(f"{A}lvl{n}pPr{path}")
        if node is not None and (attr is None or node.get(attr) is not None):
            return node if attr is None else node.get(attr)
    return None


def _text_look(shape, master, palette: Palette, defaults) -> TextLook:
    """The :class:`TextLook` of layout placeholder ``shape`` (None: the master's body placeholder)."""
    kind = ph_type(shape) if shape is not None else "body"
    master_ph = _master_placeholder(master, kind)
    chain = [el for el in (shape._element if shape is not None else None,
                           master_ph._element if master_ph is not None else None) if el is not None]
    sources = [el.find(f"{P}txBody/{A}lstStyle") for el in chain]
    styles = master._element.find(f"{P}txStyles")
    style = "titleStyle" if kind in ("title", "ctrTitle") else "otherStyle" if kind in FOOTER_TYPES else "bodyStyle"
    sources.append(styles.find(f"{P}{style}") if styles is not None else None)
    sources.append(defaults)
    sources = [s for s in sources if s is not None]
    colours, align, indent, bullets, bullet_colours = [], [], [], [], []
    for n in range(1, 10):
        colour = palette.of(_first(sources, n, f"/{A}defRPr/{A}solidFill")) or palette.named("tx1")
        colours.append(colour)
        align.append(ALIGN.get(_first(sources, n, "", "algn") or "l", "left"))
        indent.append(int(_first(sources, n, "", "indent") or 0) / EMU_PER_PT)
        none = _first(sources, n, f"/{A}buNone")
        char = _first(sources, n, f"/{A}buChar", "char")
        bullets.append("" if none is not None and (char is None or _before(sources, n, "buNone", "buChar"))
                       else char or "")
        bullet_colours.append(palette.of(_first(sources, n, f"/{A}buClr")) or colour)
    anchor = "top"
    for el in chain:
        body = el.find(f"{P}txBody/{A}bodyPr")
        if body is not None and body.get("anchor"):
            anchor = ANCHOR.get(body.get("anchor"), "top")
            break
    return TextLook(tuple(colours), tuple(align), tuple(indent), tuple(bullets), tuple(bullet_colours), anchor)


def _before(sources: list, n: int, first: str, second: str) -> bool:
    """Whether ``first`` (e.g. buNone) is met before ``second`` (buChar) along ``sources`` at level ``n``."""
    for source in sources:
        level = source.find(f"{A}lvl{n}pPr")
        if level is None:
            continue
        if level.find(f"{A}{first}") is not None:
            return True
        if level.find(f"{A}{second}") is not None:
            return False
    return False


def deck_look(prs, choices: dict) -> DeckLook:
    """Read the look of every slide role of ``prs`` (python-pptx Presentation) whose layouts ``choices``
    (:func:`coursepress.writers.deck.layouts.resolve`) names."""
    defaults = prs.part._element.find(f"{P}defaultTextStyle")
    layouts: dict[str, LayoutLook] = {}
    palette = theme_palette(prs.slide_masters[0])
    for role, choice in choices.items():
        layout = choice.layout
        master = layout.slide_master
        palette = theme_palette(master)
        background = _background(layout._element, palette) or _background(master._element, palette) \
            or palette.named("bg1")
        rules = [] if layout._element.get("showMasterSp") in ("0", "false") else _rules(master._element, palette)
        rules += _rules(layout._element, palette)
        texts = {name: _text_look(shape, master, palette, defaults) for name, shape in choice.slots.items()}
        for shape in choice.footers:
            texts[FOOTER_TYPES[ph_type(shape)]] = _text_look(shape, master, palette, defaults)
        layouts[role] = LayoutLook(background, tuple(rules), texts)
    colours = dict(palette.scheme)
    colours.update({k: palette.named(k) for k in DEFAULT_MAP})
    return DeckLook(int(prs.slide_width) / EMU_PER_PT, int(prs.slide_height) / EMU_PER_PT, colours, layouts)
