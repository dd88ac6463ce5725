"""The elements inside an inline ``<svg>`` are neither cascaded nor boxed (coursepress.writers.inlinesvg, issue
20): a page with two inline SVG drawings (text, shapes, a group with an id, a nested ``<svg>``) and HTML around
them gives WeasyPrint's own PDF bytes and text, while no style is computed and no box made for any element
inside an ``<svg>``."""

from __future__ import annotations

from pathlib import Path

from coursepress import patches

SVG_NS = "{http://www.w3.org/2000/svg}"

HTML = """<html lang="zh"><head><style>
@page { size: A6; margin: 10mm }
body { font-family: "Noto Serif CJK SC"; font-size: 9pt }
.chart { width: 60mm; height: auto }
text { fill: rgb(200, 0, 0) }
</style></head><body>
<p>图前的文字。</p>
<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" role="img" aria-label="柱状图">
<title>柱状图</title>
<g id="bars"><rect x="10" y="20" width="30" height="70" fill="#1f4e8c"/>
<rect x="60" y="40" width="30" height="50" fill="#2f8a57"/></g>
<line x1="0" y1="90" x2="200" y2="90" stroke="#555"/>
<text x="25" y="98" text-anchor="middle" font-size="9">甲</text>
<text x="75" y="98" text-anchor="middle" font-size="9">乙 <tspan font-weight="bold">B</tspan></text>
<svg x="120" y="10" width="60" height="60" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#d08a1d"/></svg>
</svg>
<p>两图之间。<svg width="12" height="12" xmlns="http://www.w3.org/2000/svg"><circle cx="6" cy="6" r="5"/></svg>行内。</p>
<p>图后的文字。</p>
</body></html>"""


def _render(weasyprint):
    """(PDF bytes, text of the page, tags of the elements styled, tags of the elements made into boxes)."""
    from weasyprint.css import StyleFor
    from weasyprint.formatting_structure import build

    styled: list = []
    boxed: list = []
    real_init, real_box = StyleFor.__init__, build.element_to_box

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        styled.append(self)

    def element_to_box(element, *args, **kwargs):
        made = real_box(element, *args, **kwargs)
        boxed.extend(box.element_tag for box in made[:1])
        return made

    StyleFor.__init__ = init
    build.element_to_box = element_to_box
    try:
        document = weasyprint.HTML(string=HTML).render()
    finally:
        StyleFor.__init__, build.element_to_box = real_init, real_box
    pdf = document.write_pdf(pdf_identifier=b"x")
    from pypdf import PdfReader
    import io

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    tags = [element.tag for element, pseudo in styled[0]._computed_styles if pseudo is None and hasattr(element, "tag")]
    return pdf, text, tags, boxed


def test_inline_svg_is_drawn_as_weasyprint_draws_it_without_styles_or_boxes_inside(monkeypatch):
    from weasyprint.formatting_structure import build

    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    pdf, text, styled, boxed = _render(weasyprint)
    assert [tag for tag in styled if tag.startswith(SVG_NS)] == [f"{SVG_NS}svg", f"{SVG_NS}svg"]
    assert [tag for tag in boxed if tag.startswith(SVG_NS)] == [f"{SVG_NS}svg", f"{SVG_NS}svg"]   # replaced boxes
    for name in ("__init__", "__call__"):
        monkeypatch.setattr(weasyprint.css.StyleFor, name, patches.original(f"weasyprint.css.StyleFor.{name}"))
    monkeypatch.setattr(build, "element_to_box", patches.original("weasyprint.formatting_structure.build.element_to_box"))
    upstream_pdf, upstream_text, upstream_styled, _boxed = _render(weasyprint)
    assert len([tag for tag in upstream_styled if tag.startswith(SVG_NS)]) >= 10    # upstream styles them all
    assert len([tag for tag in _boxed if tag.startswith(SVG_NS)]) >= 10
    assert "甲" in text and "乙" in text and "图后的文字" in text
    assert text == upstream_text
    assert pdf == upstream_pdf
