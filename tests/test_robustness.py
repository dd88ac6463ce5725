"""Trustworthy builds under bad and hostile input (issue 5): pathological sizes and nesting,
SVG safety, safe paths for the reference deck, messages and exit codes, random input
(hypothesis), and the deck side of cases C15, C23 and C25.

Every test of bad input checks the exit code, a message with file and line, no
traceback, and that the previous outputs are unchanged.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree
from pptx import Presentation

from conftest import REPO, Run, run_build
from readback import NS, digest, norm, page_texts
from coursepress.errors import ContentError, ContentErrors
from coursepress.load import load_course
from coursepress.inlines import MAX_INLINE_DEPTH
from coursepress.reader import MAX_BLOCK_DEPTH

HEAD = "---\ntitle: 测试\n---\n\n# 开始\n\n"
MEMORY_LIMIT_BYTES = 2 * 2**30       # generous robustness bounds, not speed targets
TIME_LIMIT_S = 300

# Runs the build as its child and reports the peak RSS of the build and its workers
# (RUSAGE_CHILDREN covers every waited-for descendant; ru_maxrss is in KiB on Linux).
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
sys.exit(code)
"""


def measured_build(tmp_path: Path, *args: str) -> tuple[Run, int]:
    """Run ``build.py ARGS`` with a time bound; returns the run and its peak RSS in bytes."""
    report = tmp_path / "maxrss.txt"
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(report), sys.executable, str(REPO / "build.py"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=TIME_LIMIT_S)
    return Run(proc.returncode, proc.stdout, proc.stderr), int(report.read_text())


def outputs(out: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def built_project(make_project, kinds: str = "pdf") -> tuple[Path, Path, dict[str, str]]:
    """A minimal project built once (good outputs to protect) → (root, out, digests)."""
    root = make_project()
    out = root / "dist"
    result = run_build(kinds, "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    return root, out, outputs(out)


def assert_refused(result: Run, where: str, words: str, out: Path, before: dict[str, str]) -> None:
    """Exit 1, a message naming ``where`` (file:line) and ``words``, no traceback, outputs untouched."""
    assert result.code == 1, (result.out, result.err)
    assert any(where in line and words in line for line in result.err.splitlines()), result.err
    assert "Traceback" not in result.err
    assert outputs(out) == before


# ---------------------------------------------------------------- pathological input
def big_markdown(n_bytes: int = 1_000_000) -> str:
    para = "大语言模型是一类**语言模型**，用于生成文本 and English words，见 `code` 与 *强调*。" * 4 + "\n\n"
    parts, size, i = [], 0, 0
    while size < n_bytes:
        i += 1
        part = f"## 小节 {i}\n\n" + para * 5 + f"- 要点 {i}\n- 另一点\n\n"
        parts.append(part)
        size += len(part.encode())
    return "".join(parts)


def long_table(rows: int = 5000) -> str:
    return "| 名称 | 数值 | 说明 |\n|---|--:|---|\n" + "".join(f"| 行{i} | {i} | 文本 |\n" for i in range(rows))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["1 MB of Markdown", "5,000-row table"])
def test_large_input_builds_within_bounds(make_project, tmp_path, name):
    body = big_markdown() if name.startswith("1 MB") else long_table()
    root = make_project(lecture=HEAD + body)
    out = tmp_path / "out"
    result, peak = measured_build(tmp_path, "all", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err[-2000:]
    assert "Traceback" not in result.err
    assert {"intro.pdf", "intro.pptx", "poster.pdf"} <= set(outputs(out))
    assert peak < MEMORY_LIMIT_BYTES, f"{name}: peak RSS {peak / 2**20:.0f} MiB"


def _nested(kind: str, depth: int) -> str:
    if kind == "list":
        return "".join("  " * i + f"- 项{i}\n" for i in range(depth))
    if kind == "quote":
        return "> " * depth + "深引用\n"
    if kind == "container":
        return "::: note\n" * depth + "文字\n" + ":::\n" * depth
    if kind == "fences":      # properly nested: each inner fence shorter than its parent
        return ("".join(":" * (3 + depth - i) + " note\n" for i in range(depth)) + "文字\n"
                + "".join(":" * (4 + i) + "\n" for i in range(depth)))
    if kind == "mixed":
        return "".join("  " * i + ("- " if i % 2 else "> ") + "项\n" for i in range(depth))
    if kind == "emphasis":
        return "*" * depth + "文字" + "*" * depth + "\n"
    raise ValueError(kind)


@pytest.mark.parametrize("kind, line, words", [
    ("list", 7 + MAX_BLOCK_DEPTH, "nested more than"),
    ("quote", 7, "nested more than"),
    ("container", 7 + MAX_BLOCK_DEPTH, "nested more than"),
    ("mixed", 7 + 2 * MAX_BLOCK_DEPTH, "nested more than"),     # "- " and "> " lines alternate
    ("emphasis", 7, "emphasis, strike-through and links nested"),
])
def test_nesting_1000_deep_fails_cleanly(make_project, tmp_path, kind, line, words):
    root, out, before = built_project(make_project)
    (root / "content/lectures/intro.md").write_text(HEAD + _nested(kind, 1000), encoding="utf-8")
    result, peak = measured_build(tmp_path, "pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, f"content/lectures/intro.md:{line}:", words, out, before)
    assert peak < MEMORY_LIMIT_BYTES


def test_nesting_at_the_limit_keeps_every_word(make_project, tmp_path):
    """Just inside the limits nothing is dropped (markdown-it alone drops lists nested past 9 levels)."""
    body = (_nested("list", MAX_BLOCK_DEPTH) + "\n" + _nested("fences", MAX_BLOCK_DEPTH) + "\n"
            + "**" * (MAX_INLINE_DEPTH // 2) + "强调" + "**" * (MAX_INLINE_DEPTH // 2) + "\n")
    root = make_project(lecture=HEAD + body)
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    text = norm("".join(page_texts(out / "intro.pdf")))
    for word in (f"项{MAX_BLOCK_DEPTH - 1}", "文字", "强调"):
        assert word in text, word


# ---------------------------------------------------------------- SVG from content
CLEAN_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
             '<rect width="120" height="60" fill="#ff0000"/></svg>')


@pytest.mark.parametrize("svg, words", [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>',
     "contains a script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" '
     'onload="alert(1)"/></svg>', "contains a script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
     '<image xlink:href="http://127.0.0.1:9/x.png" width="10" height="10"/></svg>', "external resource"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="../../../../etc/hostname" '
     'width="10" height="10"/></svg>', "external resource"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" '
     'style="fill: url(file:///etc/passwd)"/></svg>', "external resource"),
])
def test_unsafe_svg_refused(make_project, svg, words):
    root, out, before = built_project(make_project)
    (root / "content/lectures/img").mkdir()
    (root / "content/lectures/img/a.svg").write_text(svg, encoding="utf-8")
    (root / "content/lectures/intro.md").write_text(HEAD + "![示意图](img/a.svg)\n", encoding="utf-8")
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/lectures/intro.md:7:", words, out, before)
    assert "img/a.svg" in result.err


def test_clean_svg_appears_in_the_handout(make_project, tmp_path):
    root = make_project(lecture=HEAD + "![红色方块](img/ok.svg)\n", files={"content/lectures/img/ok.svg": CLEAN_SVG})
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    doc = pdfium.PdfDocument(str(out / "intro.pdf"))
    try:
        red = 0
        for page in doc:
            image = page.render(scale=1).to_pil().convert("RGB")
            pixels = image.tobytes()
            red += sum(1 for i in range(0, len(pixels), 3)
                       if pixels[i] > 200 and pixels[i + 1] < 60 and pixels[i + 2] < 60)
    finally:
        doc.close()
    assert red > 1000           # the vector rectangle was drawn (not a blank or missing image)


# ---------------------------------------------------------------- safe paths: the reference deck
@pytest.mark.parametrize("ref, words", [
    ("/etc/passwd", "is absolute"),
    ("../outside.pptx", "leaves the project"),
    ("link.pptx", "leaves the project"),
    ("missing.pptx", "does not exist"),
])
def test_configured_reference_deck_must_stay_inside(make_project, tmp_path, ref, words):
    root, out, before = built_project(make_project)
    outside = tmp_path / "outside.pptx"
    shutil.copy(REPO / "templates/deck/reference.pptx", outside)
    (root / "link.pptx").symlink_to(outside)
    course = root / "content/course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(text + f"deck:\n  reference: {ref}\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    for command in ("check", "pptx"):
        result = run_build(command, "--project", str(root), "--out", str(out))
        assert_refused(result, f"content/course.yaml:{line}:", "reference deck", out, before)
        assert words in result.err and ref in result.err


def test_reference_flag_may_point_outside_the_project(make_project, tmp_path):
    """``--reference`` is the user's explicit choice on the command line (README): any readable file."""
    root = make_project()
    outside = tmp_path / "elsewhere" / "mine.pptx"
    outside.parent.mkdir()
    shutil.copy(REPO / "templates/deck/reference.pptx", outside)
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), "--reference", str(outside))
    assert result.code == 0, result.err
    missing = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"),
                        "--reference", str(tmp_path / "nothing.pptx"))
    assert missing.code == 2 and "nothing.pptx" in missing.err and "Traceback" not in missing.err   # usage error
    not_a_deck = tmp_path / "notes.txt"
    not_a_deck.write_text("not a presentation")
    wrong = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), "--reference", str(not_a_deck))
    assert wrong.code == 1 and "notes.txt" in wrong.err and "Traceback" not in wrong.err
    assert "cannot be opened as a PowerPoint file" in wrong.err and "Save As" in wrong.err     # what to do


# ---------------------------------------------------------------- messages and exit codes
def test_one_summary_line_per_output_on_stdout_messages_on_stderr(make_project, tmp_path):
    lecture = HEAD + "正文，[旧链接](ftp://example.com/a)。\n"
    root = make_project(lecture=lecture)
    result = run_build("all", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert sorted(line.split(": ")[0].rsplit("/", 1)[-1] for line in lines) == ["intro.pdf", "intro.pptx", "poster.pdf"]
    assert "warning" not in result.out
    assert "content/lectures/intro.md:7" in result.err and "ftp://example.com/a" in result.err


def test_quiet_prints_nothing_on_success_but_errors_on_failure(make_project, tmp_path):
    root = make_project()
    ok = run_build("all", "-q", "--project", str(root), "--out", str(tmp_path / "out"))
    assert (ok.code, ok.out, ok.err) == (0, "", "")
    assert run_build("check", "-q", "--project", str(root)).out == ""
    (root / "content/lectures/intro.md").write_text(HEAD + "::: bogus\n文字\n:::\n", encoding="utf-8")
    bad = run_build("all", "-q", "--project", str(root), "--out", str(tmp_path / "out"))
    assert bad.code == 1 and bad.out == "" and "intro.md:7" in bad.err


_INTERNAL_ERROR = """
import sys
from pathlib import Path
import coursepress.pipeline
def broken(*args, **kwargs):
    raise ZeroDivisionError("simulated bug")
coursepress.pipeline.build = broken
from coursepress.cli import main
sys.exit(main(sys.argv[1:], default_root=Path.cwd()))
"""


def test_internal_error_traceback_only_with_verbose(make_project):
    root = make_project()
    args = [sys.executable, "-c", _INTERNAL_ERROR, "pdf", "--project", str(root), "--out", str(root / "out")]
    plain = subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert plain.returncode == 1
    assert "internal error: ZeroDivisionError: simulated bug" in plain.stderr and "-v" in plain.stderr
    assert "Traceback" not in plain.stderr
    verbose = subprocess.run(args + ["-v"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert verbose.returncode != 0
    assert "Traceback" in verbose.stderr and "ZeroDivisionError" in verbose.stderr


def test_help_documents_commands_and_exit_codes():
    result = run_build("--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "exit codes: 0 success, 1 content or build errors" in text and "2 usage errors" in text
    for command in ("pdf", "pptx", "poster", "all", "check", "watch"):
        assert command in text


# ---------------------------------------------------------------- cases C15, C23, C25 on the deck side
def deck_texts(prs) -> str:
    """All text of the slides (frames and table cells) and of the notes."""
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts)


def external_targets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [rel.get("Target") for name in z.namelist() if name.endswith(".rels")
                for rel in etree.fromstring(z.read(name)).iterfind("rel:Relationship", NS)
                if rel.get("TargetMode") == "External"]


def test_c15_deck_picture_is_the_file_from_any_cwd(case_project, tmp_path):
    root = case_project("C15")
    lecture = root / "content/lectures/lecture.md"
    lines = lecture.read_text(encoding="utf-8").splitlines()
    lecture.write_text("\n".join(l for l in lines if "missing.png" not in l and "/img/flow.png" not in l),
                       encoding="utf-8")
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out), cwd=tmp_path)
    assert result.code == 0, result.err
    prs = Presentation(str(out / "lecture.pptx"))
    blobs = [shape.image.blob for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    expected = hashlib.sha256((root / "content/lectures/img/flow.png").read_bytes()).hexdigest()
    assert [hashlib.sha256(b).hexdigest() for b in blobs] == [expected]


def test_c15_deck_run_reports_missing_and_absolute_images(case_project, tmp_path):
    root = case_project("C15")
    result = run_build("pptx", "--project", str(root), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.err
    assert "lecture.md:13" in result.err and "img/missing.png" in result.err
    assert "lecture.md:9" in result.err and "/img/flow.png" in result.err
    assert not (tmp_path / "out" / "lecture.pptx").exists()


def test_c23_deck_has_text_but_no_unsafe_links(case_project, tmp_path):
    root = case_project("C23")
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    prs = Presentation(str(out / "lecture.pptx"))
    assert "正常段落：这一段必须出现在讲义中。" in deck_texts(prs)
    targets = external_targets(out / "lecture.pptx")
    assert not [t for t in targets if not t.lower().startswith(("http://", "https://", "mailto:"))], targets
    with zipfile.ZipFile(out / "lecture.pptx") as z:      # escaped HTML may show as text, never as a link
        names = z.namelist()
    assert not [n for n in names if n.startswith("ppt/media/")]       # <img src="file://…"> pulled nothing in


def test_c25_deck_runs_keep_literal_markup(case_project, tmp_path):
    root = case_project("C25")
    (root / "content/lectures/intro.md").write_text(
        "---\ntitle: 转义\n---\n\n# 表\n\n```{model-table}\n:columns: name, organisation, context\n```\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    prs = Presentation(str(out / "intro.pptx"))
    tables = [shape.table for slide in prs.slides for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1 and len(tables[0].rows) == 2            # header + one row per model
    cells = [cell.text for row in tables[0].rows for cell in row.cells]
    for literal in ("Xinghe <mini>", "星河 R&D 中心"):
        assert literal in cells, cells
    assert any("<128" in cell for cell in cells), cells


# ---------------------------------------------------------------- random input (hypothesis)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), codec="utf-8"), max_size=12)
_CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=6)
_CONTROL = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\ufeff", "\r", "\t", "\u2028"])
_INLINE = st.one_of(_TEXT, _CJK, _CONTROL, st.sampled_from([
    "*", "**", "_", "~~", "`", "[", "]", "(", ")", "[^1]", "[^x]", "{#id}", "![", "<b>", "&amp;", "\\",
    "[](#fig-1)", "[](#tbl-x)", "[链接](https://example.com)", "[x](javascript:alert(1))", "**标签：**正文",
    "![图](images/none.png)", "![](data:image/png;base64,AAAA)", "<script>", "$", "|",
]))
_LINE_START = st.sampled_from(["", "", "# ", "## ", "###### ", "####### ", "- ", "* ", "1. ", "> ", "    ",
                               "::: note ", "::: notes", "::: slides", "::: bogus", ":::", "::::",
                               "```", "```{model-table}", "```{chart}", ":id: ", ":kind: ", ":columns: ",
                               ":filter: ", "| a | b |", "|---|---|", "[^1]: ", "---", "Table: "])
_LINE = st.builds(lambda start, parts: start + "".join(parts), _LINE_START, st.lists(_INLINE, max_size=6))
_MARKDOWN = st.builds(lambda front, lines: front + "\n".join(lines), st.sampled_from(
    ["", "---\ntitle: 随机\n---\n", "---\ntitle: [\n---\n", "---\n---\n", "---\ntitle: 随机\norder: x\n---\n"]),
    st.lists(_LINE, max_size=25))

_SCALAR = st.one_of(_TEXT, _CJK, st.integers(-10, 10**6).map(str), st.sampled_from([
    "yes", "no", "on", "n", "~", "null", "3.10", "2023-02-30", "2024-05", "-1", "1e400", "[7, 13]", "[", "{",
    "'quoted'", '"x', "&anchor", "*alias", "!!python/object:os.system", "|", ">-", "@", "`", "%", "? x",
    "<128", "~86", "[1, [2]]", "{a: 1}", ".inf", ".nan", "1e400", "9" * 5000, "0x1F", "!!binary aGk=", "!!set {a}",
]))
_KEY = st.one_of(st.sampled_from(["name", "organisation", "open", "release", "parameters_b", "context_k",
                                  "modalities", "highlights", "url", "notes", "estimated", "family",
                                  "parameter_b", "organization", "country", "models", "columns", "as_of"]), _TEXT)


@st.composite
def _models_yaml(draw) -> str:
    lines = [draw(st.sampled_from(["models:", "models:", "columns: [country]", "columns: [name, 1, [x]]",
                                   "as_of: 2023-11-30", "models: []"]))]
    for _ in range(draw(st.integers(0, 6))):
        indent = " " * draw(st.sampled_from([0, 2, 2, 4, 4, 6, 3]))
        dash = draw(st.sampled_from(["- ", "", "", "\t"]))
        lines.append(f"{indent}{dash}{draw(_KEY)}: {draw(_SCALAR)}")
        for _ in range(draw(st.integers(0, 4))):
            lines.append(" " * draw(st.sampled_from([2, 4, 4, 6, 8])) + f"{draw(_KEY)}: {draw(_SCALAR)}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@pytest.fixture(scope="module")
def random_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("random") / "proj"
    shutil.copytree(Path(__file__).parent / "projects" / "minimal", root)
    return root


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown=_MARKDOWN, models=st.one_of(st.none(), _models_yaml()))
def test_random_markdown_and_yaml_load_or_fail_cleanly(random_project, markdown, models):
    """``load_course`` either succeeds or raises ContentError(s) with file positions, never anything else."""
    minimal = Path(__file__).parent / "projects" / "minimal" / "content"
    (random_project / "content/lectures/intro.md").write_text(markdown, encoding="utf-8")
    (random_project / "content/data/models.yaml").write_text(
        models if models is not None else (minimal / "data/models.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    try:
        load_course(random_project)
    except ContentErrors as exc:
        assert exc.errors and all(e.pos.file.startswith("content") for e in exc.errors)
    except ContentError as exc:
        assert exc.pos.file.startswith("content")


@pytest.mark.parametrize("models, where, words", [
    # found by the property test and probes: each used to escape as a Python exception
    ("models:\n  - name: A\n    organisation: B\n    parameters_b: " + "9" * 5000 + "\n", "models.yaml:4",
     "not a positive number"),
    ("columns: [country, [x]]\nmodels:\n  - name: A\n    organisation: B\n", "models.yaml:1", "columns"),
    ("models:\n  - name: A\n    organisation: B\n    parameters_b: .inf\n", "models.yaml:4", "not a positive number"),
    ("models:\n  - name: A\n    organisation: B\n    context_k: .nan\n", "models.yaml:4", "not a positive number"),
])
def test_yaml_values_that_used_to_crash(make_project, models, where, words):
    with pytest.raises(ContentErrors) as info:
        load_course(make_project(models=models))
    assert any(where in str(e) and words in str(e) for e in info.value.errors), info.value.errors


# ---------------------------------------------------------------- random YAML and SVG (issue 14)
_CONTROL = st.characters(min_codepoint=0, max_codepoint=0x9F,
                         blacklist_characters="\n")         # C0, DEL and C1 controls, and printable ASCII
_CTRL_TEXT = st.text(alphabet=st.one_of(_CONTROL, st.sampled_from("模型 :-[]{}#&*!|>'\"%@`,")), max_size=40)


@st.composite
def _nested_yaml(draw) -> tuple[str, int]:
    """(text, levels of flow nesting or 0 for block nesting): up to 200 levels, scalars with control characters."""
    depth = draw(st.integers(0, 200))
    scalar = draw(st.one_of(_CTRL_TEXT, _CTRL_TEXT.map(lambda t: '"' + t.replace('"', "") + '"'),
                            _CTRL_TEXT.map(lambda t: "'" + t.replace("'", "") + "'")))
    if draw(st.booleans()):
        return "models: " + "[" * depth + "1, " + scalar + "]" * depth + "\n", depth + 1
    lines = ["models:"]
    for level in range(depth):
        lines.append("  " * (level + 1) + draw(st.sampled_from(["- k:", "k:", "-"])))
    lines.append("  " * (depth + 1) + scalar)
    return "\n".join(lines) + "\n", 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_nested_yaml())
def test_random_deep_yaml_with_control_characters_loads_or_fails_cleanly(case):
    """Nesting past 64 levels is refused at a line naming the ``yaml_depth`` limit; nothing but a
    ContentError ever escapes, whatever control characters the strings hold."""
    from coursepress.yamlsource import load_yaml

    text, levels = case
    try:
        load_yaml(text, "content/data/models.yaml")
    except ContentError as exc:
        assert exc.pos.file == "content/data/models.yaml" and exc.pos.line >= 1
        if levels > 64 and not exc.message.startswith("YAML") and "character" not in exc.message:
            assert "yaml_depth" in exc.message, exc.message      # (a bad scalar may be reported first)
        return
    assert levels <= 64


_SVG = "http://www.w3.org/2000/svg"
_SVG_TAGS = ["g", "rect", "use", "defs", "style", "text", "image", "script", "foreignObject", "a", "pattern"]
_SVG_ATTRS = ["id", "href", "{http://www.w3.org/1999/xlink}href", "style", "fill", "onload", "width"]
_SVG_VALUES = st.one_of(st.sampled_from(["#a", "#b", "a", "http://127.0.0.1:9/x", "url(#a)", "url(x.png)",
                                         "fill: u\\72l(http://x)", "javascript:alert(1)", "data:image/png;base64,AA",
                                         "@import 'x.css';", "10"]),
                        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FFF), max_size=8))


@st.composite
def _svg_document(draw) -> bytes:
    from lxml import etree

    prefix = draw(st.sampled_from([None, "s", "svg"]))
    root = etree.Element(f"{{{_SVG}}}svg", nsmap={prefix: _SVG, "xlink": "http://www.w3.org/1999/xlink"})
    nodes = [root]
    for _ in range(draw(st.integers(0, 25))):
        parent = draw(st.sampled_from(nodes))
        child = etree.SubElement(parent, f"{{{_SVG}}}{draw(st.sampled_from(_SVG_TAGS))}")
        for _ in range(draw(st.integers(0, 2))):
            child.set(draw(st.sampled_from(_SVG_ATTRS)), draw(_SVG_VALUES))
        if draw(st.booleans()):
            child.text = draw(_SVG_VALUES)
        nodes.append(child)
    return etree.tostring(root)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_svg_document())
def test_random_svg_is_accepted_only_when_it_has_no_script_and_no_outside_reference(data):
    """Either a ContentError or an SVG a reader would call safe: no script/foreignObject element under
    any prefix, no event attribute, no href or CSS url() outside the document."""
    from lxml import etree

    from coursepress.errors import SourcePos
    from coursepress.limits import DEFAULTS
    from coursepress.svgcheck import check_svg

    try:
        check_svg(data, "img/x.svg", SourcePos("content/lectures/intro.md", 3), DEFAULTS)
    except ContentError as exc:
        assert str(exc.pos) == "content/lectures/intro.md:3" and "img/x.svg" in exc.message
        return
    for element in etree.fromstring(data).iter():
        assert etree.QName(element).localname not in ("script", "foreignObject")
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            assert not local.startswith("on") and "javascript:" not in value
            if local == "href":
                assert value.startswith(("#", "data:image/png"))
            assert "url(x" not in value and "72l(" not in value      # any value with a CSS function is checked
            assert local != "style" or "@import" not in value       # an id may read "@import": it is no CSS
        assert "@import" not in (element.text or "") or etree.QName(element).localname != "style"
