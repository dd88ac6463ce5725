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


def test_a_broken_image_found_on_a_thread_is_reported_in_every_round(make_project, monkeypatch, tmp_path):
    """New images are decoded on threads while the lectures are read; a truncated one is an error at the line
    naming it, in reading order among the other errors, and again in the next watch round (the lecture that
    names it, read without an error of its own, is not kept); also after WeasyPrint was imported."""
    import threading

    import pytest
    from PIL import ImageFile

    from coursepress.errors import ContentErrors

    from coursepress.writers.pdfengine import import_weasyprint

    import_weasyprint(Path(__file__).resolve().parent.parent)   # as in watch: its import lets Pillow accept truncated data
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    noise = io.BytesIO()
    Image.effect_noise((200, 150), 40).convert("RGB").save(noise, "PNG")     # header intact, pixel data cut
    broken = noise.getvalue()
    root = make_project(lecture="# 一\n\n![坏图](../images/broken.png)\n",
                        files={"content/images/broken.png": broken[:len(broken) // 2],
                               "content/lectures/second.md": "# 二\n\n![没有这张图](../images/none.png)\n"})
    threads = []
    upstream = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: threads.append(threading.current_thread().name) or upstream(self))
    parsed: dict = {}
    for _round in range(2):
        with pytest.raises(ContentErrors) as raised:
            _load(root, parsed)
        messages = [str(e) for e in raised.value.errors]
        assert len(messages) == 2, messages
        assert "intro.md:3" in messages[0] and "cannot be decoded" in messages[0]
        assert "second.md:3" in messages[1]
    assert threads and all(name.startswith("coursepress-decode") for name in threads)
