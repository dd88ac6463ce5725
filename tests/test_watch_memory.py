"""``watch`` frees what each round leaves in reference cycles at the end of the round (issue 20): the
boxes of the pages laid out again, the round's HTML tree, styles and PDF objects are gone before the next
round, so memory stays flat over rounds instead of growing a round's worth each time until CPython's next
full collection (≈ every fifth round)."""

from __future__ import annotations

import gc
from collections import Counter

from test_watch_relayout import long_lecture

EDITS = [("海量文本", "大量文本"), ("人类语言", "自然语言"), ("大量文本", "许多文本"), ("自然语言", "人类语言")]


def _alive() -> Counter:
    """Objects the collector tracks (the frozen kept layout aside), by library: WeasyPrint's boxes and
    styles, the HTML parser's elements."""
    counts: Counter = Counter()
    for obj in gc.get_objects():
        module = type(obj).__module__
        if isinstance(module, str) and module.startswith(("weasyprint.formatting_structure", "weasyprint.css",
                                                          "tinyhtml5")):
            counts[module.split(".")[0]] += 1
    return counts


def test_a_watch_round_leaves_no_garbage_and_memory_does_not_grow(make_project, capsys):
    from coursepress import cli
    from coursepress.warnmemory import WarningMemory
    from coursepress.watch import build_round

    root = make_project(lecture=long_lecture())
    lecture = root / "content/lectures/intro.md"
    args = cli.parser().parse_args(["--project", str(root), "--out", str(root / "out"), "watch"])
    parsed: dict = {}
    alive = []
    try:
        gc.disable()        # no collection but the round's own: CPython's timing of its own is not under test
        build_round(cli.run_once, args, ["pdf"], parsed, WarningMemory(root))
        for old, new in EDITS:
            lecture.write_text(lecture.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
            build_round(cli.run_once, args, ["pdf"], parsed, WarningMemory(root))
            alive.append(_alive())
        assert parsed[cli.LAYOUTS], "no layout kept: the rounds were not partial re-layouts"
        left = gc.collect()
    finally:
        gc.enable()
        parsed.clear()
        gc.unfreeze()
    capsys.readouterr()
    assert alive[-1]["weasyprint"] <= alive[1]["weasyprint"] and alive[-1]["tinyhtml5"] <= alive[1]["tinyhtml5"], \
        f"boxes, styles and HTML elements alive after each round grow: {alive}"
    assert left == 0, f"{left} objects left in cycles after the last round"
