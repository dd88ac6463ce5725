"""A layout pass does not make the contents page again only because the page total changed
(coursepress.writers.pagecounts, issue 20): a document with a contents page of page numbers, a running
footer with the page total and a paragraph on the last page that shows the total gives WeasyPrint's own PDF bytes and the
right numbers, while its contents page is made twice (targets unknown, then known), not three times."""

from __future__ import annotations

import io
from pathlib import Path

from coursepress import patches

HTML = """<html lang="zh"><head><style>
@page { size: A6; margin: 12mm 10mm; @bottom-right { content: counter(page) " / " counter(pages) } }
body { font-family: "Noto Serif CJK SC"; font-size: 9pt }
.toc a { display: block }
.toc a::after { content: leader(".") target-counter(attr(href), page) }
.total::after { content: "（共 " counter(pages) " 页）" }
h2 { break-before: page }
</style></head><body>
<nav class="toc"><a href="#a">甲节</a><a href="#b">乙节</a><a href="#c">丙节</a></nav>
%s
<p class="total">本文</p>
</body></html>""" % "\n".join(f'<h2 id="{k}">{k} 节</h2>' + "<p>正文段落。</p>" * 30 for k in "abc")


def _render(weasyprint, named: bool = True):
    """(PDF bytes, page texts, how many times each page was made); ``named``: the contents page's look-ups
    filed under their targets' names first, as the handout's layout files them (writers.pagetargets)."""
    import weasyprint.document as document_module
    import weasyprint.layout.page as page_module
    from pypdf import PdfReader

    from coursepress.writers.pagetargets import name_targets

    made: dict[int, int] = {}
    real, real_layout = page_module.remake_page, document_module.layout_document

    def remake_page(index, *args):
        made[index] = made.get(index, 0) + 1
        return real(index, *args)

    def layout_document(html, root_box, context, *args, **kwargs):
        if named:
            name_targets(context.target_collector)
        return real_layout(html, root_box, context, *args, **kwargs)

    page_module.remake_page, document_module.layout_document = remake_page, layout_document
    try:
        pdf = weasyprint.HTML(string=HTML).render().write_pdf(pdf_identifier=b"x")
    finally:
        page_module.remake_page, document_module.layout_document = real, real_layout
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return pdf, texts, made


def test_the_contents_page_is_made_again_only_for_its_page_numbers(monkeypatch):
    import weasyprint.layout as layout

    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    pdf, texts, made = _render(weasyprint)
    total = len(texts)
    assert total >= 7
    first = [n for n, text in enumerate(texts) if "a 节" in text][0] + 1
    assert f"{first}" in texts[0].split("甲节")[1].split("乙节")[0]        # the contents page's numbers
    assert f"共 {total} 页" in texts[-1] and texts[-1].strip().endswith(f"{total} / {total}")
    monkeypatch.setattr(layout, "make_all_pages", patches.original("weasyprint.layout.make_all_pages"))
    upstream_pdf, upstream_texts, upstream_made = _render(weasyprint)
    assert upstream_made[0] == 3                  # upstream: unknown targets, known targets, the total
    assert made[0] == 2
    assert texts == upstream_texts
    assert pdf == upstream_pdf


def test_a_contents_page_whose_targets_weasyprint_files_under_none_still_gets_its_numbers():
    """Without the handout's naming of the targets, WeasyPrint learns the contents page's numbers only in the
    pass for the page total; that pass is kept."""
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    _pdf, texts, made = _render(weasyprint, named=False)
    first = [n for n, text in enumerate(texts) if "a 节" in text][0] + 1
    assert f"{first}" in texts[0].split("甲节")[1].split("乙节")[0]
    assert made[0] == 3
