"""Holes a new user's chapter showed in the handout (issue 16 follow-up): a long code block split across
pages (an empty grey tail, or a long statement pushed whole to the next page) and figures that the page
float pass did not see (inside a list item). Read back from the PDF with pdfium: character boxes and the
filled rectangles of the code panel."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from test_handout_flow import FILLER, build_pdf, chars, holes_before_figures, page_report, tall_png

CODE_LINE_PT = 8.8 * 1.5          # handout.css: pre 8.8 pt, line-height 1.5
FOOT_PT = 20.5 * 2.835            # the footer band (as in test_handout_flow.page_report)


def method(k: int) -> str:
    return "\n".join([f"    def step_{k}(self, value):", f"        total_{k} = value + {k}",
                      f"        scaled_{k} = total_{k} * self.rate", f"        self.history.append(scaled_{k})",
                      f"        return scaled_{k}", ""])


def code_lecture(paragraphs: int) -> str:
    """A lecture whose 70-line code block starts part-way down a page: a short function, then a class of
    twelve methods (one top-level statement of 62 lines), then another short function; pages of text
    follow (a full page shows where the text area ends)."""
    code = ["def helper(x):", "    return x + 1", "", "",
            "class Accumulator:", '    """Keeps a running history."""', ""]
    code += [method(k) for k in range(12)]
    code += ["", "def finish(acc):", "    return acc.history[-1]"]
    body = ["---\ntitle: 代码\n---\n", "# 代码\n", "## 一个长例子\n"]
    body += [f"段{k}：" + FILLER * 2 + "\n" for k in range(paragraphs)]
    body += ["完整的实现如下：\n", "```python\n" + "\n".join(code) + "\n```\n"]
    body += [f"后{k}：" + FILLER * 2 + "\n" for k in range(30)]           # full pages of text after it
    return "\n".join(body)


def code_pages(pdf: Path) -> list[dict]:
    """Per page: ``code_bottom``, the bottom (pt, y up) of its lowest line of code (characters of the
    test's identifiers: ASCII letters, digits and punctuation set in the 8.8 pt face); ``panel_bottom``, the
    bottom of the lowest filled rectangle wider than 200 pt (the code panel) above the footer; ``text_bottom``,
    the bottom of its lowest body text line."""
    doc = pdfium.PdfDocument(str(pdf))
    report = []
    try:
        for number in range(len(doc)):
            page = doc[number]
            text = page.get_textpage()
            code, body = [], []
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.isspace():
                    continue
                _l, bottom, _r, top = text.get_charbox(i, loose=True)
                if bottom < FOOT_PT:
                    continue
                size = pdfium_c.FPDFText_GetFontSize(text.raw, i) * 0.75     # WeasyPrint draws in px (0.75 pt)
                (code if abs(size - 8.8) < 0.2 else body).append(bottom)
            panels = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])]
            panels = [box for box in panels if box[2] - box[0] > 200 and box[3] - box[1] > 5 and box[1] > FOOT_PT - 5]
            report.append({"code_bottom": min(code, default=None), "text_bottom": min(body + code, default=None),
                           "panel_bottom": min((box[1] for box in panels), default=None)})
    finally:
        doc.close()
    return report


def test_code_split_across_pages_leaves_no_empty_panel_and_no_long_hole(make_project):
    """The block breaks inside the 62-line class (between two methods), so the page it starts on is full
    to within one method (≤ 10 code lines, the theme's piece_lines); the grey panel on that page ends with
    its last line of code, not at the page's foot."""
    pdf = build_pdf(make_project(lecture=code_lecture(5)))
    report = code_pages(pdf)
    split = [n for n, page in enumerate(report[:-1]) if page["code_bottom"] and report[n + 1]["code_bottom"]]
    assert split, report
    full = min(page["text_bottom"] for page in report if page["text_bottom"])       # a full page's last line
    for n in split:
        page = report[n]
        assert page["panel_bottom"] is not None, page
        assert page["code_bottom"] - full <= 10 * CODE_LINE_PT + 2, (n + 1, page, full)   # no long hole
        # the panel ends with the piece's last line (and its blank lines, two at most), its 6 pt padding
        # and the descent
        assert page["code_bottom"] - page["panel_bottom"] < 2 * CODE_LINE_PT + 10, (n + 1, page)
    text = "".join(c[1] for c in chars(pdf))
    assert all(f"total_{k}=value+{k}" in text for k in range(12))                 # every line is there


# ---------------------------------------------------------------- a figure inside a list item near a page's end

def list_figure_lecture(before: int) -> str:
    """``before`` paragraphs, then a list whose second item holds a tall picture (indented under the item,
    as a user writes it), then more items and paragraphs: without the float pass the picture moves to the
    next page and leaves a hole, and the list's box, split there, hides it by reaching the page's foot."""
    body = ["---\ntitle: 列表里的图\n---\n", "# 第一部分\n", "## 图在列表里\n"]
    body += [f"段{k}：" + FILLER * 3 + "\n" for k in range(before)]
    items = [f"1. 项{0}：" + FILLER, f"2. 项{1}：如下图所示\n   ![列表里的高图](images/tall.png \"列表里的图\")"]
    items += [f"{k + 1}. 项{k}：" + FILLER for k in range(2, 9)]
    body.append("\n".join(items) + "\n")
    body += [f"段{k}：" + FILLER * 3 + "\n" for k in range(before, before + 6)]
    return "\n".join(body)


def test_figure_in_a_list_item_that_does_not_fit_leaves_no_hole(make_project):
    """The picture leaves its list (as LaTeX's floats do) for after it, and the items after it run up into
    the page: no page ends more than three lines early before a page that opens with a figure; the text
    keeps its order and the picture is there once."""
    import re

    for before in (4, 6):
        root = make_project(lecture=list_figure_lecture(before), files={"content/lectures/images/tall.png": tall_png()},
                            name=f"list{before}")
        pdf = build_pdf(root)
        assert holes_before_figures(pdf) == [], before
        assert sum(1 for page in page_report(pdf) if page["pictures"]) == 1
        text = "".join(c[1] for c in chars(pdf))
        assert [int(k) for k in re.findall(r"段(\d+)：", text)] == list(range(before + 6))
        assert [int(k) for k in re.findall(r"项(\d+)：", text)] == list(range(9))


# ---------------------------------------------------------------- a figure written as an HTML block

def test_html_block_figure_that_does_not_fit_leaves_no_hole(make_project):
    """``<div align=center><img …></div>`` (raw HTML on, as in Typora or GitHub) is a figure like ``![…](…)``:
    when it does not fit at a page's foot, the text after it runs up and no hole is left."""
    import re

    from test_handout_flow import with_course

    body = ["---\ntitle: HTML 图\n---\n", "# 第一部分\n", "## HTML 写的图\n"]
    body += [f"段{k}：" + FILLER * 3 + "\n" for k in range(5)]
    body.append('<div align=center><img src="images/tall.png" alt="HTML 写的高图"></div>\n')
    body += [f"段{k}：" + FILLER * 3 + "\n" for k in range(5, 12)]
    root = make_project(lecture="\n".join(body), files={"content/lectures/images/tall.png": tall_png()})
    pdf = build_pdf(with_course(root, "markdown:\n  raw_html: true\n"))
    assert holes_before_figures(pdf) == []
    assert sum(1 for page in page_report(pdf) if page["pictures"]) == 1
    text = "".join(c[1] for c in chars(pdf))
    assert [int(k) for k in re.findall(r"段(\d+)：", text)] == list(range(12))


def test_lead_in_stays_with_the_first_lines_of_its_code(make_project):
    """The code here starts where only its lead-in ("…如下：") fits at a page's foot: the lead-in goes to
    the next page with the block, rather than ending its page over an empty start of the block."""
    pdf = build_pdf(make_project(lecture=code_lecture(10)))
    pages: dict[int, str] = {}
    for page, char, *_box in chars(pdf):
        pages[page] = pages.get(page, "") + char
    lead = [page for page, text in pages.items() if "完整的实现如下" in text]
    code = [page for page, text in pages.items() if "defhelper(x):" in text]
    assert lead == code and len(lead) == 1, (lead, code)
