"""WeasyPrint's layout helpers with their common case first (coursepress.writers.layoutfast) lay a page out
as WeasyPrint's own do: percentages, calc(), auto sizes, floats, absolute and running elements and
footnotes give the same PDF bytes with and without them."""

from __future__ import annotations

from pathlib import Path

from coursepress import patches

HTML = """<html><head><style>
@page { size: A5; margin: 10%%; @top-center { content: element(head) } }
header { position: running(head) }
.box { width: 60%%; margin: 2em 5%% 1em calc(10px + 2%%); padding: 3%% 1em; min-width: auto; max-width: 90%% }
.float { float: right; width: 30%%; height: 4em; background: #ccc }
.abs { position: absolute; top: 10%%; left: 50%%; width: 20mm; height: 5mm; background: #999 }
.note { float: footnote }
table { width: 100%%; border-collapse: collapse } td { border: 1px solid; padding: 2px; width: 25%% }
.tall { height: 50%%; min-height: 10mm; max-height: calc(100%% - 1em) }
</style></head><body><header>Running head</header>
<div class="box"><div class="float">float</div><p>Text beside a float. %s</p></div>
<div class="abs">abs</div>
<p>A paragraph with a note<span class="note">The note's text.</span> and more words. %s</p>
<table><tr><td>a</td><td>b 50%%</td><td>c</td><td>d</td></tr></table>
<div class="tall">tall</div><p>%s</p></body></html>""" % ("word " * 60, "text " * 40, "end " * 300)


def test_layout_with_the_shortcuts_is_byte_for_byte_weasyprints(monkeypatch):
    from coursepress.writers.pdfengine import import_weasyprint

    weasyprint = import_weasyprint(Path(__file__).resolve().parents[1])
    from weasyprint.formatting_structure.boxes import Box
    from weasyprint.layout import inline, percent, table

    upstream = patches.original("weasyprint.layout.percent.resolve_one_percentage")
    slow: list[str] = []

    def counting(box, name, refer_to):
        slow.append(name)
        return upstream(box, name, refer_to)

    from coursepress.writers import layoutfast
    from weasyprint.css.properties import Dimension

    fast = layoutfast.make_resolve_one(counting, Dimension)
    every: list[str] = []

    def resolve(box, name, refer_to):
        every.append(name)
        return fast(box, name, refer_to)

    monkeypatch.setattr(percent, "resolve_one_percentage", resolve)
    assert Box.is_in_normal_flow is not patches.original("weasyprint.formatting_structure.boxes.Box.is_in_normal_flow")
    document = weasyprint.HTML(string=HTML).render()
    ours = document.write_pdf(pdf_identifier=b"x")

    for module in (percent, inline, table):
        monkeypatch.setattr(module, "resolve_one_percentage", upstream)
    monkeypatch.setattr(Box, "is_in_normal_flow",
                        patches.original("weasyprint.formatting_structure.boxes.Box.is_in_normal_flow"))
    theirs = weasyprint.HTML(string=HTML).render().write_pdf(pdf_identifier=b"x")
    assert len(document.pages) >= 2
    assert ours == theirs
    # the uncommon cases (auto, calc()) went to WeasyPrint's function, the px and % ones did not
    assert "width" in slow and 0 < len(slow) < len(every) / 2


def test_normal_flow_answers_as_weasyprint_for_each_scheme():
    from coursepress.writers import layoutfast

    patches.apply_layout_shortcuts()
    upstream = patches.original("weasyprint.formatting_structure.boxes.Box.is_in_normal_flow")
    fast = layoutfast.make_in_normal_flow()

    class Styled:
        is_floated = patches.original("weasyprint.formatting_structure.boxes.Box.is_floated")
        is_footnote = patches.original("weasyprint.formatting_structure.boxes.Box.is_footnote")
        is_note = patches.original("weasyprint.formatting_structure.boxes.Box.is_note")
        is_absolutely_positioned = patches.original("weasyprint.formatting_structure.boxes.Box.is_absolutely_positioned")
        is_running = patches.original("weasyprint.formatting_structure.boxes.Box.is_running")

        def __init__(self, floating, position):
            self.style = {"float": floating, "position": position}

    for floating in ("none", "left", "right", "inline-start", "inline-end", "footnote"):
        for position in ("static", "relative", "absolute", "fixed", ("running()", "head"), ("note()", "n")):
            box = Styled(floating, position)
            assert fast(box) == upstream(box), (floating, position)
