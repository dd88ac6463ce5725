"""Code blocks and hard line breaks in the handout and the deck (issue 11, cases C36 and C37), read back.

Expected values come from the inputs: code lines from the Markdown, colours
from ``templates/code/theme.toml``; nothing is typed twice.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from pathlib import Path

import pypdf
import pytest
from pptx import Presentation

from conftest import REPO, run_build
from readback import char_boxes, page_texts, render
from test_deck import NS, title_of

A = f"{{{NS['a']}}}"
THEME = tomllib.loads((REPO / "templates/code/theme.toml").read_text(encoding="utf-8"))
MONO = "DejaVu Sans Mono"
HAN = re.compile(r"[\u3400-\u9fff]")

SAMPLING = '''\
def sample(logits, temperature=1.0, top_k=50):
    """按温度和 top-k 采样下一个词元。"""
    import random
    scaled = [x / temperature for x in logits]
    ranked = sorted(range(len(scaled)), key=lambda i: scaled[i], reverse=True)
    kept = ranked[:top_k]
    total = 0.0
    weights = []
    for i in kept:
        w = 2.718281828 ** (scaled[i] - scaled[ranked[0]])
        weights.append(w)
        total += w
    r = random.random() * total
    for i, w in zip(kept, weights):
        if r < w:
            return i
        r -= w
    if not kept:
        raise ValueError("空的候选集合")
    while True:
        try:
            choice = random.choice(kept)
        except IndexError:
            continue
        else:
            break
    for step in range(3):
        if step > 1:
            print(step)  # 调试输出
    return kept[-1]
'''
LONG_LINE = "x = " + " + ".join(f"value_{i}" for i in range(40)) + "  # 很长的一行，超过一张幻灯片的宽度"
LONG_OUTPUT = " ".join(f"loss={i / 1000:.4f}" for i in range(30))


def _build(root: Path, kind: str, *extra: str):
    out = root / "out"
    result = run_build(kind, "--project", str(root), "--out", str(out), "--force", *extra)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return out, result


def _code_paragraphs(slide):
    """(paragraph text, [(run text, a:rPr)]) of the paragraphs of ``slide`` whose runs are all monospace."""
    out = []
    for shape in slide.shapes:
        if not shape.has_text_frame:
            continue
        for p in shape.text_frame._txBody.iter(f"{A}p"):
            runs = list(p.iter(f"{A}r"))
            if runs and all(r.find(f"{A}rPr/{A}latin").get("typeface") == MONO for r in runs):
                out.append(("".join(r.findtext(f"{A}t") for r in runs),
                            [(r.findtext(f"{A}t"), r.find(f"{A}rPr")) for r in runs]))
    return out


def _colour(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _text_fill_colours(pdf: Path) -> set[tuple[float, float, float]]:
    """Fill colours in force when text is shown, over every page (read from the content streams)."""
    seen: set = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        state = {"fill": (0.0, 0.0, 0.0)}

        def before(op, args, cm, tm, state=state):
            if op in (b"rg", b"sc", b"scn") and len(args) == 3:
                state["fill"] = tuple(round(float(a), 3) for a in args)
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                seen.add(state["fill"])

        page.extract_text(visitor_operand_before=before)
    return seen


@pytest.fixture(scope="module")
def code_project(tmp_path_factory):
    """A lecture with a 30-line function, a long code line, a long output line, and inline code."""
    root = tmp_path_factory.mktemp("code")
    import shutil
    shutil.copytree(REPO / "tests/projects/minimal", root / "p")
    root = root / "p"
    lecture = textwrap.dedent('''\
        ---
        title: 代码测试
        ---

        # 代码

        ## 采样

        用 `sample()` 取下一个词元：

        ```python
        {sampling}```

        ## 长行

        ```python
        if True:
            {long}
        ```

        ```output
        {output}
        ```
        ''').format(sampling=SAMPLING, long=LONG_LINE, output=LONG_OUTPUT)
    (root / "content/lectures/intro.md").write_text(lecture, encoding="utf-8")
    out, result = _build(root, "all")
    assert "warning" not in result.err, result.err
    return root, out


def test_deck_code_is_monospace_coloured_and_keeps_indentation(code_project):
    _, out = code_project
    prs = Presentation(str(out / "intro.pptx"))
    lines = [(text, runs) for slide in prs.slides for text, runs in _code_paragraphs(slide)]
    texts = [t for t, _ in lines]
    for source in SAMPLING.splitlines():
        if source.strip():
            assert source in texts, source          # leading spaces kept, one paragraph per line
    colours = {r.find(f"{A}solidFill/{A}srgbClr").get("val") for _, runs in lines for _, r in runs
               if r.find(f"{A}solidFill/{A}srgbClr") is not None}
    theme = {c.lstrip("#").upper() for c in THEME["colours"].values()}
    assert len(colours & theme) >= 3, colours
    for text, runs in lines:
        for run_text, rpr in runs:
            assert int(rpr.get("sz")) >= THEME["slides"]["min_pt"] * 100, run_text
            if HAN.search(run_text):
                assert rpr.find(f"{A}ea").get("typeface") == "Noto Sans CJK SC", run_text


def test_deck_splits_code_only_before_statements(code_project):
    _, out = code_project
    prs = Presentation(str(out / "intro.pptx"))
    source = [line for line in SAMPLING.splitlines()]
    starts = []
    shown: list[str] = []
    for slide in prs.slides:
        code = [t for t, _ in _code_paragraphs(slide) if t in source or not t.strip()]
        body = [t for t in code if t in source]
        if body and shown and body[0] in source:
            starts.append((title_of(slide), body[0]))
        shown.extend(body)
    assert [s for s in shown if s.strip()] == [s for s in source if s.strip()]
    assert starts, "a 30-line function should need more than one slide"
    for title, first in starts:
        assert title.endswith("（续）"), title
        # a continuation starts with a statement directly in the function body (4 spaces), never inside
        # a nested block (if/for/while/try bodies are deeper) and never on a line closing a bracket
        assert len(first) - len(first.lstrip(" ")) <= 4, first
        assert not first.strip().startswith(("else", "except", "elif", "finally", ")", "]")), first


def test_long_code_and_output_lines_wrap_with_a_mark(code_project):
    _, out = code_project
    prs = Presentation(str(out / "intro.pptx"))
    lines = [t for slide in prs.slides for t, _ in _code_paragraphs(slide)]
    joined = "".join(re.sub(r"^ *↪ ", "", t) for t in lines)
    assert "    " + LONG_LINE in joined
    assert sum(1 for t in lines if t.startswith("    ↪ ")) >= 2     # continuation at the line's indent
    pdf_text = re.sub(r"\s", "", "".join(page_texts(out / "intro.pdf")))
    assert re.sub(r"\s", "", LONG_LINE) in pdf_text
    assert re.sub(r"\s", "", LONG_OUTPUT) in pdf_text


def test_handout_code_has_theme_colours_and_output_is_plain(code_project):
    _, out = code_project
    used = _text_fill_colours(out / "intro.pdf")
    theme = {_colour(c) for c in THEME["colours"].values()}
    near = {t for t in theme if any(max(abs(a - b) for a, b in zip(t, u)) < 0.01 for u in used)}
    assert len(near) >= 3, (used, theme)


def test_output_block_looks_different_on_slides(code_project):
    _, out = code_project
    prs = Presentation(str(out / "intro.pptx"))
    panels = [shape for slide in prs.slides for shape in slide.shapes if shape.name.startswith("Code panel")]
    dashes = {shape._element.find(f".//{A}ln/{A}prstDash") is not None for shape in panels}
    assert dashes == {True, False}
    for slide in prs.slides:
        for text, runs in _code_paragraphs(slide):
            if "loss=" in text:
                assert all(r.find(f"{A}solidFill") is None or text.startswith("↪") for _, r in runs), text


def test_unknown_language_warns_and_builds(make_project):
    root = make_project(lecture="""\
        ---
        title: 测试
        ---

        # 一

        ```pyhton
        print("x")
        ```
        """)
    _, result = _build(root, "pptx")
    assert re.search(r"intro\.md:7: unknown code language 'pyhton'", result.err), result.err


def test_c36_code_on_slides(case_project):
    root = case_project("C36")
    out, result = _build(root, "pptx")
    assert "warning" not in result.err, result.err
    prs = Presentation(str(out / "lecture.pptx"))
    source = (root / "content/lectures/lecture.md").read_text(encoding="utf-8")
    block = source.split("```python\n")[1].split("```")[0].splitlines()
    holders = [slide for slide in prs.slides if any(t == block[0] for t, _ in _code_paragraphs(slide))]
    assert len(holders) == 1
    code = [t for t, _ in _code_paragraphs(holders[0])]
    start = code.index(block[0])
    assert code[start:start + len(block)] == block          # 9 consecutive lines of one slide
    assert next(t for t in code if "<eos>" in t).startswith(" " * 8 + "if")
    assert next(t for t in code if t.strip() == "break").startswith(" " * 12 + "b")
    comment = [r for _, runs in _code_paragraphs(holders[0]) for t, r in runs if "不换行" in t]
    assert comment and comment[0].find(f"{A}ea").get("typeface") == "Noto Sans CJK SC"
    inline = []
    for slide in prs.slides:
        frames = [s.text_frame for s in slide.shapes if s.has_text_frame] + [slide.notes_slide.notes_text_frame]
        for frame in frames:
            for r in frame._txBody.iter(f"{A}r"):
                if "model.stream()" in (r.findtext(f"{A}t") or ""):
                    inline.append(r)
    assert len(inline) == 2       # one on the slide, one in the notes
    for r in inline:
        assert r.findtext(f"{A}t") == "model.stream()"   # a run of its own
        assert r.find(f"{A}rPr/{A}latin").get("typeface") == MONO
        assert r.find(f"{A}rPr/{A}cs").get("typeface") == MONO


def test_c37_hard_breaks_in_deck_and_handout(case_project):
    root = case_project("C37")
    out, result = _build(root, "all")
    assert "warning" not in result.err, result.err
    prs = Presentation(str(out / "lecture.pptx"))
    poem = ["床前明月光，", "疑是地上霜。", "举头望明月，", "低头思故乡。"]
    found_poem = found_definition = False
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            rows = []          # (line text, paragraph index, paragraph has a:buNone) for every line shown
            for k, p in enumerate(shape.text_frame._txBody.iter(f"{A}p")):
                bu_none = p.find(f"{A}pPr/{A}buNone") is not None
                current = ""
                for child in p:
                    if child.tag == f"{A}r":
                        current += child.findtext(f"{A}t")
                    elif child.tag == f"{A}br":
                        rows.append((current, k, bu_none))
                        current = ""
                rows.append((current, k, bu_none))
            texts = [t for t, _, _ in rows]
            if poem[0] in texts:
                at = texts.index(poem[0])
                assert texts[at:at + 4] == poem                       # four lines, in order
                paras = {k for _, k, _ in rows[at:at + 4]}
                # one paragraph with three a:br, or four paragraphs without bullets
                assert len(paras) == 1 or (len(paras) == 4 and all(b for _, _, b in rows[at:at + 4])), rows
                found_poem = True
            if "定义：" in texts:
                at = texts.index("定义：")
                assert rows[at + 1][0].startswith("困惑度") and rows[at + 1][1] == rows[at][1]   # a:br, same item
                found_definition = True
            assert not any("， 疑" in t for t in texts)
    assert found_poem and found_definition
    lines = [line.strip() for page in page_texts(out / "lecture.pdf") for line in page.splitlines()]
    for line in poem + ["定义："]:
        assert line in lines, line
    assert any(line.startswith("困惑度") for line in lines)


def test_handout_wrapped_line_hangs_with_a_mark(code_project):
    """The long line wraps: every continuation starts right of the line's own start (hanging indent of
    2 characters) and the gap before it holds ink (the ↪ mark), never text at the left margin."""
    _, out = code_project
    pdf = out / "intro.pdf"
    chars = [(page, c, box) for page, c, box, _, _ in char_boxes(pdf)]
    start = next(i for i in range(len(chars)) if "".join(c for _, c, _ in chars[i:i + 9]) == "x=value_0")
    page, _, first = chars[start]
    char_w = first[2] - first[0]
    rows: list[list] = []
    for _, char, box in chars[start:]:
        if char == "#":
            break
        if not rows or abs(box[1] - rows[-1][0][1]) > 3:   # a new line box (bottom moved)
            rows.append([])
        rows[-1].append(box)
    assert len(rows) >= 3, "the long line should wrap on the page"
    image = render(pdf, page, scale=3)
    height = image.height / 3
    for row in rows[1:]:
        left = min(b[0] for b in row)
        assert left >= first[0] + 1.5 * char_w, (left, first[0])
        box = (int(first[0] * 3), int((height - max(b[3] for b in row)) * 3), int((left - 0.2 * char_w) * 3),
               int((height - min(b[1] for b in row)) * 3))
        assert min(image.crop(box).get_flattened_data()) < 160, "no wrap mark before a continuation line"


def test_wrapped_code_line_is_reported_only_with_verbose(code_project):
    root, _ = code_project
    quiet = run_build("pptx", "--project", str(root), "--out", str(root / "out-q"))
    loud = run_build("pptx", "--project", str(root), "--out", str(root / "out-v"), "-v")
    assert quiet.code == 0 and loud.code == 0
    assert "wrapped" not in quiet.err
    assert re.search(r"intro\.md:\d+: a code line is wider than a slide even at 14 pt", loud.err), loud.err


def test_handout_splits_long_code_between_statements_and_says_so(make_project):
    """A block longer than a page breaks only before a top-level ``def`` (after a blank line), and
    each page that starts inside the block says so in its running header; other pages do not."""
    body = "\n".join(f"def f{i}(x):\n    # 第 {i} 个函数\n    if x > {i}:\n        return x * {i}\n    return x\n"
                     for i in range(25))
    root = make_project(lecture=f"---\ntitle: 长代码\n---\n\n# 代码\n\n## 很长的代码块\n\n前言。\n\n"
                                f"```python\n{body}```\n\n后记。\n")
    out, result = _build(root, "pdf")
    assert "warning" not in result.err, result.err
    pages = page_texts(out / "intro.pdf")
    code_pages = [k for k, text in enumerate(pages) if "return x *" in text]
    assert len(code_pages) >= 3
    for k in code_pages:
        lines = [line.strip() for line in pages[k].splitlines() if line.strip()]
        continued = k != code_pages[0]
        assert ("代码接上页" in pages[k]) == continued, k
        if continued:
            assert lines[0].startswith("def f"), lines[:3]      # the page starts with a top-level statement
    after = code_pages[-1] + 1
    assert all("代码接上页" not in text for text in pages[after:] + pages[:code_pages[0]])


def test_lead_in_moves_with_its_code_to_the_next_slide(make_project):
    """When a code block moves to the next slide, the paragraph that introduces it moves with it."""
    bodies = ["def f{i}(x):\n    # 注释 {i}\n    return [y * {i} for y in x if y > 0]\n",
              "for f in *.txt; do\n  wc -l \"$f\"  # 统计行数 {i}\ndone | sort -n | tail -{i}\n",
              "epoch {i}: loss=0.{i}23\n训练完成\n"]
    parts = ["---\ntitle: 多个代码块\n---\n\n# 代码\n"]
    for i in range(15):
        if i % 5 == 0:
            parts.append(f"\n## 第 {i} 节\n")
        language = ("python", "bash", "output")[i % 3]
        parts.append(f"\n第 {i} 个例子：\n\n```{language}\n{bodies[i % 3].format(i=i)}```\n")
    root = make_project(lecture="".join(parts))
    out, result = _build(root, "pptx")
    assert "warning" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    moved = 0
    for slide in prs.slides:
        body = [p for s in slide.shapes if s.has_text_frame and s.name != "Title"
                and not s.name.startswith("Code panel") for p in s.text_frame.paragraphs]
        texts = [p.text for p in body]
        for k, text in enumerate(texts):
            match = re.fullmatch(r"第 (\d+) 个例子：?", text)
            if match:
                first_code = bodies[int(match.group(1)) % 3].format(i=match.group(1)).splitlines()[0]
                assert k + 1 < len(texts) and texts[k + 1] == first_code, (title_of(slide), texts)
                moved += k == 0 and title_of(slide).endswith("（续）")
    assert moved >= 1, "no code block moved to a continuation slide: the test proves nothing"


def test_project_code_theme_is_used_and_checked(make_project):
    """A project's own templates/code/theme.toml sets the colours; a value that is no colour is an error."""
    theme = (REPO / "templates/code/theme.toml").read_text(encoding="utf-8")
    mine = re.sub(r'(?m)^keyword\s*=\s*"#[0-9a-f]{6}"', 'keyword = "#AB0012"', theme)
    lecture = "---\ntitle: 主题\n---\n\n# 一\n\n```python\nfor x in y:\n    pass\n```\n"
    root = make_project(lecture=lecture, files={"templates/code/theme.toml": mine})
    out, _ = _build(root, "pptx")
    prs = Presentation(str(out / "intro.pptx"))
    fills = {r[1].find(f"{A}solidFill/{A}srgbClr").get("val") for slide in prs.slides
             for text, runs in _code_paragraphs(slide) for r in runs if r[0] == "for"}
    assert fills == {"AB0012"}
    (root / "templates/code/theme.toml").write_text(mine.replace('"#AB0012"', '"blue"'), encoding="utf-8")
    bad = run_build("pptx", "--project", str(root), "--out", str(root / "out2"))
    assert bad.code == 1 and "Traceback" not in bad.err
    assert re.search(r"theme\.toml: \[colours\] keyword = 'blue' is not a colour", bad.err), bad.err
