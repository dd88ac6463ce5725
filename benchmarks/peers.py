"""Peers doing the same jobs on the same lecture Markdown (optional; ``--peers``).

* Pandoc → PPTX: ``pandoc lecture.md -o deck.pptx``.
* Pandoc → WeasyPrint → PDF: ``pandoc lecture.md --pdf-engine=weasyprint``,
  with the same shipped CJK fonts (our isolated fontconfig) and a one-rule
  stylesheet naming Noto Serif CJK SC.
* Pandoc → Typst → PDF: ``pandoc lecture.md --pdf-engine=typst`` with
  ``mainfont`` = Noto Serif CJK SC and ``TYPST_FONT_PATHS`` = our fonts; a
  one-line Lua filter unlinks in-document links (Typst refuses a link to a
  label that does not exist, and our chart and table ids are not Pandoc labels).

Install: ``pip install pypandoc-binary typst`` (not project dependencies).
The ``typst`` package is a Python binding without a command-line program, so a
three-line ``typst`` script (``typst compile IN OUT`` → ``typst.compile``) is
put first on PATH for Pandoc to call; its Python start-up (~0.1 s) is counted
against Typst.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Optional

from .measure import CaseFailed, Stats, repeat, run
from .project import LECTURE

TYPST_SHIM = """#!{python}
import os, sys, typst
args = [a for a in sys.argv[1:] if not a.startswith("-")]
assert args[0] == "compile", sys.argv
typst.compile(args[1], output=args[2], font_paths=os.environ.get("TYPST_FONT_PATHS", "").split(os.pathsep))
"""
# Typst stops at a link to a label the document lacks (our {chart} blocks are plain code to Pandoc).
UNLINK_LUA = 'function Link(el) if el.target:sub(1, 1) == "#" then return el.content end end\n'
CSS = 'body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Emoji", "DejaVu Sans Mono"; }\n'


def pandoc_path() -> Optional[str]:
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


def available() -> dict[str, bool]:
    """Which peers can run here: pandoc, weasyprint (CLI on PATH), typst (the Python binding)."""
    try:
        import typst  # noqa: F401
        has_typst = True
    except ImportError:
        has_typst = False
    return {"pandoc": pandoc_path() is not None, "weasyprint": shutil.which("weasyprint") is not None,
            "typst": has_typst}


def peers(root: Path, runs: int) -> list[Stats]:
    """Time each available peer on the project copy ``root``; a missing peer is reported, not fatal."""
    have = available()
    pandoc = pandoc_path()
    if not have["pandoc"]:
        return [Stats("pandoc", 0, *[float("nan")] * 4, [], "not installed: pip install pypandoc-binary typst")]
    sys.path.insert(0, str(root))
    try:
        from coursepress.fonts import font_dirs, isolated_fontconfig
        fonts = [str(d) for d in font_dirs(root)]
        fontconfig = str(isolated_fontconfig(root))
    finally:
        sys.path.remove(str(root))
    work = Path(tempfile.mkdtemp(prefix="coursepress-peers-"))
    (work / "peer.css").write_text(CSS)
    (work / "unlink.lua").write_text(UNLINK_LUA)
    shim_dir = work / "bin"
    shim_dir.mkdir()
    (shim_dir / "typst").write_text(TYPST_SHIM.format(python=sys.executable))
    (shim_dir / "typst").chmod(0o755)
    env = dict(os.environ, FONTCONFIG_FILE=fontconfig, TYPST_FONT_PATHS=os.pathsep.join(fonts),
               PATH=f"{shim_dir}{os.pathsep}{os.environ['PATH']}")
    source = str(root / LECTURE)
    jobs = {"pandoc → pptx": [pandoc, source, "-o", str(work / "peer.pptx")]}
    if have["weasyprint"]:
        jobs["pandoc → weasyprint pdf"] = [pandoc, source, "-s", "--pdf-engine=weasyprint", "-c",
                                           str(work / "peer.css"), "-o", str(work / "peer-w.pdf")]
    if have["typst"]:
        jobs["pandoc → typst pdf"] = [pandoc, source, "--pdf-engine=typst", "-V", "mainfont=Noto Serif CJK SC",
                                      "-V", "lang=zh", "--lua-filter", str(work / "unlink.lua"), "-o", str(work / "peer-t.pdf")]
    results = []
    try:
        for name, args in jobs.items():
            try:
                results.append(repeat(name, lambda args=args: run(args, cwd=work, env=env), runs))
            except CaseFailed as exc:
                results.append(Stats(name, 0, *[float("nan")] * 4, [], f"failed: {str(exc)[:160]}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


# Our case → the peer doing the same job.
RATIOS = {"cold pdf": "pandoc → weasyprint pdf", "cold pptx": "pandoc → pptx",
          "chapter: cold pdf, image cache empty": "chapter: pandoc → weasyprint pdf",
          "chapter: cold pdf, image cache warm": "chapter: pandoc → weasyprint pdf",
          "chapter: cold pdf, images: original": "chapter: pandoc → weasyprint pdf"}
ALSO = {"cold pdf": "pandoc → typst pdf"}
