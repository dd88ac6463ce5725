"""Issue 20: a cold build imports only what its work needs. Each test runs a build (or the start-up of one)
in a fresh interpreter and reads ``sys.modules`` at its end: the lazy imports stay lazy. No timing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO
from test_math import figure_alts

# Runs build.py's main in this process, then prints the names of the modules imported by its end. The
# course is loaded in this process too: a one-shot build would load it in a forked one (coursepress.overlap),
# whose imports this list cannot see.
BUILD_THEN_LIST = textwrap.dedent("""\
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import coursepress.overlap
    coursepress.overlap.worth_it = lambda kinds: False
    from coursepress.cli import main
    code = main(sys.argv[2:], default_root=Path.cwd())
    print(" ".join(sorted(sys.modules)))
    sys.exit(code)
    """)


def modules_after(args: list[str], tmp_path: Path, cache: Path | None = None, ok: bool = True) -> set[str]:
    """The modules a build with ``args`` (``build.py`` arguments; per-user cache under ``cache`` if given)
    has imported when it ends; ``ok``: the build must succeed without a word on stderr."""
    script = tmp_path / "list_modules.py"
    script.write_text(BUILD_THEN_LIST, encoding="utf-8")
    env = dict(os.environ, **({"XDG_CACHE_HOME": str(cache)} if cache else {}))
    proc = subprocess.run([sys.executable, str(script), str(REPO), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600, env=env)
    if ok:
        assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    else:
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        return {proc.stderr}
    return set(proc.stdout.splitlines()[-1].split())


def test_a_handout_without_images_to_prepare_starts_no_process_pool(make_project, tmp_path):
    root = make_project(lecture="---\ntitle: 入门\n---\n\n# 一\n\n一段没有图片的文字。\n")
    modules = modules_after(["pdf", "--project", str(root), "--out", str(tmp_path / "out")], tmp_path)
    assert "weasyprint" in modules and "coursepress.imagepool" in modules       # the handout was built
    assert next((tmp_path / "out").glob("*.pdf")).stat().st_size > 0
    assert "multiprocessing" not in modules and "concurrent.futures.process" not in modules


def test_an_up_to_date_check_imports_no_network_library(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    modules_after(["pdf", "--project", str(root), "--out", str(out)], tmp_path)
    modules = modules_after(["pdf", "--project", str(root), "--out", str(out)], tmp_path)    # nothing to do
    assert "coursepress.targets" in modules and "coursepress.fonts" in modules
    assert "weasyprint" not in modules
    assert not {"urllib.request", "http.client", "email.message"} & modules


def test_formulas_checked_in_an_earlier_build_are_not_converted_again(make_project, tmp_path):
    cache = tmp_path / "cache"
    good = "---\ntitle: 公式\n---\n\n# 一\n\n能量 $E = mc^2$ 与\n\n$$\n\\frac{a}{b} = \\sqrt{x}\n$$\n"
    root = make_project(lecture=good)
    args = ["pdf", "--force", "--project", str(root), "--out", str(tmp_path / "out")]
    assert "latex2mathml.converter" in modules_after(args, tmp_path, cache)        # checked: converted
    second = modules_after(args, tmp_path, cache)
    assert "weasyprint" in second and "latex2mathml.converter" not in second       # known good: no conversion
    assert figure_alts(tmp_path / "out" / "intro.pdf") == ["E = mc^2", "\\frac{a}{b} = \\sqrt{x}"]   # both drawn

    # a formula with a problem is never remembered: reported at every build, with its position
    (root / "content/lectures/intro.md").write_text(good.replace("mc^2", "mc^2 \\betta"), encoding="utf-8")
    for _ in range(2):
        err = "".join(modules_after(args, tmp_path, cache, ok=False))
        assert "intro.md:7:" in err and "unknown TeX command '\\betta'" in err


def test_the_sandbox_keeps_its_answers_per_type_and_name_and_asks_again_for_a_proxy(tmp_path):
    from coursepress.sandbox import SafeEnvironment

    env = SafeEnvironment(tmp_path)
    for _ in range(2):          # the second round is answered from what the first kept
        assert env.is_safe_attribute([], "index", None) and not env.is_safe_attribute([1], "append", None)
        assert env.is_safe_attribute(tmp_path, "name", None) and not env.is_safe_attribute(tmp_path, "parent", None)
        assert not env.is_safe_attribute("x", "_secret", None) and env.is_safe_attribute("x", "upper", None)
    assert (list, "append") in env._safe_attributes

    class LooksLikeAList:                       # isinstance(LooksLikeAList(), list) is True
        __class__ = list                        # type: ignore[assignment]

    assert env.is_safe_attribute(LooksLikeAList(), "clear", None) is False
    assert (LooksLikeAList, "clear") not in env._safe_attributes


def test_a_bibliography_formatted_in_an_earlier_build_needs_no_citeproc(make_project, tmp_path):
    from test_lecturer import _bib_project, norm, page_texts

    cache = tmp_path / "cache"
    root = _bib_project(make_project)
    args = ["pdf", "--force", "--project", str(root), "--out", str(tmp_path / "out")]
    texts = []
    for round_ in range(2):
        modules = modules_after(args, tmp_path, cache)
        assert ("citeproc" in modules) == (round_ == 0)     # formatted once, then taken from the cache
        texts.append(norm("".join(page_texts(tmp_path / "out" / "intro.pdf"))))
    assert texts[0] == texts[1]
    assert norm("[1] 李航. 统计学习方法[M]. 2 版. 北京: 清华大学出版社, 2019.") in texts[1]
    assert norm("[2] VASWANI A, SHAZEER N, PARMAR N, et al. Attention Is All You Need[J].") in texts[1]

    # an edited entry is formatted again
    (root / "content/refs.bib").write_text((root / "content/refs.bib").read_text(encoding="utf-8")
                                           .replace("统计学习方法", "统计学习方法新编"), encoding="utf-8")
    assert "citeproc" in modules_after(args, tmp_path, cache)
    assert norm("[1] 李航. 统计学习方法新编[M].") in norm("".join(page_texts(tmp_path / "out" / "intro.pdf")))
