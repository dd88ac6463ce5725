"""A figure that ends its section and does not fit is lifted to the top of the page with the hole while the pages
are made (issue 20, coursepress.writers.pagelift), also when that page carries a footnote: no page is laid out
again after the first layout, no hole is left, and every paragraph, the footnote and the picture are in the PDF
once, in order. Read back from the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_handout_flow import chars, flow_lecture, holes_before_figures, page_report, tall_png


def _lecture(note: bool) -> str:
    """A section of 12 paragraphs, the figure, one more paragraph and the next section's head (so no text may
    run up past the figure), the last paragraphs before the figure carrying a footnote when ``note``."""
    lecture = flow_lecture(12, 1, True)
    if note:
        lecture = lecture.replace("段11：", "段11：脚注在此[^n]", 1) + "\n[^n]: 一条脚注的文字。\n"
    return lecture


@pytest.mark.parametrize("note", [False, True])
def test_a_figure_before_a_head_is_lifted_in_the_first_layout(make_project, monkeypatch, note):
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout, pageflow

    lecture = _lecture(note)
    root = make_project(lecture=lecture, files={"content/lectures/images/tall.png": tall_png()})
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    rounds: list = []
    upstream = pageflow._relayout
    monkeypatch.setattr(pageflow, "_relayout", lambda *args: rounds.append(args) or upstream(*args))
    project, course, _problems = load_project(locate(root))
    result = handout.write(project, course, Target("pdf", "intro", "intro.pdf"), BuildSettings(out_dir=root / "out"))
    assert result.warnings == []
    assert rounds == []                                     # no second layout after the first
    pdf = Path(result.path)
    assert holes_before_figures(pdf) == []
    report = page_report(pdf)
    with_picture = [n for n, page in enumerate(report) if page["pictures"]]
    assert len(with_picture) == 1                           # the figure, once
    picture_bottom = report[with_picture[0]]["pictures"][0][1]
    found = chars(pdf)
    text = "".join(c[1] for c in found)
    under = [int(m.group(1)) for m in re.finditer(r"段(\d+)：", text)
             if found[m.start()][0] == with_picture[0] and found[m.start()][5] < picture_bottom]
    assert under and max(under) < 12                        # paragraphs written before the figure, set under it
    assert [int(k) for k in re.findall(r"段(\d+)：", text)] == list(range(13)) + [99, 100]
    assert text.count("一张很高的图") == 1
    if note:
        assert text.count("一条脚注的文字") == 1
