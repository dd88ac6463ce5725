"""Builds you can trust (issue 15): all or nothing in every path, fingerprints that cannot go stale,
no internal errors.

Every failing build here asserts its exit code, its message at file:line (exactly), no traceback,
and that the previous outputs and the state file are byte for byte as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECTS, REPO, Run, run_build
from readback import norm, page_texts

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
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


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
_load = load.load_project
def load_project(project, *args, **kwargs):
    result = _load(project, *args, **kwargs)
    path = project.root / "content/lectures/intro.md"       # the lecturer saves while the build runs
    path.write_text(path.read_text(encoding="utf-8").replace("这是一个提示框。", "保存于构建之中。"), encoding="utf-8")
    return result
load.load_project = load_project
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


def test_the_hash_cache_sees_a_same_size_file_with_the_old_time(tmp_path, monkeypatch):
    """The cache of content hashes is keyed by the change time too, which ``cp -p``/``utime`` cannot set back."""
    import time

    from coursepress import stamps
    monkeypatch.setattr(stamps, "RACY_S", -1.0)      # keep even a digest of a file written just now
    path = tmp_path / "a.png"
    path.write_bytes(PNG_RED)
    old = path.stat()
    hashes = stamps.FileHashes(tmp_path)
    assert hashes.digest(path) == hashlib.sha256(PNG_RED).hexdigest()
    hashes.save()
    assert str(path) in json.loads((tmp_path / stamps.CACHE_FILE).read_text())
    time.sleep(0.05)                                  # a later clock tick for the change time (no assertion on time)
    path.write_bytes(PNG_BLUE)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    now = path.stat()
    assert (now.st_ino, now.st_size, now.st_mtime_ns) == (old.st_ino, old.st_size, old.st_mtime_ns)
    assert stamps.FileHashes(tmp_path).digest(path) == hashlib.sha256(PNG_BLUE).hexdigest()


def test_the_hash_cache_keeps_no_digest_of_a_file_changed_just_now(tmp_path):
    """Racy-clean rule (as git's): a file changed within the clock's granularity could change again
    unseen, so its digest is not kept."""
    from coursepress import stamps
    path = tmp_path / "a.png"
    path.write_bytes(PNG_RED)
    hashes = stamps.FileHashes(tmp_path)
    hashes.digest(path)
    hashes.save()
    cache = tmp_path / stamps.CACHE_FILE
    assert not cache.exists() or str(path) not in json.loads(cache.read_text())


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


# ---------------------------------------------------------------- every internal error is a message
def _chars(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("pad", [0, 3])          # generated variants: the line moves with the text
@pytest.mark.parametrize("file, old, new, column, words", [
    ("content/lectures/intro.md", "大语言模型（LLM）", "大语言\ufffe模型（LLM）", 4, "U+FFFE"),
    ("content/lectures/intro.md", "大语言模型（LLM）", "大语言\x0b模型（LLM）", 4, "U+000B (vertical tab)"),
    ("content/lectures/intro.md", "- 第一点", "- 第一\x1b点", 5, "U+001B (escape)"),
    ("content/data/models.yaml", "name: Alpha-7B", "name: Alpha\x01-7B", 16, "U+0001"),
    ("content/course.yaml", "title: 测试课程", "title: 测试\x7f\x08课程", 11, "U+0008 (backspace)"),  # DEL is allowed
])
def test_characters_xml_cannot_hold_are_refused_at_their_position(built, pad, file, old, new, column, words):
    root, out, before = built
    _chars(root, file, old, new)
    path = root / file
    if pad:
        text = path.read_text(encoding="utf-8")
        if file.endswith(".md"):        # blank lines after the front matter
            head, _, body = text.partition("\n---\n")
            path.write_text(head + "\n---\n" + "\n" * pad + body, encoding="utf-8")
        else:
            path.write_text("# comment\n" * pad + text, encoding="utf-8")
    line = line_of(path, new)
    result = run_build("all", "--project", str(root))
    refused(result, f"{file}:{line}:{column}: invisible character", words, out, before)


@pytest.mark.parametrize("file, old, new, words", [
    ("content/lectures/intro.md", "title: 第一讲 概述", 'title: "第一讲\\a概述"', "U+0007 (bell)"),
    ("content/data/models.yaml", "name: Alpha-7B", 'name: "Alpha\\x02-7B"', "U+0002"),
    ("content/course.yaml", "title: 测试课程", 'title: "测试\\ud800课程"', "U+D800 (a lone surrogate)"),
    ("content/course.yaml", "title: 测试课程", 'title: "测试\\uFFFF课程"', "U+FFFF (a non-character)"),
])
def test_escapes_that_make_such_characters_are_refused_at_the_value(built, file, old, new, words):
    """Titles (front matter, course.yaml) and model names made by YAML escapes: the deck's XML
    refused them as an internal error."""
    root, out, before = built
    _chars(root, file, old, new)
    line = line_of(root / file, new.split(":")[0].strip())
    column = (root / file).read_text(encoding="utf-8").splitlines()[line - 1].index('"') + 1
    refused(run_build("all", "--project", str(root)), f"{file}:{line}:{column}: this text holds", words, out, before)


def test_a_lecture_file_name_that_is_not_utf8(built):
    root, out, before = built
    os.rename(lecture(root), os.fsencode(root / "content/lectures") + b"/in\xfftro.md")
    refused(run_build("all", "--project", str(root)), "content/lectures/in\\xfftro.md: the file name is not UTF-8",
            "rename the file", out, before)


def test_a_lecture_that_is_a_folder(built):
    root, out, before = built
    (root / "content/lectures/more.md").mkdir()
    refused(run_build("all", "--project", str(root)), "content/lectures/more.md: lecture 'content/lectures/more.md' "
            "is a folder, not a regular file", "put a file there", out, before)


@pytest.mark.parametrize("target, words", [("loop.md", "is a symlink loop"),
                                           ("missing.md", "is a link to a file that does not exist")])
def test_a_lecture_link_that_leads_nowhere(built, target, words):
    root, out, before = built
    (root / "content/lectures/loop.md").symlink_to(target)
    refused(run_build("all", "--project", str(root)), "content/lectures/loop.md: lecture 'content/lectures/loop.md' ",
            words, out, before)


def test_a_lectures_folder_linked_outside_the_project(built, tmp_path):
    root, out, before = built
    outside = tmp_path / "elsewhere"
    shutil.move(root / "content/lectures", outside)
    (root / "content/lectures").symlink_to(outside)
    refused(run_build("all", "--project", str(root)), "content/lectures: the lectures folder is a link to",
            "outside the project", out, before)


@pytest.mark.parametrize("shape, line, column", [
    ("flow", 22, 77),              # extra_deep: [[[[ … on line 22; the 65th level opens at column 77
    ("block", 86, 129),            # k0: … one more level per line from line 22; k64 is the 65th
])
def test_yaml_nested_1000_deep_is_an_error_at_its_line(built, shape, line, column):
    root, out, before = built
    models = root / "content/data/models.yaml"
    assert len(models.read_text(encoding="utf-8").splitlines()) == 21
    text = ("extra_deep: " + "[" * 1000 + "]" * 1000 + "\n") if shape == "flow" else \
        "".join("  " * i + f"k{i}:\n" for i in range(1000))
    models.write_text(models.read_text(encoding="utf-8") + text, encoding="utf-8")
    refused(run_build("all", "--project", str(root)), f"content/data/models.yaml:{line}:{column}: the nesting of "
            "mappings and lists is 65, over the limit of 64", "flatten", out, before)


@pytest.mark.parametrize("value", ["1e308", "99999999999999999999999999999999999999", "1.5e15"])
def test_numbers_too_large_to_draw_are_refused_at_their_line(built, value):
    root, out, before = built
    models = root / "content/data/models.yaml"
    _chars(root, "content/data/models.yaml", "parameters_b: 1800", f"parameters_b: {value}")
    line = line_of(models, value)
    refused(run_build("all", "--project", str(root)), f"content/data/models.yaml:{line}:19: the number {value} is "
            "too large to draw", "check the value", out, before)


@pytest.mark.parametrize("text", ['{"pdf:intro": 5, "x": [1]}', "[1, 2", ""])
def test_a_corrupt_state_file_is_named_and_replaced(built, text):
    root, out, _ = built
    (out / STATE).write_text(text, encoding="utf-8")
    result = run_build("all", "--project", str(root))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert f"warning: {out / STATE}:" in result.err and "every output is rebuilt" in result.err
    assert "up to date" not in result.out
    assert set(json.loads((out / STATE).read_text())) == {"pdf:intro", "pptx:intro", "poster:-", "outputs"}


@pytest.mark.parametrize("epoch", ["253402300800", "-1", "1e9", "１２３"])
def test_source_date_epoch_outside_what_a_pdf_holds(built, epoch):
    root, out, before = built
    result = _run_env({"SOURCE_DATE_EPOCH": epoch}, "all", "--project", str(root))
    assert result.code == 2 and "SOURCE_DATE_EPOCH=" in result.err and "is not a time a PDF can hold" in result.err
    assert "Traceback" not in result.err and snapshot(out) == before


def test_the_latest_dates_a_pdf_and_a_zip_can_hold(built):
    """9999-12-31 (the last PDF date) builds; the deck's ZIP entries take the last ZIP date (2107)."""
    root, out, _ = built
    _chars(root, "content/course.yaml", "date: 2024-01-15", "date: 9999-12-31")
    result = run_build("all", "--project", str(root))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    import zipfile
    with zipfile.ZipFile(out / "intro.pptx") as package:
        assert {info.date_time[0] for info in package.infolist()} == {2107}


# Fixed bytes (a seeded generator), so every pytest-xdist worker collects the same test ids.
@pytest.mark.parametrize("data", [random.Random(20261130).randbytes(3000), b"OTTO" + b"\0" * 400],
                         ids=["random-bytes", "cff-header-only"])
def test_a_corrupt_font_file_is_named(built, data):
    root, out, before = built
    (root / "assets/fonts").mkdir(parents=True)
    (root / "assets/fonts/Broken.ttf").write_bytes(data)
    for command in ("pdf", "pptx", "check"):
        result = run_build(command, "--project", str(root), "--force")
        refused(result, "assets/fonts/Broken.ttf: not a font file that can be read", "replace it", out, before)


@pytest.mark.parametrize("out_arg, words", [("/dev/null/x", "a part of its path is a file"),
                                            ("/proc/coursepress-out", "creating the output folder failed")])
def test_an_output_folder_that_cannot_be_made(built, out_arg, words):
    root, out, before = built
    result = run_build("all", "--project", str(root), "--out", out_arg)
    refused(result, f"{out_arg}: creating the output folder failed", words, out, before)


@pytest.mark.parametrize("code, words", [("ENOSPC", "the disk is full"), ("EROFS", "read-only file system"),
                                         ("EACCES", "you may not write there")])
def test_a_full_disk_or_read_only_output_folder(built, code, words):
    """The output cannot be written (simulated: root may write anywhere, and no small disk is at hand)."""
    root, out, before = built
    _chars(root, "content/lectures/intro.md", "- 第一点", "- 第一要点")
    patch = f"""
import errno, coursepress.output as output
def atomic_write(path, data):
    raise OSError(errno.{code}, os.strerror(errno.{code}), str(path))
output.atomic_write = atomic_write
import coursepress.writers.handout, coursepress.writers.deck.writer, coursepress.writers.poster.writer, coursepress.commit
for module in (coursepress.writers.handout, coursepress.writers.deck.writer, coursepress.writers.poster.writer, coursepress.commit):
    module.atomic_write = atomic_write
"""
    result = run_patched(patch, "all", "--project", str(root))
    assert result.code == 1 and "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert "writing the output failed" in result.err and words in result.err, result.err
    assert snapshot(out) == before and not list(out.glob(".coursepress-staging-*"))


def test_an_unexpected_exception_names_the_file_being_processed(built):
    root, out, before = built
    _chars(root, "content/lectures/intro.md", "- 第一点", "- 第一要点")
    patch = """
import coursepress.writers.deck.writer as deck
def write(*args, **kwargs):
    raise ZeroDivisionError("simulated bug")
deck.write = write
"""
    result = run_patched(patch, "all", "--project", str(root))
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert ("internal error: ZeroDivisionError: simulated bug while processing content/lectures/intro.md (the deck); "
            "this is a bug, please report it") in result.err
    assert snapshot(out) == before
    verbose = run_patched(patch, "all", "--project", str(root), "-v")
    assert "Traceback" in verbose.err and "ZeroDivisionError" in verbose.err


# ---------------------------------------------------------------- messages at the right place
def test_a_nul_in_an_image_path_is_called_that(built):
    root, out, before = built
    path = lecture(root)
    path.write_text(path.read_text(encoding="utf-8") + "\n![图](img%00.png)\n", encoding="utf-8")
    line = line_of(path, "img%00")
    refused(run_build("all", "--project", str(root)), f"content/lectures/intro.md:{line}: image path 'img%00.png' "
            "holds the control character U+0000 (NUL)", "remove it", out, before)


def test_a_refused_template_url_is_named_at_its_template_line(built):
    root, out, before = built
    folder = root / "templates/handout"
    folder.mkdir(parents=True)
    css = (REPO / "templates/handout/handout.css.j2").read_text(encoding="utf-8")
    (folder / "handout.css.j2").write_text(css + '\nbody { background: url("file:///etc/hostname"); }\n',
                                           encoding="utf-8")
    line = len(css.splitlines()) + 2
    refused(run_build("pdf", "--project", str(root)), f"templates/handout/handout.css.j2:{line}: the handout asks "
            "for 'file:///etc/hostname'", "outside the project", out, before)


@pytest.mark.parametrize("where", [1, 3])
def test_a_paragraph_too_long_for_a_slide_is_named_at_its_own_line(built, where):
    root, out, before = built
    path = lecture(root)
    points = ["- 短的一点"] * 4
    points[where] = "- " + "很长的一点，" * 400
    path.write_text(path.read_text(encoding="utf-8") + "\n# 长段\n\n::: slides\n" + "\n".join(points) + "\n:::\n",
                    encoding="utf-8")
    line = line_of(path, "很长的一点")
    refused(run_build("pptx", "--project", str(root)), f"content/lectures/intro.md:{line}: ",
            "too long for one slide even alone", out, before)


@pytest.mark.parametrize("file", ["content/data/models.yaml", "content/course.yaml"])
@pytest.mark.parametrize("bad, words", [(b"\xff\xfe", "not UTF-8 text (byte 0xFF"), (b"\x00", "U+0000 (NUL)")])
def test_invalid_utf8_or_nul_in_yaml_at_its_line(built, file, bad, words):
    root, out, before = built
    path = root / file
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3][:6] + bad + lines[3][6:]
    path.write_bytes(b"\n".join(lines))
    refused(run_build("all", "--project", str(root)), f"{file}:4:7:", words, out, before)


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!python/name:os.system", "!custom",
                                 "!!python/object/apply:os.system"])
def test_a_python_tag_is_refused_as_such(built, tag):
    root, out, before = built
    _chars(root, "content/data/models.yaml", "organisation: 乙公司", f"organisation: {tag} 乙公司")
    line = line_of(root / "content/data/models.yaml", tag)
    refused(run_build("all", "--project", str(root)), f"content/data/models.yaml:{line}:19: YAML tag '{tag}' is not "
            "allowed", "remove", out, before)


def test_a_row_too_tall_for_a_slide_is_named_at_its_model(built):
    root, out, before = built
    models = root / "content/data/models.yaml"
    _chars(root, "content/data/models.yaml", "organisation: 乙公司", "organisation: " + "乙公司很长" * 300)
    refused(run_build("pptx", "--project", str(root)), f"content/data/models.yaml:{line_of(models, 'Beta-Pro')}: "
            "a table row (row 2) is taller", "shorten", out, before)


# ---------------------------------------------------------------- no picture vanishes
def _broken_images() -> dict[str, bytes]:
    import io
    import struct
    import zlib

    from PIL import Image

    def saved(kind: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (20, 10), (200, 30, 30)).save(out, kind)
        return out.getvalue()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png, gif, jpeg = saved("PNG"), saved("GIF"), saved("JPEG")
    return {
        "truncated.png": png[: len(png) // 2],
        "garbage.png": png[:33] + bytes(200),
        "zero.png": b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""),
        "broken.gif": gif[:13] + b"\xff" * 20,
        "truncated.jpg": jpeg[: len(jpeg) // 3],
    }


@pytest.mark.parametrize("command", ["pdf", "pptx"])
@pytest.mark.parametrize("name", list(_broken_images()))
def test_an_image_that_cannot_be_decoded_is_an_error_at_its_line_in_every_output(built, name, command):
    """It used to vanish from the handout (exit 0, its alt text printed instead) while the deck refused it."""
    root, out, before = built
    (root / "content/lectures" / name).write_bytes(_broken_images()[name])
    path = lecture(root)
    path.write_text(path.read_text(encoding="utf-8") + f"\n![坏图]({name})\n", encoding="utf-8")
    refused(run_build(command, "--project", str(root)), f"content/lectures/intro.md:{line_of(path, name)}: ",
            name, out, before)        # the wording is issue 12's (images.py): decoded at load, for every output


@pytest.mark.parametrize("doctype", ['<!DOCTYPE a:theme [<!ENTITY x "Calibri">]>',
                                     '<!DOCTYPE a:theme SYSTEM "http://example.org/x.dtd">'])
def test_a_reference_deck_whose_theme_has_a_doctype_is_no_internal_error(built, tmp_path, doctype):
    """Built, or refused with a message naming the reference deck; never "internal error"."""
    import zipfile
    root, out, before = built
    reference = tmp_path / "ref.pptx"
    with zipfile.ZipFile(REPO / "templates/deck/reference.pptx") as src, zipfile.ZipFile(reference, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "ppt/theme/theme1.xml":
                data = data.replace(b"?>", b"?>\n" + doctype.encode(), 1)
            dst.writestr(name, data)
    result = run_build("pptx", "--project", str(root), "--reference", str(reference), "--out", str(tmp_path / "o"))
    assert "internal error" not in result.err and "Traceback" not in result.err, result.err
    assert result.code == 0 or (result.code == 1 and "ref.pptx" in result.err), result.err
    assert snapshot(out) == before


def test_a_new_output_folder_takes_digests_from_the_per_user_cache(tmp_path, monkeypatch):
    """A build into a new output folder (issue 20) does not read the files again whose digests the per-user
    cache holds under the same inode, size and times; a file changed since is read again."""
    import time
    from pathlib import Path

    from coursepress import stamps
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(stamps, "RACY_S", -1.0)
    kept, changed = tmp_path / "kept.png", tmp_path / "changed.png"
    kept.write_bytes(PNG_RED)
    changed.write_bytes(PNG_RED)
    first = stamps.FileHashes(tmp_path / "out1")
    (tmp_path / "out1").mkdir()
    assert first.digest(kept) == first.digest(changed) == hashlib.sha256(PNG_RED).hexdigest()
    first.save()
    old = changed.stat()
    time.sleep(0.05)                                  # a later clock tick for the change time (no assertion on time)
    changed.write_bytes(PNG_BLUE)                     # same size, and the old modification time put back:
    os.utime(changed, ns=(old.st_atime_ns, old.st_mtime_ns))     # only the change time tells
    read: list[str] = []
    real = Path.read_bytes

    def reading(path):
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    second = stamps.FileHashes(tmp_path / "out2")
    assert second.digest(kept) == hashlib.sha256(PNG_RED).hexdigest()
    assert second.digest(changed) == hashlib.sha256(PNG_BLUE).hexdigest()
    assert read == ["changed.png"]
    assert stamps.FileHashes(tmp_path / "out3", shared=False).digest(kept) and read[-1] == "kept.png"
