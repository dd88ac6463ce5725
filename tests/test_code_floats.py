"""A figure or table next to a code block of many pages (issue 20, new-user trial: a table written before a
5,000-line code block was printed on page 100 of 100, under a running header saying the code continued).

A float moves to the next page at most (docs/content-format.md: it lets the text after it run on and
follows it), never past the continuation of a block that runs on for pages; content keeps its order; the
header says "code continued" exactly on the pages that open inside a code block."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from conftest import run_build

CONTINUED = "代码接上页"


def lecture(code_lines: int, paragraphs: int, table_first: bool = True, note: bool = False) -> str:
    code = "\n".join(f"x_{i} = compute({i})  # line {i}" for i in range(code_lines))
    cols = 20
    table = "\n".join(["| " + " | ".join(f"列{c}" for c in range(cols)) + " |", "|" + "---|" * cols]
                      + ["| " + " | ".join(f"{r}.{c}" for c in range(cols)) + " |" for r in range(12)])
    text = "\n\n".join("这是一段用来填充页面的正文文字，" * 8 for _ in range(paragraphs))
    if note:    # a page with a footnote: the hole is left to the float pass's rounds (pageflow.py)
        text += "[^n]\n\n[^n]: 页脚注释。"
    fence = f"```python\n{code}\n```"
    table = f"{table}\n\n: 宽表格 {{#tbl-wide}}"
    body = f"{table}\n\n{fence}" if table_first else f"{fence}\n\n{table}"
    return f"---\ntitle: 长代码\n---\n\n# 第一节\n\n{text}\n\n{body}\n\n表后的段落，见[](#tbl-wide)。\n\n# 第二节\n\n第二节的文字。\n"


def pages(pdf) -> list[tuple[str, list[str]]]:
    """(running header, body lines) of each page (pdfium puts the header and footer lines last)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            lines = [line.strip() for line in page.get_textpage().get_text_range().splitlines() if line.strip()]
            out.append((lines[-2], lines[:-2]))
        return out
    finally:
        doc.close()


def code_line(text: str) -> int:
    """The number of the code line ``text`` ("x_17 = compute(17) # line 17" → 17), or -1."""
    return int(text.split("(")[1].split(")")[0]) if text.startswith("x_") else -1


@pytest.mark.parametrize("code_lines, paragraphs, table_first, note", [
    (300, 4, True, False), (300, 10, True, False), (90, 3, True, False), (300, 4, False, False),
    (300, 4, True, True), (90, 3, True, True)])
def test_a_table_stays_by_a_long_code_block(make_project, tmp_path, code_lines, paragraphs, table_first, note):
    root = make_project(lecture=lecture(code_lines, paragraphs, table_first, note))
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    laid = pages(out / "intro.pdf")
    table = next(k for k, (_h, body) in enumerate(laid) if any(line.startswith("表 1") for line in body))
    code = [k for k, (_h, body) in enumerate(laid) if any(code_line(line) >= 0 for line in body)]
    text = [k for k, (_h, body) in enumerate(laid) if any(line.startswith("这是一段") for line in body)]
    if table_first:
        # at most the page after the text before it, and before the code's first line (source order)
        assert table <= text[-1] + 1, (table, text, code)
        first = next(k for k in code if any(code_line(line) == 0 for line in laid[k][1]))
        assert table <= first, (table, first)
    else:
        last = next(k for k in code if any(code_line(line) == code_lines - 1 for line in laid[k][1]))
        assert last <= table <= last + 1, (table, last)
    for k, (header, body) in enumerate(laid):
        opens_in_code = bool(body) and code_line(body[0]) > 0
        assert (CONTINUED in header) == opens_in_code, (k + 1, header, body[:2])


def test_the_float_pass_never_moves_a_float_past_more_than_the_next_page():
    """The float pass's rounds (pageflow.py; pages with footnotes, holes the first layout left): a move
    forward passes only text that ends on the next page (a code block of 5,000 px does not)."""
    from types import SimpleNamespace

    from coursepress.writers.pageflow import _forward

    class Element:
        def __init__(self, classes: str) -> None:
            self.classes = classes

        def get(self, name: str):
            return self.classes if name == "class" else None

    def box(tag: str, classes: str = "") -> SimpleNamespace:
        return SimpleNamespace(element_tag=tag, element=Element(classes))

    table, code, end, after = box("table"), box("pre", "code source"), box("div", "code-end"), box("p")
    parent = SimpleNamespace(children=[table, code, end, after])
    heights = {code.element: 5000.0, end.element: 0.0, after.element: 40.0}
    assert _forward(parent, 0, heights, need=100.0, past_heads=False, limit=900.0) is None
    assert _forward(parent, 0, heights, need=100.0, past_heads=False, partial=True, limit=900.0) is None
    heights[code.element] = 300.0            # a code block that ends on the next page may be passed,
    # and the float goes after the empty div that closes it (so its "code continued" header is cleared)
    assert _forward(parent, 0, heights, need=100.0, past_heads=False, limit=900.0) == 2
