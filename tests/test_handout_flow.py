"""Issue 16 leftovers in the handout: run-in deep heads, page flow (no holes before a moved figure or
table, no heading as a page's last line), punctuation compression across inline markup and at line
edges. Everything is read back from the PDF (pdfium character boxes, pypdf outline)."""

from __future__ import annotations

import collections
import textwrap
from pathlib import Path

import pypdfium2 as pdfium

from conftest import run_build
from pdfread import outline


def build_pdf(root: Path, *extra: str) -> Path:
    out = root / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out), *extra)
    assert result.code == 0 and not result.err.strip(), result.err
    return next(out.glob("*.pdf"))


def with_course(root: Path, extra: str) -> Path:
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + textwrap.dedent(extra), encoding="utf-8")
    return root


def chars(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, char, left, right, bottom, top) in pt of each visible character, in text order."""
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for number in range(len(doc)):
            text = doc[number].get_textpage()
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.isspace():
                    continue
                left, bottom, right, top = text.get_charbox(i, loose=True)
                out.append((number, char, left, right, round(bottom, 1), round(top, 1)))
    finally:
        doc.close()
    return out


def lines_of(pdf: Path) -> dict[tuple[int, float], str]:
    """Text of each line, keyed by (page, bottom of its loose boxes)."""
    rows: dict[tuple[int, float], list] = collections.defaultdict(list)
    for page, char, left, _right, bottom, _top in chars(pdf):
        rows[(page, bottom)].append((left, char))
    return {key: "".join(c for _, c in sorted(row)) for key, row in rows.items()}


# ---------------------------------------------------------------- run-in deep heads

RUN_IN = """---
title: 层级
---

# 部分

## 一节

### 小节标题

小节正文写在这里。

#### 四级标题

四级正文写在这里。

##### 五级标题 {#deep}

五级正文紧跟标题，见[](#deep)。

##### 五级列表头

- 列表项一
"""


def test_heads_deeper_than_number_depth_run_in_at_their_paragraph(make_project):
    root = with_course(make_project(lecture=RUN_IN), "handout:\n  number_depth: 3\n")
    pdf = build_pdf(root)
    texts = list(lines_of(pdf).values())
    assert "1.1.1小节标题" in texts and "小节正文写在这里。" in texts          # numbered: a block head
    assert "四级标题四级正文写在这里。" in texts                               # deeper: run in
    assert any(text.startswith("五级标题五级正文紧跟标题，见") for text in texts)
    assert "五级列表头" in texts            # no paragraph follows (a list): stays a head of its own
    titles = [title for _depth, title, _page in outline(pdf)]
    assert {"1.1.1 小节标题", "四级标题", "五级标题", "五级列表头"} <= set(titles), titles
