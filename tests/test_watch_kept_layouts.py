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
