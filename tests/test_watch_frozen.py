"""``watch`` moves a handout's kept layout out of the reach of Python's cyclic collector after laying it out
in full (``gc.freeze``), so later collections do not visit its million objects every few rounds; the next
full layout gives them back first (``gc.unfreeze``), so a layout no longer kept can be collected."""

from __future__ import annotations

import gc
import weakref

from test_watch_relayout import long_lecture


def _write(root, layouts: dict) -> str:
    from coursepress.load import load_project
    from coursepress.pipeline import run_job
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, writer

    project, course, problems = load_project(locate(root, None))
    assert not problems.errors
    target = writer("pdf").targets(project)[0]
    output = run_job(project, course, target, BuildSettings(out_dir=root / "out", verbose=True, layouts=layouts))
    return output.summary


def _collectable(obj) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_a_kept_layout_is_frozen_until_the_next_full_layout(make_project):
    root = make_project(lecture=long_lecture())
    lecture = root / "content/lectures/intro.md"
    layouts: dict = {}
    try:
        assert "laid out in full" in _write(root, layouts)
        first = next(iter(layouts.values())).layout.root_box
        assert not _collectable(first) and gc.get_freeze_count() > 0

        lecture.write_text(lecture.read_text(encoding="utf-8").replace("海量文本", "大量文本", 1), encoding="utf-8")
        assert "page(s) laid out again" in _write(root, layouts)
        assert next(iter(layouts.values())).layout.root_box is first and not _collectable(first)

        gone = [weakref.ref(first), weakref.ref(next(iter(layouts.values())).layout.context)]
        del first
        lecture.write_text(lecture.read_text(encoding="utf-8").replace("# 第2部分", "# 第二部分", 1), encoding="utf-8")
        assert "laid out in full" in _write(root, layouts)      # a heading the contents page lists
        gc.collect()
        assert [ref() for ref in gone] == [None, None], "the layout no longer kept stayed frozen"
        assert not _collectable(next(iter(layouts.values())).layout.root_box)
    finally:
        layouts.clear()
        gc.unfreeze()
