"""The project is the boundary (issue 14): nothing outside the project is read, written or reached,
no template runs code, no workbook cell is a formula, every input is bounded.

Each refusal is checked for exit 1, a file:line message, no traceback, previous
outputs unchanged and the outside file's content in no output or message.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, Run
from test_robustness import HEAD, assert_refused, outputs

SECRET = "OUTSIDE-SECRET-4f1c"


def run(*args: str, env: dict | None = None) -> Run:
    """``build.py ARGS`` in a fresh process, with extra environment variables."""
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600, env={**os.environ, **(env or {})})
    return Run(proc.returncode, proc.stdout, proc.stderr)


def built(make_project, **kwargs) -> tuple[Path, Path, dict[str, str]]:
    root = make_project(**kwargs)
    out = root / "dist"
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    return root, out, outputs(out)


def no_secret(result: Run, out: Path) -> None:
    """The outside file's content is in no message and no output."""
    assert SECRET not in result.out + result.err
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


class Loopback:
    """A TCP server on 127.0.0.1 that records every connection (nothing may connect)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(5)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.hits: list = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
                self.hits.append(conn)
                conn.close()
            except OSError:
                pass

    def close(self) -> list:
        self.stop.set()
        self.thread.join(1)
        self.server.close()
        return self.hits


# ---------------------------------------------------------------- 1. one gate for every project file
def _outside(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "elsewhere" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _link(root: Path, rel: str, target: Path) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize("rel, where", [
    ("content/course.yaml", "content/course.yaml:"),
    ("content/data/models.yaml", "content/data/models.yaml:"),
    ("content/lectures/intro.md", "content/lectures/intro.md:"),
])
def test_content_file_linked_out_of_the_project_is_refused(make_project, tmp_path, rel, where):
    root, out, before = built(make_project)
    original = (root / rel).read_text(encoding="utf-8")
    doctored = original.replace("测试课程", SECRET).replace("Alpha-7B", SECRET).replace("背景", SECRET)
    assert SECRET in doctored
    _link(root, rel, _outside(tmp_path, Path(rel).name, doctored))
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, where, "leaves the project folder", out, before)
    no_secret(result, out)


def test_template_include_through_a_link_is_refused(make_project, tmp_path):
    root, out, before = built(make_project)
    page = (REPO / "templates/handout/handout.html.j2").read_text(encoding="utf-8")
    (root / "templates/handout").mkdir(parents=True)
    (root / "templates/handout/handout.html.j2").write_text(
        page.replace("<head>", '<head>{% include "handout/secret.html.j2" %}', 1), encoding="utf-8")
    _link(root, "templates/handout/secret.html.j2", _outside(tmp_path, "secret.txt", SECRET))
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "templates/handout/secret.html.j2", "leaves the project folder", out, before)
    no_secret(result, out)


def test_template_folder_linked_out_of_the_project_is_refused(make_project, tmp_path):
    root, out, before = built(make_project)
    outside = tmp_path / "elsewhere" / "templates" / "handout"
    outside.mkdir(parents=True)
    page = (REPO / "templates/handout/handout.html.j2").read_text(encoding="utf-8")
    (outside / "handout.html.j2").write_text(page.replace("<head>", f"<head>{SECRET}", 1), encoding="utf-8")
    (root / "templates").symlink_to(outside.parent)
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "templates: template folder 'templates'", "leaves the project folder", out, before)
    no_secret(result, out)


def test_font_linked_out_of_the_project_is_refused(make_project, tmp_path):
    root, out, before = built(make_project)
    font = next(p for p in sorted((REPO / "assets/fonts").iterdir()) if p.suffix == ".ttf")
    outside = tmp_path / "elsewhere" / font.name
    outside.parent.mkdir()
    shutil.copy(font, outside)
    _link(root, f"assets/fonts/{font.name}", outside)
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, f"assets/fonts/{font.name}", "leaves the project folder", out, before)


def test_image_linked_out_of_the_project_is_refused(make_project, tmp_path):
    root, out, before = built(make_project)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>{SECRET}</text></svg>'
    _link(root, "content/lectures/img/a.svg", _outside(tmp_path, "a.svg", svg))
    (root / "content/lectures/intro.md").write_text(HEAD + "![示意图](img/a.svg)\n", encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/lectures/intro.md:7:", "leaves the project folder", out, before)
    no_secret(result, out)


def test_fifo_is_refused_at_its_path(make_project):
    root, out, before = built(make_project)
    models = root / "content/data/models.yaml"
    models.unlink()
    os.mkfifo(models)                       # a read would block the build for ever
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/data/models.yaml:", "named pipe", out, before)


def test_symlink_loop_is_refused_at_its_path(make_project):
    root, out, before = built(make_project)
    lecture = root / "content/lectures/other.md"
    lecture.symlink_to(root / "content/lectures/loop.md")
    (root / "content/lectures/loop.md").symlink_to(lecture)
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/lectures/other.md:", "is a symlink loop", out, before)


# ---------------------------------------------------------------- 2. sandboxed templates
@pytest.mark.parametrize("expression, words", [
    ("''.__class__.__mro__[1].__subclasses__()", "__class__"),
    ("cycler.__init__.__globals__.os.popen('{cmd}').read()", "unsafe"),
    ("namespace.__init__.__globals__", "__init__"),
    ("lecture.source.joinpath('../../../elsewhere/secret.txt').read_text()", "joinpath"),
    ("course.meta.model_dump.__func__.__globals__['__builtins__']['open']('{secret}').read()", "__func__"),
])
def test_template_cannot_reach_python_internals(make_project, tmp_path, expression, words):
    root, out, before = built(make_project)
    _outside(tmp_path, "secret.txt", SECRET)
    server = Loopback()
    marker = tmp_path / "ran"
    cmd = f"touch {marker}; python3 -c \\'import urllib.request as u; u.urlopen(\"http://127.0.0.1:{server.port}\")\\'"
    page = (REPO / "templates/handout/handout.html.j2").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(page, 1) if "<head>" in text)
    secret = tmp_path / "elsewhere" / "secret.txt"
    page[line - 1] = page[line - 1].replace("<head>", "<head>{{ " + expression.format(cmd=cmd, secret=secret) + " }}")
    (root / "templates/handout").mkdir(parents=True)
    (root / "templates/handout/handout.html.j2").write_text("\n".join(page) + "\n", encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert server.close() == []
    assert not marker.exists()
    assert_refused(result, f"templates/handout/handout.html.j2:{line}:", words, out, before)
    no_secret(result, out)


# ---------------------------------------------------------------- 3. private temporary files
def test_fontconfig_file_never_written_through_a_planted_link(make_project, tmp_path):
    """The old fontconfig path (a predictable folder in the temp folder) holds a planted link; the
    build neither follows it nor writes anything into the shared temp folder."""
    from coursepress.fonts import font_dirs

    root = make_project()
    shared_tmp = tmp_path / "shared-tmp"
    shared_tmp.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    dirs = font_dirs(root)
    key = hashlib.sha1("|".join(str(d) for d in dirs).encode()).hexdigest()[:12]
    for name in (f"coursepress-fontconfig-{key}", "coursepress-faces", "coursepress-metrics"):
        (shared_tmp / name).mkdir()
    (shared_tmp / f"coursepress-fontconfig-{key}" / "fonts.conf").symlink_to(victim)
    before = sorted(str(p) for p in shared_tmp.rglob("*"))
    cache = tmp_path / "home-cache"
    env = {"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(cache)}
    result = run("all", "--project", str(root), "--out", str(tmp_path / "out"), env=env)
    assert result.code == 0, result.err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert sorted(str(p) for p in shared_tmp.rglob("*")) == before      # nothing written to the shared folder
    private = cache / "coursepress"
    assert (private / f"fontconfig-{key}" / "fonts.conf").is_file()
    for folder in [private, *private.iterdir()]:
        assert folder.stat().st_mode & 0o777 == 0o700, folder


def test_a_cache_folder_of_another_mode_is_not_used(make_project, tmp_path):
    """A per-user cache folder open to others is not trusted: the build uses a private mkdtemp folder."""
    root = make_project()
    cache = tmp_path / "cache"
    (cache / "coursepress").mkdir(parents=True)
    (cache / "coursepress").chmod(0o777)
    result = run("pdf", "--project", str(root), "--out", str(tmp_path / "out"), env={"XDG_CACHE_HOME": str(cache)})
    assert result.code == 0, result.err
    assert list((cache / "coursepress").iterdir()) == []


# ---------------------------------------------------------------- 4. no live formulas in workbooks
FORMULA = '=WEBSERVICE("http://127.0.0.1:9/leak")'


def test_formula_model_name_is_a_string_cell_in_the_chart_workbook(make_project, tmp_path):
    models = (REPO / "tests/projects/minimal/content/data/models.yaml").read_text(encoding="utf-8")
    root = make_project(models=models.replace("name: Alpha-7B", f"name: '{FORMULA}'"))
    out = tmp_path / "out"
    result = run("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    with zipfile.ZipFile(out / "intro.pptx") as deck:
        books = [deck.read(n) for n in deck.namelist() if n.endswith(".xlsx")]
    assert books
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    strings: list[str] = []
    for book in books:
        with zipfile.ZipFile(io.BytesIO(book)) as xlsx:
            sheet = etree.fromstring(xlsx.read("xl/worksheets/sheet1.xml"))
            assert sheet.xpath("//m:f", namespaces=ns) == []               # no formula anywhere
            assert sheet.xpath("//m:hyperlink", namespaces=ns) == []
            if "xl/sharedStrings.xml" in xlsx.namelist():
                strings += etree.fromstring(xlsx.read("xl/sharedStrings.xml")).xpath("//m:t/text()", namespaces=ns)
    assert FORMULA in strings            # the name is kept, as a string cell


# ---------------------------------------------------------------- 5. limits
def _course_with(root: Path, limits: str) -> int:
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + f"limits:\n  {limits}\n", encoding="utf-8")
    return len(course.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("limits, lecture, where, key", [pytest.param(*case, id=case[3]) for case in [
    ("lecture_mb: 0.001", HEAD + "正文。" * 400 + "\n", "content/lectures/intro.md:", "lecture_mb"),
    ("paragraph_kb: 1", HEAD + "第一段。\n\n" + "很长的段落。" * 200 + "\n", "content/lectures/intro.md:9:",
     "paragraph_kb"),
    ("headings: 2", HEAD + "## 二\n\n正文。\n\n## 三\n\n正文。\n", "content/lectures/intro.md:11:", "headings"),
    ("data_mb: 0.0001", None, "content/data/models.yaml:", "data_mb"),
    ("models: 1", None, "content/data/models.yaml:12:", "models"),
    ("image_mb: 0.001", HEAD + "![图](data:image/png;base64," + "A" * 4000 + ")\n", "content/lectures/intro.md:7:",
     "image_mb"),
]])
def test_each_limit_is_named_with_its_file_and_how_to_raise_it(make_project, limits, lecture, where, key):
    root, out, before = built(make_project)
    if lecture is not None:
        (root / "content/lectures/intro.md").write_text(lecture, encoding="utf-8")
    _course_with(root, limits)
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, where, "over the limit of", out, before)
    assert f"({key})" in result.err and f"'limits: {{{key}: " in result.err and "content/course.yaml" in result.err
    raised = root / "content/course.yaml"
    raised.write_text(raised.read_text(encoding="utf-8").replace(limits, f"{key}: 1000000"), encoding="utf-8")
    if key != "image_mb":                       # the fake data URI is no image; the rest now builds
        assert run("pdf", "--project", str(root), "--out", str(out)).code == 0


def test_yaml_nested_past_64_levels_is_refused_at_its_line(make_project):
    root, out, before = built(make_project)
    deep = "x: " + "[" * 70 + "1" + "]" * 70 + "\n"
    models = root / "content/data/models.yaml"
    models.write_text(deep + models.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/data/models.yaml:1:", "yaml_depth", out, before)


def test_image_over_50_megapixels_is_refused_before_decoding(make_project):
    from PIL import Image

    root, out, before = built(make_project)
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")             # 60 MP, a few kB: a decompression bomb
    (root / "content/lectures/img").mkdir()
    (root / "content/lectures/img/big.png").write_bytes(buffer.getvalue())
    (root / "content/lectures/intro.md").write_text(HEAD + "![大图](img/big.png)\n", encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/lectures/intro.md:7:", "image_megapixels", out, before)
    assert "10,000 × 6,000 px" in result.err


def _use_bomb(levels: int = 9, fan: int = 10) -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
             'viewBox="0 0 10 10"><defs><rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#l{level - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#l{levels}"/></svg>')
    return "".join(parts)


def test_nested_use_svg_bomb_is_refused(make_project):
    root, out, before = built(make_project)
    bomb = _use_bomb()
    assert len(bomb) < 2500                          # 10**9 elements once expanded
    (root / "content/lectures/img").mkdir()
    (root / "content/lectures/img/bomb.svg").write_text(bomb, encoding="utf-8")
    (root / "content/lectures/intro.md").write_text(HEAD + "![炸弹](img/bomb.svg)\n", encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, "content/lectures/intro.md:7:", "svg_elements", out, before)
    assert "img/bomb.svg" in result.err


def test_zip_bomb_reference_deck_is_refused(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    assert run("pptx", "--project", str(root), "--out", str(out)).code == 0
    before = outputs(out)
    bomb = root / "bomb.pptx"
    with zipfile.ZipFile(REPO / "templates/deck/reference.pptx") as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        with dst.open("ppt/media/zeros.bin", "w") as handle:       # 256 MB of zeros, ≈ 250 kB packed
            chunk = bytes(2**20)
            for _ in range(256):
                handle.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "deck:\n  reference: bomb.pptx\n", encoding="utf-8")
    result = run("pptx", "--project", str(root), "--out", str(out))
    assert_refused(result, "bomb.pptx", "reference_deck_mb", out, before)


def test_an_output_past_its_time_limit_stops_and_says_what_it_was_doing(make_project):
    root, out, before = built(make_project)
    _course_with(root, "output_minutes: 0.0001")           # 6 ms: any real layout takes longer
    result = run("pdf", "--project", str(root), "--out", str(out), "--force")
    assert result.code == 1 and "Traceback" not in result.err
    assert "the handout of lecture 'intro' ran past the time limit" in result.err
    assert " while " in result.err and "output_minutes" in result.err
    assert outputs(out) == before


def test_an_output_stuck_where_no_signal_reaches_is_ended_by_the_second_timer():
    """The signal timer cannot interrupt one long C call (or a thread); the second timer ends the
    process with the same message (here a sleep in a thread, 0.06 s limit + 0.5 s grace)."""
    script = ("import threading, time\n"
              "import coursepress.watchdog as w\n"
              "w.GRACE_S = 0.5\n"
              "def job():\n"
              "    with w.time_limit(0.001, \"the deck of lecture 'x'\"), w.step('writing slides'):\n"
              "        time.sleep(30)\n"
              "t = threading.Thread(target=job); t.start(); t.join()\n"
              "print('finished')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 1 and "finished" not in proc.stdout
    assert "the deck of lecture 'x' ran past the time limit of 0.001 minutes while writing slides" in proc.stderr


# ---------------------------------------------------------------- 7. SVG checks by parsing
@pytest.mark.parametrize("body, words", [
    ('<s:svg xmlns:s="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><s:script>alert(1)</s:script></s:svg>',
     "contains a script"),
    ('<s:svg xmlns:s="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><s:foreignObject><p>x</p>'
     '</s:foreignObject></s:svg>', "contains a script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>@import "http://127.0.0.1:{port}/a.css";'
     '</style><rect width="10" height="10"/></svg>', "@import"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>@font-face {{ font-family: x; '
     'src: local(x) }}</style></svg>', "@font-face"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>rect {{ fill: u\\72l(http://127.0.0.1:{port}/'
     'p.png) }}</style><rect width="10" height="10"/></svg>', "external resource"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
     '<image x:href="http://127.0.0.1:{port}/i.png" width="10" height="10"/></svg>', "external resource"),
    ('<?xml-stylesheet href="http://127.0.0.1:{port}/s.css"?><svg xmlns="http://www.w3.org/2000/svg" '
     'viewBox="0 0 10 10"/>', "stylesheet"),
])
def test_hidden_svg_scripts_and_references_are_refused(make_project, body, words):
    root, out, before = built(make_project)
    server = Loopback()
    (root / "content/lectures/img").mkdir()
    (root / "content/lectures/img/a.svg").write_text(body.format(port=server.port), encoding="utf-8")
    (root / "content/lectures/intro.md").write_text(HEAD + "![示意图](img/a.svg)\n", encoding="utf-8")
    result = run("pdf", "--project", str(root), "--out", str(out))
    assert server.close() == []
    assert_refused(result, "content/lectures/intro.md:7:", words, out, before)
    assert "img/a.svg" in result.err


# ---------------------------------------------------------------- 6. no quadratic steps
@pytest.mark.slow
def test_deck_and_handout_assembly_grow_linearly_with_headings_and_list_items(tmp_path):
    """Python function calls (independent of the machine and its load) for 100, 200 and 400 sections
    (heading, paragraph, three list items): linear work doubles its increment when the size doubles;
    work that grows with the square (python-pptx's relationship scans, agenda notes repeated on every
    agenda slide) makes it grow about 2.5×."""
    from benchmarks.structure import plan_chars, structure_project, work

    roots = [structure_project(n, tmp_path) for n in (100, 200, 400)]
    calls = [work(root, runs=0) for root in roots]
    for measure in calls[0]:
        c1, c2, c4 = (c[measure][1] for c in calls)
        assert (c4 - c2) / (c2 - c1) < 2.2, (measure, c1, c2, c4)
    s1, s2, s4 = (plan_chars(root) for root in roots)      # no text repeated on a growing number of slides
    assert (s4 - s2) / (s2 - s1) < 2.1, (s1, s2, s4)


def test_a_cache_folder_of_ours_readable_by_others_is_closed_and_used(make_project, tmp_path):
    """A per-user cache folder an older version made 0755 (ours, writable by nobody else) is closed to 0700
    and used, so caches survive between builds; one writable by others stays refused (test above)."""
    root = make_project()
    cache = tmp_path / "cache"
    (cache / "coursepress").mkdir(parents=True)
    (cache / "coursepress").chmod(0o755)
    result = run("pdf", "--project", str(root), "--out", str(tmp_path / "out"), env={"XDG_CACHE_HOME": str(cache)})
    assert result.code == 0, result.err
    assert (cache / "coursepress").stat().st_mode & 0o777 == 0o700
    assert list((cache / "coursepress").iterdir()), "the cache was not used"
