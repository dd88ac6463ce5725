"""Pseudo-element styles made when a box asks for them (coursepress.writers.pseudostyles, issue 20): a document
with list markers, footnote calls and markers, ``::before``/``::after`` (one setting an anchor that a contents
entry points at) and rules of equal weight that only their order decides gives every element and
pseudo-element WeasyPrint's own computed style and WeasyPrint's own PDF bytes, while far fewer
pseudo-element styles are made than upstream makes."""

from __future__ import annotations

from pathlib import Path

from coursepress import patches

HTML = """<html lang="zh"><head><style>
@page { size: A6; margin: 10mm; @footnote { border-top: 0.5pt solid } }
body { font-family: "Noto Serif CJK SC"; font-size: 9pt }
li::marker { color: rgb(200, 0, 0) }
li::marker { color: rgb(0, 0, 200) }           /* same weight, later: wins */
ol li::marker { font-weight: bold }
.fn { float: footnote }
::footnote-call { color: rgb(0, 120, 0) }
::footnote-marker { content: counter(footnote) ".\\2002" }
.fn::footnote-call { font-weight: bold }
#one::before { content: "§ "; -weasy-anchor: "one-pseudo" }
p.note::after { content: " ↩"; color: rgb(90, 90, 90) }
.toc a { display: block }
.toc a::after { content: leader(".") target-counter(attr(href), page) }
</style></head><body>
<nav class="toc"><a href="#one">一</a><a href="#two">二</a></nav>
<h2 id="one">第一节</h2>
<p>正文<span class="fn">脚注一</span>继续。</p>
<ul><li>甲</li><li>乙<ol><li>子</li><li>丑</li></ol></li></ul>
<p class="note">说明<span class="fn">脚注二</span></p>
<h2 id="two" style="break-before: page">第二节</h2>
<ol start="3"><li>丙</li><li>丁</li></ol>
</body></html>"""

PSEUDO = ("before", "after", "marker", "footnote-call", "footnote-marker", "note-call", "note-marker",
          "note-callback", "first-letter", "first-line")
PROPERTIES = ("color", "content", "font_weight", "font_size", "display", "anchor", "vertical_align", "white_space")


def _styles(weasyprint):
    """(styles of every element and pseudo-element as (tag, pseudo, values), pseudo-element styles made, PDF)."""
    from weasyprint.css import StyleFor, get_all_computed_styles
    from weasyprint.css.targets import TargetCollector

    made: list[StyleFor] = []
    real_init = StyleFor.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self)

    StyleFor.__init__ = init
    try:
        document = weasyprint.HTML(string=HTML).render()
        pdf = document.write_pdf(pdf_identifier=b"x")
        html = weasyprint.HTML(string=HTML)
        style_for = get_all_computed_styles(html, target_collector=TargetCollector())
    finally:
        StyleFor.__init__ = real_init
    pseudo_made = sum(1 for element, pseudo in made[0]._computed_styles if pseudo and hasattr(element, "tag"))
    values = []
    for element in html.etree_element.iter():
        for pseudo in (None, *PSEUDO):
            style = style_for(element, pseudo)
            values.append((element.tag, pseudo, None if style is None else
                           tuple(repr(style[name]) for name in PROPERTIES)))
    return values, pseudo_made, pdf


def _upstream(monkeypatch):
    from weasyprint.css import StyleFor

    for name in ("__init__", "__call__"):
        monkeypatch.setattr(StyleFor, name, patches.original(f"weasyprint.css.StyleFor.{name}"))


def test_pseudo_element_styles_are_weasyprints_and_made_on_demand(monkeypatch):
    from weasyprint.css import StyleFor

    from coursepress.writers import pseudostyles
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    assert StyleFor.__init__ is pseudostyles.cascade
    ours, ours_made, ours_pdf = _styles(weasyprint)
    _upstream(monkeypatch)
    theirs, theirs_made, theirs_pdf = _styles(weasyprint)
    assert ours == theirs
    markers = [v for tag, pseudo, v in ours if tag == "li" and pseudo == "marker"]
    assert len(markers) == 6 and all("srgb 0.0 0.0 0.784" in v[0] for v in markers)   # the later rule won
    assert theirs_made >= 6 * 20 and ours_made * 5 < theirs_made
    assert ours_pdf == theirs_pdf


def test_an_anchor_on_a_pseudo_element_is_collected_while_the_cascade_runs():
    """A pseudo-element whose rule sets ``anchor`` is made during the cascade, as upstream makes every one, so
    WeasyPrint's target collector knows its anchor before any box is built."""
    from weasyprint.css.targets import TargetCollector

    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    collector = TargetCollector()
    html = weasyprint.HTML(string=HTML)
    from weasyprint.css import get_all_computed_styles

    get_all_computed_styles(html, target_collector=collector)
    assert "one-pseudo" in collector.target_lookup_items
