"""``watch`` keeps each handout's layout between rounds (:mod:`coursepress.writers.relayout`): a layout
holds the whole box tree of its lecture, so one kept for a lecture that is gone must not stay in memory
for the rest of the watch (issue 20, second reading)."""

from __future__ import annotations

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
