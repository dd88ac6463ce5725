"""Linear growth in the number of headings, paragraphs and list items (issue 14, item 6).

A lecture of ``n`` sections, each a heading, a paragraph and a three-item
list, is built ``1×``, ``4×`` and ``16×`` as large. Measured in one process,
after loading: the deck (slide plan and PPTX) and the handout's assembly
(model → HTML; WeasyPrint's layout is measured by the ``scaling`` case).
Each measure gives the median seconds and the number of Python function
calls (cProfile), which does not depend on the machine or its load: work
that grows with the square of the headings shows there first.

``python -m benchmarks.structure [BASE]`` prints the table (BASE sections at 1×, default 125).
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "projects" / "minimal"


def structure_project(sections: int, into: Path) -> Path:
    """A copy of the minimal test project whose lecture has ``sections`` × (heading, paragraph, 3-item list)."""
    root = into / f"structure-{sections}"
    shutil.copytree(MINIMAL, root)
    parts = ["---\ntitle: 规模\n---\n"]
    for i in range(sections):
        parts.append(f"# 第{i + 1}节\n\n正文第{i + 1}段，介绍模型的参数与上下文长度。\n\n"
                     f"- 要点{i}甲\n- 要点{i}乙\n- 要点{i}丙\n")
    (root / "content/lectures/intro.md").write_text("\n".join(parts), encoding="utf-8")
    return root


def _jobs(root: Path, out: Path):
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, writer
    from coursepress.writers import handout

    project, course, _ = load_project(locate(root))
    lecture = course.lectures[0]
    settings = BuildSettings(out_dir=out)
    deck = writer("pptx")
    return {"deck": lambda: deck.write(project, course, deck.target(lecture.name), settings),
            "handout HTML": lambda: handout.render_html(project, course, lecture, settings, Problems())}


def plan_chars(root: Path) -> int:
    """Characters of every slide's text and notes in the deck's slide plan: content repeated on a
    growing number of slides (an agenda's notes on every agenda slide) shows here as quadratic growth."""
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.deck.writer import _plan

    project, course, _ = load_project(locate(root))
    with tempfile.TemporaryDirectory(prefix="coursepress-structure-") as out:
        _, plan, _ = _plan(project, course, BuildSettings(out_dir=Path(out)), course.lectures[0], Problems())
    return sum(len(p.plain) for slide in plan.slides
               for p in (*slide.notes, *(q for _, paras in slide.texts for q in paras)))


def work(root: Path, runs: int = 1) -> dict[str, tuple[float, int]]:
    """``{measure: (median seconds, Python function calls)}`` for the project at ``root``."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="coursepress-structure-") as out:
        for name, job in _jobs(root, Path(out)).items():
            job()                                   # warm: fonts, templates, caches
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                job()
                times.append(time.perf_counter() - start)
            profile = cProfile.Profile()
            profile.runcall(job)
            results[name] = (statistics.median(times) if times else float("nan"), pstats.Stats(profile).total_calls)
    return results


def structure(base: int = 125, factors: tuple[int, ...] = (1, 4, 16), runs: int = 3) -> list[dict]:
    """Rows ``{factor, sections, measure, seconds, calls}`` for each factor."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="coursepress-structure-") as folder:
        for factor in factors:
            root = structure_project(base * factor, Path(folder))
            for name, (seconds, calls) in work(root, runs).items():
                rows.append({"factor": factor, "sections": base * factor, "measure": name,
                             "seconds": seconds, "calls": calls})
    return rows


def main(argv: list[str]) -> None:
    base = int(argv[0]) if argv else 125
    rows = structure(base)
    first = {r["measure"]: r for r in rows if r["factor"] == 1}
    print("| factor | sections | measure | median s | × 1× | calls | × 1× |\n|---|---|---|---|---|---|---|")
    for r in rows:
        one = first[r["measure"]]
        print(f"| {r['factor']}× | {r['sections']} | {r['measure']} | {r['seconds']:.2f} | "
              f"{r['seconds'] / one['seconds']:.1f} | {r['calls']:,} | {r['calls'] / one['calls']:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
