"""The contents page prints the page each heading is finally on, also when the page-float pass moved a
figure so that headings after it moved to another page (issue 20: the contents page kept the first
layout's numbers). Read back from the PDF: the number at the end of each contents line, the page its
link goes to, the outline's page for the heading and the page the heading's text is on."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from readback import loose_chars, norm, outline, page_texts
from test_handout_flow import build_pdf, holes_before_figures, paragraph, tall_png


def moved_heads_lecture(before: int = 12, after: int = 8, sections: int = 8, per: int = 3) -> str:
    """A tall figure that leaves a hole without page floats (``before``/``after``: paragraphs around it,
    as in test_handout_flow), then ``sections`` listed subsections of ``per`` paragraphs: filling the hole
    pulls the subsection heads after it up, some onto the page before. The paragraph before the figure
    has a footnote, so the hole is filled by the float pass's re-layout after the first layout (pagefill,
    which fills holes while the pages are first made, leaves pages with footnotes to it)."""
    body = ["---\ntitle: 版面\n---\n", "# 第一部分\n", "## 图在这里\n"]
    body += [paragraph(k) + ("[^note]" if k == before - 1 else "") + "\n" for k in range(before)]
    body.append('![高图](images/tall.png "一张很高的图"){#fig-tall}\n')
    body += [paragraph(k) + "\n" for k in range(before, before + after)]
    n = before + after
    for s in range(sections):
        body.append(f"## 小节{s}\n")
        body += [paragraph(n + k, 3) + "\n" for k in range(per)]
        n += per
    body.append("[^note]: 这条脚注让填补空白的工作留给版面的第二步。\n")
    return "\n".join(body)


def contents_entries(pdf: Path) -> list[tuple[str, str, int, int]]:
    """(text of the line, anchor it links to, page number printed at its end, page its link goes to:
    1-based) of each line of the contents page."""
    reader = pypdf.PdfReader(str(pdf))
    texts = page_texts(pdf)
    page = next(k for k, text in enumerate(texts) if "目录" in text)
    chars = [c for c in loose_chars(pdf) if c[0] == page]
    named = reader.named_destinations
    entries = {}
    for annot in reader.pages[page].get("/Annots") or []:
        annot = annot.get_object()
        name = str(annot.get("/Dest", ""))
        if not name or name in entries:
            continue
        _x0, y0, _x1, y1 = (float(v) for v in annot["/Rect"])
        low, high = min(y0, y1), max(y0, y1)
        line = "".join(c[1] for c in sorted((c for c in chars if low - 1 <= c[4] and c[5] <= high + 1),
                                            key=lambda c: c[2]))
        printed = re.search(r"(\d+)$", line)
        assert printed, (name, line)
        entries[name] = (norm(line), name, int(printed[1]), reader.get_destination_page_number(named[name]) + 1)
    return list(entries.values())


def test_contents_numbers_follow_headings_the_float_pass_moved(make_project):
    root = make_project(lecture=moved_heads_lecture(), files={"content/lectures/images/tall.png": tall_png()})
    pdf = build_pdf(root)
    assert holes_before_figures(pdf) == []           # the figure was moved: the float pass ran
    entries = contents_entries(pdf)
    texts = [norm(text) for text in page_texts(pdf)]
    heads = {norm(title): page + 1 for _depth, title, page in outline(pdf)}
    assert len(entries) == 10 and len(heads) == 10, (entries, heads)
    for line, name, printed, linked in entries:
        title = next(title for title in heads if line.startswith(title))
        assert printed == linked == heads[title], (line, name, printed, linked, heads[title])
        assert title in texts[printed - 1], (title, printed)
