"""Only tables with a caption or an id are numbered (as in Pandoc and LaTeX): an uncaptioned table gets
no bare "Table 2" label and takes no number, so the numbers of the tables a text refers to ("see Table 2")
match their labels in the handout and on the slides."""

from __future__ import annotations

import re

import pypdf

from conftest import run_build
from coursepress.load import load_course

LECTURE = """\
# 一

见[](#tbl-a)与[](#tbl-m)。

| a | b |
|---|---|
| 1 | 2 |

| c | d |
|---|---|
| 3 | 4 |

Table: 第一张 {#tbl-a}

```{model-table}
```

```{model-table}
:id: tbl-m
```
"""


def test_only_captioned_or_identified_tables_are_numbered(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    course, _ = load_course(root)
    blocks = course.lectures[0].sections[0].blocks
    tables = [b for b in blocks if b.kind in ("table", "model_table")]
    assert [t.number for t in tables] == [0, 1, 0, 2]
    assert len({t.ident for t in tables}) == 4                      # every table keeps its own anchor
    assert [n.label for n in blocks[0].children if n.kind == "xref"] == ["表 1", "表 2"]
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path))
    assert result.code == 0 and result.err == "", result.err
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "intro.pdf").pages)
    labels = re.findall(r"表\s*(\d+)", text)
    assert sorted(labels) == ["1", "1", "2", "2"], text           # each: its cross-reference and its label
