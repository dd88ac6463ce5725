"""``watch`` re-reads only the lecture that changed (issue 20): loads with the ``parsed`` dict a watch keeps
across rounds, counting how often a lecture file is read into a document model."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

OTHER = """\
---
title: 第二讲
---

# 第二讲

这一段引用了一个没有定义的脚注[^missing]。

![方块](../images/square.png)
"""


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def _load(root: Path, parsed: dict):
    from coursepress.load import load_project
    from coursepress.project import locate

    _project, course, problems = load_project(locate(root), parsed=parsed)
    return course, [w.message for w in problems.warnings]


def test_a_watch_round_reads_only_the_changed_lecture(make_project, monkeypatch):
    from coursepress.reader import LectureReader

    root = make_project(files={"content/lectures/second.md": OTHER, "content/images/square.png": _png((200, 0, 0))})
    reads: list[str] = []
    upstream = LectureReader.read
    monkeypatch.setattr(LectureReader, "read", lambda self: reads.append(self.path.stem) or upstream(self))
    parsed: dict = {}

    course, warnings = _load(root, parsed)
    assert sorted(reads) == ["intro", "second"]
    assert any("missing" in w for w in warnings)
    second = course.lecture("second")

    course, again = _load(root, parsed)                   # nothing saved: nothing read, the same warnings
    assert sorted(reads) == ["intro", "second"]
    assert again == warnings and course.lecture("second") is second

    intro = root / "content/lectures/intro.md"            # a one-line edit of one lecture
    intro.write_text(intro.read_text(encoding="utf-8") + "\n新加的一句话。\n", encoding="utf-8")
    course, _ = _load(root, parsed)
    assert sorted(reads) == ["intro", "intro", "second"]
    assert course.lecture("second") is second
    assert "新加的一句话" in repr(course.lecture("intro"))

    (root / "content/images/square.png").write_bytes(_png((0, 0, 200)))     # what a lecture reads: all again
    course, _ = _load(root, parsed)
    assert sorted(reads) == ["intro", "intro", "intro", "second", "second"]
    assert course.lecture("second") is not second

    _load(root, None)                                     # a build without a watch reads every lecture
    assert len(reads) == 7
