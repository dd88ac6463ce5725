"""Draw again, in a ``watch`` round, only the handout pages whose layout changed (issue 20).

A ``watch`` round keeps most page boxes of the last round (:mod:`.relayout`): WeasyPrint re-makes only
the pages an edit touches, and the others are the very same box objects. Drawing them again (WeasyPrint's
``Page.paint``: ≈ 0.5 s CPU for the 60-page benchmark chapter) would give the same content stream, so
:class:`DrawnPages` keeps what each page's drawing produced and, for a page whose boxes are the ones
drawn last round, puts it in again instead of drawing:

* the page's content-stream operators (the items ``paint`` appended to the page's ``pydyf`` stream);
* what drawing adds to the state the whole PDF shares, in the order the page added it: the fonts it
  used (WeasyPrint's ``document.fonts``, keyed by Pango font description), every glyph it showed with
  the text it stands for and its width (``Font.to_unicode``, ``Font.widths``: the font subsets, widths
  arrays and ``ToUnicode`` maps are made from them), the images it placed (the shared ``XObject``
  resources and image table, with each placement's resolution ratio), the alpha states it set
  (``ExtGState``), and its structure marks (the page's tags: box → marked-content id).

Put in again in page order, each addition only where the state lacks it (as drawing adds it), these give
the shared state, and so the PDF, a cold build gives: WeasyPrint adds a glyph's text and width, a font, an
alpha state or an image only when it is not there yet, so a page's additions are recorded against an empty
glyph table (every glyph it shows, not only those new to the PDF), and the table of the PDF is the same
whichever pages were drawn and which put in again. One thing a page reads from the pages before it: the
width of a glyph (in 1/1000 em, which its kerning operators are computed from) is measured where the PDF
first shows the glyph; a page is put in again only when each of its glyphs' widths is the one it drew with,
or is not measured yet and was measured by this page. Each round's PDF is compared byte for byte with a
cold build's (``tests/test_watch_relayout.py``).

A page is drawn (and its drawing recorded again) when its boxes are not those drawn last round (laid out
again), its running headers or footers differ (page numbers, running strings: compared by their text and
geometry), an image it shows is another one now, the links before it marked another number of boxes,
or the cache was made under other settings (image resolution, fonts: :meth:`DrawnPages.attach`). A page is
never put in again (always drawn) when its drawing made an object named by a running count of the shared
resources (opacity groups, patterns, shadings, graphic states: their names would shift with the pages
before), drew an SVG image or anything else a replaced box of the page does not hold as a raster image
(drawing an SVG changes its node tree: a second drawing differs from the first, so every page with one
is drawn, in order, as in a cold build), showed a glyph missing from its font (numbered by a count over
the PDF), or left the stream before it changed.

Reaches into WeasyPrint's drawing (pinned ``weasyprint>=70,<71``; what is relied on is hashed in
:data:`coursepress.patches.UPSTREAM`: ``Page.paint``, the stream's ``add_font``, ``add_image``,
``set_alpha``, ``add_group``, ``add_pattern``, ``add_shading``, ``set_state``, and ``draw_first_line``'s
use of the glyph tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..patches import page_box

_SPOILING = ("add_group", "add_pattern", "add_shading", "set_state")   # objects named by a running count


@dataclass
class _Drawing:
    """What drawing one page produced (see the module docstring); ``box``: the page box it was drawn from."""

    box: Any
    signature: tuple                    # (the page's flow boxes, text and geometry of its margin boxes)
    margins: list                       # the boxes of its margin boxes, in the order of the signature
    items: list                         # content-stream operators appended by ``paint``
    fonts: list                         # (font key, Pango font of its first use), first use first
    glyphs: list                        # (font key, [(glyph id, text, width in 1/1000 em, whether this page
    #                                     measured the width: no page before it showed the glyph)]), first use first
    images: list                        # (replaced box, image id, width px, height px, dpi, interpolate, ratio)
    alphas: list                        # (ExtGState key, "ca" or "CA", alpha), first use first
    tags_before: Optional[int]          # entries of the page's tag table before ``paint`` (links), None: untagged
    tags: list                          # (box, {"tag", "mcid"}) entries ``paint`` added


@dataclass
class _Log:
    """What a page's drawing asked of its stream, gathered while it draws."""

    fonts: dict = field(default_factory=dict)       # id(Font) → Pango font of its first use on the page
    images: list = field(default_factory=list)      # (image object, interpolate, ratio)
    alphas: dict = field(default_factory=dict)      # ExtGState key → ("ca" or "CA", alpha)
    spoiled: bool = False


def _margins(box: Any, into: list, boxes: list) -> None:
    """Append the type, geometry, text and image of ``box`` and of every box under it to ``into``, and the
    boxes to ``boxes``, in the same order."""
    stack = [box]
    while stack:
        item = stack.pop()
        into.append((type(item).__name__, item.position_x, item.position_y, item.width, item.height,
                     getattr(item, "text", None), getattr(getattr(item, "replacement", None), "id", None)))
        boxes.append(item)
        stack.extend(reversed(getattr(item, "children", None) or ()))


def signature(page_box: Any) -> tuple[tuple, list]:
    """What, besides the page box's own flow boxes, decides its drawing, and the boxes of its margin boxes.

    Returns ``((its non-margin children and their children, type, geometry, text and image of
    every box of its margin boxes), those margin boxes' boxes in the same order)``: the flow boxes are the
    same objects when the page was kept; the margin boxes (running headers, page numbers) are made again
    with every layout, so they are compared by what they show."""
    flow: list = []
    margins: list = []
    boxes: list = []
    for child in page_box.children:
        if type(child).__name__ == "MarginBox":
            _margins(child, margins, boxes)
        else:
            flow.append(child)          # the boxes themselves: an id could be a freed box's
            flow.extend(getattr(child, "children", None) or ())
    return (tuple(flow), tuple(margins)), boxes


def _replaced(page_box: Any) -> dict:
    """id(image object) → the replaced box showing it, for every replaced box of ``page_box``."""
    found: dict = {}
    stack = [page_box]
    while stack:
        box = stack.pop()
        image = getattr(box, "replacement", None)
        if image is not None:
            found[id(image)] = box
        stack.extend(getattr(box, "children", None) or ())
    return found


def settings_key(engine: Any) -> tuple:
    """What a page's drawing depends on beyond its boxes, for :meth:`DrawnPages.attach`: the resolution
    images are resampled to (``images:``), and the size and time of every font file the build uses
    (``engine``: a :class:`.pdfengine.PdfEngine`)."""
    files = []
    for face in getattr(engine, "faces", ()):
        try:
            stat = face.path.stat()
            files.append((str(face.path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            files.append((str(face.path), None, None))
    return getattr(engine, "_dpi", None), tuple(files)


class DrawnPages:
    """Each page's drawing from the last round, put in again for the pages whose boxes were kept.

    Use: :meth:`attach` to a ``weasyprint.Document`` before writing its PDF (``document.write_pdf``); after
    the write, :attr:`drawn` and :attr:`reused` count the pages drawn and put in again. Kept between
    ``watch`` rounds with the layout (:class:`.relayout.KeptLayout`).
    """

    def __init__(self) -> None:
        self._kept: dict[int, _Drawing] = {}      # id(page box) → its drawing, of the last written document
        self._made: dict[int, _Drawing] = {}
        self.key: Any = None                      # the settings the kept drawings were made under
        self.drawn = self.reused = 0

    def attach(self, document: Any, key: Any) -> None:
        """Have each page of ``document`` (a ``weasyprint.Document``) put in its last drawing, or draw and
        record it, when the PDF is written. ``key``: what else the drawings depend on (the image resolution
        setting, the font files); a different key than last round's drops every kept drawing."""
        if key != self.key:
            self._made = {}
        self._kept, self._made, self.key = self._made, {}, key
        self.drawn = self.reused = 0
        for page in document.pages:
            page.paint = self._painter(page)

    def _painter(self, page: Any):
        def paint(stream: Any, scale: float = 1) -> None:
            box = page_box(page)
            kept = self._kept.get(id(box))
            if kept is not None and kept.box is box and _put_in(kept, stream):
                self._made[id(box)] = kept
                self.reused += 1
                return
            drawing = _draw(page, stream, scale)
            self.drawn += 1
            if drawing is not None:
                self._made[id(box)] = drawing
        return paint


def _put_in(drawing: _Drawing, stream: Any) -> bool:
    """Put ``drawing`` into ``stream`` (a WeasyPrint page stream, nothing painted yet) and the state it shares
    with the other pages; False (nothing changed) when the page's boxes or images are not those drawn."""
    import pydyf

    tags = stream._tags
    now, margins = signature(drawing.box)
    if (None if tags is None else len(tags)) != drawing.tags_before or now != drawing.signature:
        return False
    # the margin boxes are new objects: their marks go to the boxes that show the same now
    renamed = {id(old): new for old, new in zip(drawing.margins, margins)}
    images = []
    for box, image_id, width, height, dpi, interpolate, ratio in drawing.images:
        image = getattr(box, "replacement", None)
        if (getattr(image, "id", None), getattr(image, "width", None), getattr(image, "height", None),
                getattr(image, "_dpi", None)) != (image_id, width, height, dpi):
            return False
        images.append((image, interpolate, ratio))
    kind = type(stream)
    fonts = stream._fonts
    for key, glyphs in drawing.glyphs:
        font = fonts.get(key)
        widths = font.widths if font is not None else {}
        for glyph, _text, width, own in glyphs:
            measured = widths.get(glyph)
            if measured is None and not own or measured is not None and measured != width:
                return False            # the page drew with a width an earlier page measured, another now
    for key, pango_font in drawing.fonts:
        if key not in fonts:
            kind.add_font(stream, pango_font)
    for key, glyphs in drawing.glyphs:
        font = fonts[key]
        to_unicode, widths = font.to_unicode, font.widths
        for glyph, text, width, _own in glyphs:
            if glyph not in to_unicode:
                to_unicode[glyph] = text
            if glyph not in widths:
                widths[glyph] = width
    states = stream._resources["ExtGState"]
    for key, name, alpha in drawing.alphas:
        if key not in states:
            states[key] = pydyf.Dictionary({name: alpha})
    for image, interpolate, ratio in images:
        kind.add_image(stream, image, interpolate, ratio)
    if tags is not None:
        for box, tag in drawing.tags:
            tags[renamed.get(id(box), box)] = dict(tag)
    stream.stream.extend(drawing.items)
    return True


def _listen(stream: Any, log: _Log) -> list[str]:
    """Have ``stream`` report to ``log`` what its page's drawing asks of it (instance attributes over the
    class's methods; returns their names, to be removed after)."""
    kind = type(stream)

    def add_font(pango_font):
        font, size = kind.add_font(stream, pango_font)
        log.fonts.setdefault(id(font), pango_font)
        return font, size

    def add_image(image, interpolate, ratio):
        log.images.append((image, interpolate, ratio))
        return kind.add_image(stream, image, interpolate, ratio)

    def set_alpha(alpha, stroke=False, fill=None):
        if stroke:
            log.alphas.setdefault(f"A{alpha}", ("CA", alpha))
        if not stroke if fill is None else fill:
            log.alphas.setdefault(f"a{alpha}", ("ca", alpha))
        return kind.set_alpha(stream, alpha, stroke, fill)

    def spoiling(name):
        method = getattr(kind, name)

        def call(*args, **kwargs):
            log.spoiled = True
            return method(stream, *args, **kwargs)
        return call

    listeners = dict(add_font=add_font, add_image=add_image, set_alpha=set_alpha,
                     **{name: spoiling(name) for name in _SPOILING})
    stream.__dict__.update(listeners)
    return list(listeners)


def _draw(page: Any, stream: Any, scale: float) -> Optional[_Drawing]:
    """Draw ``page`` (a ``weasyprint.document.Page``) into ``stream`` as WeasyPrint does, and return what it
    produced and added (a :class:`_Drawing`), or None when it may not be put in again (module docstring)."""
    fonts = stream._fonts
    tags = stream._tags
    before = len(stream.stream)
    last = stream.stream[-1] if before else None
    tags_before = None if tags is None else len(tags)
    missing = {id(font): len(font.missing) for font in fonts.values()}
    measured = {id(font): len(font.widths) for font in fonts.values()}
    tables = {id(font): font.to_unicode for font in fonts.values()}
    for font in fonts.values():
        font.to_unicode = {}            # the page's own: every glyph it shows, with the text of its first use
    log = _Log()
    names = _listen(stream, log)
    try:
        type(page).paint(page, stream, scale)
    finally:
        for name in names:
            del stream.__dict__[name]
        shown = {}
        for font in fonts.values():
            own, table = font.to_unicode, tables.get(id(font))
            if table is None:
                table = dict(own)           # a font first used on this page
            else:
                for glyph, text in own.items():
                    if glyph not in table:
                        table[glyph] = text
            font.to_unicode = table
            shown[id(font)] = own
    if log.spoiled or len(stream.stream) < before or (before and stream.stream[before - 1] is not last) or \
            any(len(font.missing) != missing.get(id(font), 0) for font in fonts.values()):
        return None
    root = page_box(page)
    boxes = _replaced(root)
    if {id(image) for image, _i, _r in log.images} != set(boxes):
        return None                     # an SVG, or an image not held by a replaced box (emoji)
    by_id = {id(font): (key, font) for key, font in fonts.items()}
    used = [(*by_id[font_id], pango_font) for font_id, pango_font in log.fonts.items()]
    glyphs = []
    for key, font, _pango in used:
        widths = font.widths
        if any(glyph not in widths for glyph in shown[id(font)]):
            return None
        own = set(list(widths)[measured.get(id(font), 0):])       # widths this page measured first
        glyphs.append((key, [(glyph, text, widths[glyph], glyph in own) for glyph, text in shown[id(font)].items()]))
    if sum(len(shown[id(font)]) for _k, font, _p in used) != sum(len(own) for own in shown.values()):
        return None                     # glyphs of a font the page did not ask for
    # A Pango font belongs to the layouts of the page's text boxes, which the kept page box holds
    kept_fonts = [(key, pango_font) for key, _font, pango_font in used]
    images = [(boxes[id(image)], image.id, image.width, image.height, getattr(image, "_dpi", None), interpolate, ratio)
              for image, interpolate, ratio in log.images]
    return _Drawing(root, *signature(root), stream.stream[before:], kept_fonts, glyphs, images,
                    [(key, name, alpha) for key, (name, alpha) in log.alphas.items()], tags_before,
                    [] if tags is None else [(box, dict(tag)) for box, tag in list(tags.items())[tags_before:]])
