"""``watch`` keeps each handout's layout between rounds (:mod:`coursepress.writers.relayout`): a layout
holds the whole box tree of its lecture, so one kept for a lecture that is gone must not stay in memory
for the rest of the watch (issue 20, second reading)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from coursepress.errors import ContentErrors
from coursepress.load import load_project
from coursepress.pipeline import build
from coursepress.project import locate
from coursepress.writers import BuildSettings

SECOND = "---\ntitle: 第二讲 训练\n---\n\n# 数据\n\n训练数据来自网页与书籍。\n"


def _round(root, out, layouts: dict) -> list[str]:
    """One watch round's build of the handouts, one at a time in this process (as a round with nothing
    else to build); the paths it reported."""
    project, course, problems = load_project(locate(root, None))
    assert not problems.errors
    results = build(project, course, ["pdf"], BuildSettings(out_dir=out, layouts=layouts), together=False,
                    workers=1)
    return [result.path.name for result in results]


def test_the_layout_of_a_deleted_lecture_is_let_go(make_project, tmp_path):
    root = make_project(files={"content/lectures/second.md": SECOND})
    out = tmp_path / "out"
    layouts: dict = {}
    assert sorted(_round(root, out, layouts)) == ["intro.pdf", "second.pdf"]
    assert sorted(layouts) == ["pdf:intro", "pdf:second"]      # both kept for the next round

    (root / "content/lectures/second.md").unlink()
    reported = _round(root, out, layouts)
    assert "second.pdf" in reported and not (out / "second.pdf").exists()     # removed, as before
    assert sorted(layouts) == ["pdf:intro"]


def _children() -> list[str]:
    """The process ids of this process's children (Linux ``/proc``)."""
    me = Path(f"/proc/{os.getpid()}/task")
    return [pid for task in me.iterdir() for pid in (task / "children").read_text().split()]


def test_a_failed_handout_round_leaves_no_image_worker_running(make_project, tmp_path, monkeypatch):
    """``watch`` builds the handout in its own process: the image workers a failed round started (a
    picture to prepare, then a table past the page edge) end with the round, not at some later garbage
    collection."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))     # an empty image cache: the picture is prepared
    picture = io.BytesIO()
    Image.linear_gradient("L").resize((3000, 300)).convert("RGB").save(picture, "PNG")
    columns = 150
    table = ("| " + " | ".join(f"列{i}" for i in range(columns)) + " |\n|" + "---|" * columns + "\n"
             + "| " + " | ".join(f"值{i}" for i in range(columns)) + " |\n")
    root = make_project(lecture="---\ntitle: 宽\n---\n\n# 表\n\n![渐变](img/a.png)\n\n正文。\n\n" + table,
                        files={"content/lectures/img/a.png": picture.getvalue()})
    project, course, problems = load_project(locate(root, None))
    assert not problems.errors
    assert not _children()
    with pytest.raises(ContentErrors, match="past the page edge"):
        build(project, course, ["pdf"], BuildSettings(out_dir=tmp_path / "out", layouts={}), together=False,
              workers=1)
    assert (tmp_path / "cache").is_dir()        # the picture went to the workers (their cache)
    assert not _children()


def _live_tables() -> int:
    """WeasyPrint table boxes alive in this process (after a full garbage collection)."""
    import gc

    gc.collect()
    return sum(type(thing).__name__ == "TableBox" for thing in gc.get_objects())


def test_rounds_of_edits_beside_a_table_do_not_pile_up_the_earlier_rounds_boxes(make_project):
    """Each round that changes the paragraph before a table builds that table's box again; the layout kept
    between rounds must let the earlier round's go (WeasyPrint caches table widths by table box in the
    layout context the kept layout reuses: each box held its round's styles, ≈ 5 MB a round here)."""
    from test_watch_relayout import _handout_bytes, long_lecture

    table = "| 名称 | 参数量 |\n|---|---|\n" + "".join(f"| 模型{i} | {i}B |\n" for i in range(8))
    text = long_lecture(4)
    at = text.index("## 第3部分的小节")
    root = make_project(lecture=text[:at] + "改动0。\n\n" + table + "\n" + text[at:])
    lecture = root / "content/lectures/intro.md"
    layouts: dict = {}
    _handout_bytes(root, layouts)
    counts = []
    for n in range(1, 5):
        lecture.write_text(lecture.read_text(encoding="utf-8").replace(f"改动{n - 1}。", f"改动{n}。"), encoding="utf-8")
        _pdf, _pages, how = _handout_bytes(root, layouts)
        assert how.endswith("laid out again"), how          # the kept layout was used
        counts.append(_live_tables())
    assert counts == [counts[0]] * len(counts), counts
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("改动4。", "改动5。"), encoding="utf-8")
    again, _pages, how = _handout_bytes(root, layouts)
    assert how.endswith("laid out again"), how
    cold, _pages, _how = _handout_bytes(root, None)
    assert again == cold


def test_the_parsed_model_of_a_deleted_lecture_is_let_go(make_project):
    """``watch`` keeps each lecture's document model between rounds (:mod:`coursepress.lecturecache`;
    it holds the bytes of the lecture's pictures); a lecture deleted or renamed is not held on to."""
    from coursepress.lecturecache import KEPT

    root = make_project(files={"content/lectures/second.md": SECOND})
    parsed: dict = {}
    _project, course, _problems = load_project(locate(root, None), parsed=parsed)
    assert [lecture.name for lecture in course.lectures] == ["intro", "second"]
    assert sorted(path.name for path in parsed[KEPT]) == ["intro.md", "second.md"]
    (root / "content/lectures/second.md").rename(root / "content/lectures/training.md")
    _project, course, _problems = load_project(locate(root, None), parsed=parsed)
    assert [lecture.name for lecture in course.lectures] == ["intro", "training"]
    assert sorted(path.name for path in parsed[KEPT]) == ["intro.md", "training.md"]
