"""Pango font descriptions made once per distinct font style (coursepress.writers.fontdesc, issue 20): text set
in many families, weights, styles, sizes, small caps and variation settings gives the PDF bytes WeasyPrint's own
``get_font_description`` gives, while far fewer descriptions are made than text layouts set up."""

from __future__ import annotations

from pathlib import Path

from coursepress import patches

HTML = """<html><head><style>
@page { size: A6; margin: 8mm }
body { font-family: "Noto Serif CJK SC"; font-size: 10pt }
.sans { font-family: "Noto Sans CJK SC", sans-serif } .mono { font-family: "DejaVu Sans Mono", monospace }
.b { font-weight: bold } .i { font-style: italic } .big { font-size: 14pt } .small { font-size: 7.5pt }
.caps { font-variant-caps: small-caps } .wide { font-stretch: expanded } .var { font-variation-settings: "wght" 650 }
.w3 { font-weight: 300 }
</style></head><body>
%s
</body></html>""" % "\n".join(
    f'<p class="{cls}">中文段落 {cls} text, numbers 12.5 and <b>bold</b>, <i>italic</i>, <code>code</code>.</p>'
    for cls in ("", "sans", "mono", "b", "i", "big", "small", "caps", "wide", "var", "w3", "sans b", "mono i big",
                "sans caps small", "b i var") * 3)


def _pdf(weasyprint) -> bytes:
    return weasyprint.HTML(string=HTML).render().write_pdf(pdf_identifier=b"x")


def test_descriptions_are_made_once_per_style_and_the_pdf_is_weasyprints(monkeypatch):
    from weasyprint.text import line_break

    from coursepress.writers import fontdesc
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    upstream = patches.original("weasyprint.text.fonts.get_font_description")
    assert line_break.get_font_description is not upstream
    made: list[int] = []
    asked: list[int] = []

    def counting(style):
        made.append(1)
        return upstream(style)

    memo = fontdesc.remembering(counting)

    def asking(style):
        asked.append(1)
        return memo(style)

    monkeypatch.setattr(line_break, "get_font_description", asking)
    ours = _pdf(weasyprint)
    assert len(asked) > 3 * len(made) and len(made) >= 10       # every distinct style made once, then given again
    monkeypatch.setattr(line_break, "get_font_description", upstream)
    assert ours == _pdf(weasyprint)
