"""What a cold handout build keeps in memory (issue 20, sixth session): a page that layout made and then made
again is freed when it is dropped, although the build pauses Python's cyclic garbage collector
(coursepress.collector); read back from the page boxes WeasyPrint made, through weak references."""

from __future__ import annotations

import gc
import weakref
from collections import defaultdict

from test_handout_flow import flow_lecture, tall_png

from coursepress.load import load_project
from coursepress.project import locate
from coursepress.writers import BuildSettings, Target, handout


def test_a_page_made_again_is_freed_without_the_cyclic_collector(make_project, monkeypatch):
    """The hole before the tall figure makes pagefill make its page again, and the contents page is made
    again for its page numbers (a second pass of WeasyPrint's layout): with the collector off, every page
    made before its last make is gone once the PDF is written, every box of it; only the pages of the document remain."""
    import weasyprint.layout.page as page_module

    root = make_project(lecture=flow_lecture(12, 8, False), files={"content/lectures/images/tall.png": tall_png()})
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    project, course, _problems = load_project(locate(root))
    made: dict[int, list] = defaultdict(list)     # page index → per make, weak references to the page and its boxes
    upstream = page_module.remake_page

    def remake_page(index, context, root_box, html):
        page, resume_at = upstream(index, context, root_box, html)
        made[index].append([weakref.ref(box) for box in page.descendants()])
        return page, resume_at

    monkeypatch.setattr(page_module, "remake_page", remake_page)
    gc.collect()
    gc.disable()
    try:
        result = handout.write(project, course, Target("pdf", "intro", "intro.pdf"), BuildSettings(out_dir=root / "out"))
        assert result.warnings == []
        again = {index: makes for index, makes in made.items() if len(makes) > 1}
        assert len(again) >= 2, dict(made)           # the page with the hole, and the contents page at least
        alive = {index: [k for k, boxes in enumerate(makes[:-1]) if any(ref() is not None for ref in boxes)]
                 for index, makes in again.items()}
        assert not any(alive.values()), alive
    finally:
        gc.enable()
        gc.collect()
