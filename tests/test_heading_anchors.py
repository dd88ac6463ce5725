"""Links written for GitHub or Typora reach their heading: ``[见](#11-为什么需要注意力)`` for the heading
"## 1.1 为什么需要注意力" (the anchor GitHub makes: lower case, punctuation removed, spaces as hyphens), also
%-encoded as editors write them; a second heading of the same text is ``-1``. A fresh user's GitHub-style
chapter stopped the build at such a link ("reference to unknown id")."""

from __future__ import annotations

import pypdf

from coursepress import model as m
from coursepress.load import load_course
from coursepress.numbering import github_slug

from conftest import run_build

LECTURE = """---
title: 锚点
---

# 第一章

## 1.1 为什么需要注意力

正文一。

## Scaled Dot-Product Attention

正文二。

## 小结

正文三。

## 小结

正文四。

见[为什么](#11-为什么需要注意力)、[缩放点积](#scaled-dot-product-attention)、\
[编码的](#11-%E4%B8%BA%E4%BB%80%E4%B9%88%E9%9C%80%E8%A6%81%E6%B3%A8%E6%84%8F%E5%8A%9B)和[第二个小结](#小结-1)。
"""


def _hrefs(node, into: list[str]) -> list[str]:
    """Every link target under ``node`` (a model block or inline), in document order."""
    if isinstance(node, m.Link):
        into.append(node.href)
    for value in (vars(node).values() if hasattr(node, "__dict__") else ()):
        for item in value if isinstance(value, tuple) else (value,):
            if hasattr(item, "__dict__"):
                _hrefs(item, into)
    return into


def test_github_slug_follows_github():
    assert github_slug("1.1 为什么需要注意力") == "11-为什么需要注意力"
    assert github_slug("Scaled Dot-Product Attention!") == "scaled-dot-product-attention"
    assert github_slug("C++ 与 `std::vector`") == "c-与-stdvector"


def test_github_anchors_reach_their_headings(make_project, tmp_path):
    root = make_project(lecture=LECTURE)
    course, problems = load_course(root)
    assert not problems.errors, problems.errors
    sections = [s for top in course.lectures[0].sections for s in top.walk()]
    ident = {}
    for section in sections:
        ident.setdefault(m.plain_text(section.heading.children), []).append(section.heading.ident)
    hrefs = [h for section in sections for block in section.blocks for h in _hrefs(block, [])]
    assert hrefs == ["#" + ident["为什么需要注意力"][0], "#" + ident["Scaled Dot-Product Attention"][0],
                     "#" + ident["为什么需要注意力"][0], "#" + ident["小结"][1]]

    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert "unknown id" not in result.err
    reader = pypdf.PdfReader(str(out / "intro.pdf"))
    page = next(p for p in reader.pages if "第二个小结" in p.extract_text())     # the page of the four links
    internal = [a.get_object() for a in page.get("/Annots") or []
                if "/Dest" in a.get_object() or "/GoTo" in str(a.get_object().get("/A", {}))]
    assert len(internal) >= 4, "each of the four links is a link inside the handout"
