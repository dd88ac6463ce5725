"""Builds you can trust (issue 15): all or nothing in every path, fingerprints that cannot go stale,
no internal errors.

Every failing build here asserts its exit code, its message at file:line (exactly), no traceback,
and that the previous outputs and the state file are byte for byte as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECTS, REPO, Run, run_build
from pdfread import norm, page_texts

STATE = ".coursepress-state.json"


def snapshot(out: Path) -> dict[str, str]:
    """Digest of every file in the output folder (outputs, state, caches), by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir()) if p.is_file()}


def status(out: str) -> dict[str, str]:
    return {Path(line.split(": ", 1)[0]).name: line.split(": ", 1)[1] for line in out.splitlines() if ": " in line}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The minimal project with every output built once (previous good outputs to protect)."""
    root = tmp_path_factory.mktemp("base") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    result = run_build("all", "--project", str(root))
    assert result.code == 0, result.err
    return root


@pytest.fixture
def built(base, tmp_path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of ``base`` with its outputs → (root, out, snapshot of out)."""
    root = tmp_path / "proj"
    shutil.copytree(base, root, symlinks=True)
    return root, root / "dist", snapshot(root / "dist")


def refused(result: Run, where: str, words: str, out: Path, before: dict[str, str], code: int = 1) -> None:
    """Exit ``code``, one message line starting at exactly ``where`` and holding ``words``, no traceback,
    no internal error, and every file of the output folder as before."""
    assert result.code == code, (result.out, result.err)
    assert any(line.startswith(f"error: {where}") and words in line for line in result.err.splitlines()), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert snapshot(out) == before
    assert not list(out.glob(".coursepress-staging-*"))


def lecture(root: Path) -> Path:
    return root / "content/lectures/intro.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- stops, commits, collisions
_PATCHED = """
import os, signal, sys
from pathlib import Path
{patch}
from coursepress.cli import main
sys.exit(main(sys.argv[1:], default_root=Path.cwd()))
"""

_STOP_IN_SVG = """
import weasyprint.svg
_draw = weasyprint.svg.SVG.draw
def draw(self, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)     # Ctrl-C while an SVG is drawn: WeasyPrint catches it
    return _draw(self, *args, **kwargs)
weasyprint.svg.SVG.draw = draw
"""


def run_patched(patch: str, *args: str, env: dict | None = None) -> Run:
    proc = subprocess.run([sys.executable, "-c", _PATCHED.format(patch=patch), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=600, env={**os.environ, **(env or {})})
    return Run(proc.returncode, proc.stdout, proc.stderr)


def test_stop_during_svg_drawing_commits_nothing(built):
    """One output, built in the main process: the Ctrl-C WeasyPrint swallows while drawing the chart
    still stops the build; nothing is committed and the next build rebuilds."""
    root, out, before = built
    edit(lecture(root), "- 第一点", "- 第一要点")
    result = run_patched(_STOP_IN_SVG, "pdf", "--project", str(root))
    assert result.code == 130, (result.out, result.err)
    assert "interrupted" in result.err and "Traceback" not in result.err
    assert snapshot(out) == before and not list(out.glob(".coursepress-staging-*"))
    again = run_build("pdf", "--project", str(root))
    assert again.code == 0 and status(again.out)["intro.pdf"] != "up to date", again.out


_STOP_IN_COMMIT = """
import coursepress.commit as commit
_replace = os.replace
def replace(src, dst):
    _replace(src, dst)
    if Path(dst).parent.name == "dist" and str(dst).endswith(".pdf"):
        os.kill(os.getpid(), {signal})       # Ctrl-C (or kill) right after the first output is in place
commit.os.replace = replace
"""


@pytest.mark.parametrize("signal_name, code", [("signal.SIGINT", 130), ("signal.SIGTERM", 143)])
def test_stop_during_commit_completes_the_commit(built, signal_name, code):
    """A stop that arrives half-way through the renames acts after the commit: the handout and the
    deck are both new and recorded, never one new and one old."""
    root, out, before = built
    edit(lecture(root), "- 第一点", "- 第一要点")
    result = run_patched(_STOP_IN_COMMIT.format(signal=signal_name), "all", "--project", str(root))
    assert result.code == code, (result.out, result.err)
    assert "Traceback" not in result.err
    after = snapshot(out)
    assert after["intro.pdf"] != before["intro.pdf"] and after["intro.pptx"] != before["intro.pptx"]
    assert after[STATE] != before[STATE]
    again = run_build("all", "--project", str(root))
    assert set(status(again.out).values()) == {"up to date"}, again.out


_KILLED_IN_COMMIT = """
import coursepress.commit as commit
_replace = os.replace
def replace(src, dst):
    _replace(src, dst)
    if Path(dst).parent.name == "dist" and str(dst).endswith(".pdf"):
        os._exit(137)                     # power loss / kill -9 after the first rename
commit.os.replace = replace
"""


def test_commit_cut_short_is_finished_by_the_next_build(built, tmp_path):
    """A commit cut short with no chance to finish (kill -9) leaves its journal; the next build, even
    of another output, finishes it first: the lecture's deck matches its new handout."""
    root, out, before = built
    edit(lecture(root), "- 第一点", "- 第一要点")
    reference = run_build("all", "--project", str(root), "--out", str(tmp_path / "ref"))
    assert reference.code == 0, reference.err
    expected = snapshot(tmp_path / "ref")
    result = run_patched(_KILLED_IN_COMMIT, "all", "--project", str(root))
    assert result.code == 137
    half = snapshot(out)
    assert half["intro.pdf"] == expected["intro.pdf"] and half["intro.pptx"] == before["intro.pptx"]
    following = run_build("poster", "--project", str(root))
    assert following.code == 0, following.err
    assert snapshot(out)["intro.pptx"] == expected["intro.pptx"]
    assert not list(out.glob(".coursepress-staging-*")) and not (out / ".coursepress-commit.json").exists()
    assert set(status(run_build("all", "--project", str(root)).out).values()) == {"up to date"}


def test_a_folder_where_an_output_goes_changes_nothing(built):
    root, out, before = built
    (out / "poster.pdf").unlink()
    (out / "poster.pdf").mkdir()
    before = snapshot(out)
    edit(lecture(root), "- 第一点", "- 第一要点")
    edit(root / "content/data/models.yaml", "乙公司", "乙有限公司")
    result = run_build("all", "--project", str(root))
    refused(result, f"{out / 'poster.pdf'}: this output's place is taken by a folder", "move it away", out, before)


def test_a_lecture_named_poster_is_refused_naming_both(built):
    root, out, before = built
    shutil.copy(lecture(root), root / "content/lectures/poster.md")
    for command in ("all", "pdf", "check"):
        result = run_build(command, "--project", str(root))
        refused(result, "content/lectures/poster.md: the handout of content/lectures/poster.md would be written "
                        "to poster.pdf, the same file as the poster", "rename the lecture file", out, before)


# ---------------------------------------------------------------- fingerprints
_EDIT_DURING_LOAD = """
import coursepress.load as load
_load = load.load_course
def load_course(root, *args, **kwargs):
    result = _load(root, *args, **kwargs)
    path = Path(root) / "content/lectures/intro.md"       # the lecturer saves while the build runs
    path.write_text(path.read_text(encoding="utf-8").replace("这是一个提示框。", "保存于构建之中。"), encoding="utf-8")
    return result
load.load_course = load_course
"""


def test_an_edit_saved_during_the_build_is_built_by_the_next_one(built):
    root, out, _before = built
    (lecture(root)).write_text(lecture(root).read_text(encoding="utf-8") + "\n结尾一句。\n", encoding="utf-8")
    first = run_patched(_EDIT_DURING_LOAD, "pdf", "--project", str(root))
    assert first.code == 0, first.err
    assert "保存于构建之中" in lecture(root).read_text(encoding="utf-8")
    second = run_build("pdf", "--project", str(root))
    assert second.code == 0 and status(second.out)["intro.pdf"] != "up to date", second.out
    assert "保存于构建之中" in norm("".join(page_texts(out / "intro.pdf")))


PNG_RED = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")
PNG_BLUE = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d7636060f80f0001030100a5f64c6a0000000049454e44ae426082")


def test_an_image_replaced_by_one_of_the_same_size_and_time_is_rebuilt(built):
    """``cp -p``: same size, same modification time, other bytes; the handout must be rebuilt."""
    root, out, _ = built
    assert len(PNG_RED) == len(PNG_BLUE) and PNG_RED != PNG_BLUE
    image = root / "content/lectures/dot.png"
    image.write_bytes(PNG_RED)
    os.utime(image, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    (lecture(root)).write_text(lecture(root).read_text(encoding="utf-8") + "\n![红点](dot.png)\n", encoding="utf-8")
    assert run_build("all", "--project", str(root)).code == 0
    assert set(status(run_build("all", "--project", str(root)).out).values()) == {"up to date"}
    stat = image.stat()
    image.write_bytes(PNG_BLUE)
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert image.stat().st_size == stat.st_size and image.stat().st_mtime_ns == stat.st_mtime_ns
    result = run_build("all", "--project", str(root))
    assert result.code == 0, result.err
    lines = status(result.out)
    assert lines["intro.pdf"] != "up to date" and lines["intro.pptx"] != "up to date" and lines["poster.pdf"] == "up to date"


def test_a_changed_source_date_epoch_rebuilds_and_is_written(built):
    root, out, _ = built
    result = _run_env({"SOURCE_DATE_EPOCH": "1700000000"}, "pdf", "--project", str(root))
    assert result.code == 0 and status(result.out)["intro.pdf"] != "up to date", result.out
    from pypdf import PdfReader
    assert PdfReader(out / "intro.pdf").metadata["/CreationDate"].startswith("D:20231114")
    same = _run_env({"SOURCE_DATE_EPOCH": "1700000000"}, "pdf", "--project", str(root))
    assert status(same.out)["intro.pdf"] == "up to date"
    unset = run_build("pdf", "--project", str(root))
    assert status(unset.out)["intro.pdf"] != "up to date"


def _run_env(env: dict, *args: str) -> Run:
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600, env={**os.environ, **env})
    return Run(proc.returncode, proc.stdout, proc.stderr)


# ---------------------------------------------------------------- output folder rules
@pytest.mark.parametrize("out", ["content/x", "content", "templates/out", "assets"])
@pytest.mark.parametrize("command", ["all", "watch"])
def test_an_output_folder_among_the_sources_is_refused(built, out, command):
    root, dist, before = built
    result = run_build(command, "--project", str(root), "--out", str(root / out))
    folder = out.split("/")[0]
    assert result.code == 2 and f"is inside the project's {folder}/ folder" in result.err, result.err
    assert not (root / out / "intro.pdf").exists() and snapshot(dist) == before


def test_an_empty_output_folder_is_refused(built):
    root, dist, before = built
    result = run_build("all", "--project", str(root), "--out", "", cwd=root)
    assert result.code == 2 and "--out: the output folder is empty" in result.err, result.err
    assert not (root / "intro.pdf").exists() and snapshot(dist) == before
