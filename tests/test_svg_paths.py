"""SVG paths drawn again from memory (coursepress.writers.svgpaths): a page with the same formula-like SVG
twice, glyphs reused through <use>, markers and a path with units gives the bytes WeasyPrint's own drawing
gives, each picture is drawn at its place, and repeated data is parsed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursepress import patches

GLYPH = "M1 0L5 0C7 0 8 1.5 8 3.25S7 6.5 5 6.5H1Z M2 1 l2.5 0 q1 0 1 1 t-1 1 v2.5 h-2.5z"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90" height="30"'
       ' viewBox="0 0 30 10"><defs><path id="g" d="{glyph}"/><marker id="m" markerWidth="2" markerHeight="2"'
       ' refX="1" refY="1"><circle cx="1" cy="1" r="1"/></marker></defs>'
       '<use xlink:href="#g"/><use xlink:href="#g" x="10"/><use xlink:href="#g" x="20" y="2"/>'
       '<path d="M0 9 L10 8 A3 2 0 0 1 20 9" fill="none" stroke="black" stroke-width="0.3" marker-end="url(#m)"/>'
       '<path d="M0 0 L50% 1em" stroke="black" stroke-width="0.2"/></svg>').format(glyph=GLYPH)


def _document(weasyprint):
    html = (f'<p>before</p><p style="margin-left: 0">{SVG}</p><p>between</p>'
            f'<p style="margin-left: 300px">{SVG}</p><p>after</p>')
    return weasyprint.HTML(string=html).render()


def test_paths_drawn_from_memory_give_weasyprints_bytes_at_both_places(monkeypatch):
    from coursepress.writers import svgpaths
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    import weasyprint.svg as svg

    upstream = patches.original("weasyprint.svg.path.path")
    parsed: list[str] = []

    def counting(svg_, node, font_size):
        parsed.append(node.get("d"))
        return upstream(svg_, node, font_size)

    monkeypatch.setitem(svg.TAGS, "path", svgpaths.remembering(counting))
    remembered = _document(weasyprint).write_pdf(pdf_identifier=b"x")
    monkeypatch.setitem(svg.TAGS, "path", upstream)
    drawn = _document(weasyprint).write_pdf(pdf_identifier=b"x")
    assert remembered == drawn

    # the glyph is drawn 6 times (3 uses × 2 pictures) but parsed once; the path with units every time
    assert parsed.count(GLYPH) == 1
    assert parsed.count("M0 0 L50% 1em") == 2

    # each picture has ink inside its own laid-out box (CSS px → pt at a 72 dpi rendering: × 0.75)
    pdfium = pytest.importorskip("pypdfium2")
    bitmap = pdfium.PdfDocument(remembered)[0].render(scale=1).to_pil().convert("L")
    boxes = _picture_boxes(_document(weasyprint))
    assert len(boxes) == 2 and boxes[1][0] - boxes[0][0] > 250
    for x, y, width, height in boxes:
        inside = [bitmap.getpixel((int((x + i) * 0.75), int((y + j) * 0.75)))
                  for i in range(0, int(width)) for j in range(0, int(height))]
        assert sum(1 for value in inside if value < 128) > 0.15 * len(inside)


def _picture_boxes(document) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in CSS px of each replaced box on the first page."""
    found = []

    def walk(box) -> None:
        if type(box).__name__ in ("InlineReplacedBox", "BlockReplacedBox"):
            found.append((box.content_box_x(), box.content_box_y(), box.width, box.height))
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(patches.page_box(document.pages[0]))
    return found
