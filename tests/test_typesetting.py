"""Chinese composition in the handout (issue 16): justification, punctuation compression, no-break rules.

Lines are read back from the PDF's character boxes (pdfium, loose boxes: the
font's advance and line height), so each test sees what a reader sees.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import run_build
from readback import loose_chars, page_texts

BODY_PT = 10.5
HAN = re.compile(r"[\u4e00-\u9fff]")
UNITS = "亿万月年个%"

# 43 + 45 + 2 Han characters: with a 45-character text block and a two-character first-line indent the
# last line would hold 2 characters without the minimum-last-line rule.
SHORT_TAIL = ("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙"
              "珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让国有虞陶唐")[:90]
assert len(SHORT_TAIL) == 90

# A 43-character first line (after the indent), then a 45-em line that starts with an opening bracket and ends
# with a comma, then a short last line: the line-edge marks of clreq §3.1.6 (half width at line start and end).
EDGES = SHORT_TAIL[::-1][:43] + "（" + SHORT_TAIL[::-1][43:86] + "，" + "天地玄黄宇宙洪荒。"
OPENING = "（「『“《【〈〔"
CLOSING = "，。、；：）」』”》】〉〕"

LECTURE = f"""---
title: 排版
---

# 正文排版

大语言模型（Large Language Model，简称 LLM）是参数量达到数百亿乃至更多的语言模型。例如拥有1750亿参数的GPT-3和5400亿参数的PaLM，它们与BERT（3.3亿参数）、GPT-2（15亿参数）这类小模型在架构上并无本质差别，表现出来的能力却判若两样。Claude 2 的上下文窗口达到100K，约合8万字；GPT-4 Turbo 则是128K，约合300页文本，于5/8/9月分批发布。

从“能用”到“好用”，模型经历了预训练、指令微调和对齐三个阶段：每一阶段都让它更接近人们的期望（参见第二节）。研究者发现，当参数量跨过某个门槛后，模型会突然具备小模型没有的能力，这被称为“涌现能力”，例如在提示中给出几个示例，模型就能完成新的任务；而参数量为13亿、70亿、130亿、700亿的模型之间差别明显，训练数据从3000亿到2万亿个词元不等，成本也从数万到数百万美元不等。

{SHORT_TAIL}

{EDGES}

| 写法 | 说明 |
|---|---|
| 参数）、数据 | 括号后接顿号 |
| “大脑”，模型 | 引号后接逗号 |
| 见（“附录”）一节 | 连续的开、闭标点 |
"""


def _chars(pdf: Path) -> list[tuple[int, str, float, float, float]]:
    """(page, char, left, right, baseline) of each non-space character, in reading order."""
    return [(page, char, left, right, bottom) for page, char, left, right, bottom, _top in loose_chars(pdf)]


def _ink(pdf: Path) -> dict[tuple[int, float, float], tuple[float, float]]:
    """(page, baseline, loose left) → (ink left, ink right) of each non-space character, in pt."""
    doc = pdfium.PdfDocument(str(pdf))
    out = {}
    try:
        for number in range(len(doc)):
            text = doc[number].get_textpage()
            for i in range(text.count_chars()):
                if text.get_text_range(i, 1).isspace():
                    continue
                left, bottom, _, _ = text.get_charbox(i, loose=True)
                ink_left, _, ink_right, _ = text.get_charbox(i)
                out[(number, round(bottom, 1), round(left, 2))] = (ink_left, ink_right)
    finally:
        doc.close()
    return out


def _lines(pdf: Path) -> list[tuple[int, float, list[tuple[str, float, float]]]]:
    """Body lines (10.5 pt text): (page, baseline, [(char, left, right)]) top to bottom."""
    rows: dict[tuple[int, float], list] = collections.defaultdict(list)
    for page, char, left, right, base in _chars(pdf):
        rows[(page, base)].append((char, left, right))
    lines = []
    for (page, base), chars in rows.items():
        chars.sort(key=lambda c: c[1])
        lines.append((page, base, chars))
    lines.sort(key=lambda line: (line[0], -line[1]))
    return lines


def _paragraphs(pdf: Path, first: str, stop: str) -> list[list[list[tuple[str, float, float]]]]:
    """Body paragraphs from the line starting with ``first`` up to the line holding ``stop``.

    Lines of one paragraph are one leading apart (line-height 1.72 × 10.5 pt ≈ 18.06 pt);
    a larger step starts a new paragraph.
    """
    lines = _lines(pdf)
    start = next(k for k, line in enumerate(lines) if "".join(c for c, *_ in line[2]).startswith(first))
    paragraphs: list[list] = [[]]
    previous = None
    for page, base, chars in lines[start:]:
        if stop in "".join(c for c, *_ in chars):
            break
        if previous and (page != previous[0] or abs(previous[1] - base - 18.06) > 0.6):
            paragraphs.append([])
        paragraphs[-1].append(chars)
        previous = (page, base)
    return paragraphs


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("typesetting") / "proj"
    import shutil

    from conftest import PROJECTS
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").write_text(LECTURE, encoding="utf-8")
    result = run_build("pdf", "--project", str(root), "--out", str(root / "out"))
    assert result.code == 0, result.err
    return root / "out" / "intro.pdf"


def test_justified_lines_end_at_the_right_edge_of_a_whole_em_text_block(handout):
    """Every line but a paragraph's last is flush at both edges; a closing mark ending a line and an opening
    mark starting one count with their half-width box (clreq §3.1.6: the blank half is not set)."""
    paragraphs = _paragraphs(handout, "大语言模型", "写法说明")
    assert len(paragraphs) == 4
    lefts = [p[1][0][1] for p in paragraphs if len(p) > 1 and p[1][0][0] not in OPENING]
    left = min(lefts)
    right = max(line[-1][2] for p in paragraphs for line in p if line[-1][0] not in CLOSING)
    assert abs((right - left) / BODY_PT - round((right - left) / BODY_PT)) < 0.02, right - left
    for paragraph in paragraphs:
        assert len(paragraph) >= 2
        for line in paragraph[:-1]:
            text = "".join(c for c, *_ in line)
            end = line[-1][1] + BODY_PT / 2 if line[-1][0] in CLOSING else line[-1][2]
            assert abs(right - end) < 0.5, f"line ends {right - end:.1f} pt short: {text}"
        for line in paragraph[1:]:
            start = line[0][1] + BODY_PT / 2 if line[0][0] in OPENING else line[0][1]
            assert abs(start - left) < 0.5


def test_marks_at_line_edges_are_set_half_width(handout):
    """clreq §3.1.6: a justified line ending in "，" sets the comma half width, flush with the text block
    and its ink inside it; a line starting with "（" loses the bracket's blank left half, so its half-width
    box starts at the left edge. Ink is read from the glyph boxes, the set width from the loose boxes."""
    ink = _ink(handout)
    paragraphs = _paragraphs(handout, "大语言模型", "写法说明")
    text_lines = [line for p in paragraphs for line in p]
    right = max(line[-1][2] for line in text_lines if line[-1][0] not in CLOSING)
    left = min(line[0][1] for p in paragraphs for line in p[1:] if line[0][0] not in OPENING)
    edges = next(p for p in paragraphs if "".join(c for c, *_ in p[0]).startswith(EDGES[:6]))
    assert len(edges) == 3, ["".join(c for c, *_ in line) for line in edges]
    middle = edges[1]
    assert middle[0][0] == "（" and middle[-1][0] == "，", "".join(c for c, *_ in middle)
    page, base = next((pg, b) for pg, b, chars in _lines(handout) if chars == middle)
    comma_ink = ink[(page, base, round(middle[-1][1], 2))]
    assert abs(middle[-1][1] + BODY_PT / 2 - right) < 0.5, (middle[-1], right)
    assert comma_ink[1] <= right + 0.1, (comma_ink, right)
    bracket_ink = ink[(page, base, round(middle[0][1], 2))]
    assert abs(middle[0][1] + BODY_PT / 2 - left) < 0.5, (middle[0], left)
    assert left - 0.1 <= bracket_ink[0] < left + BODY_PT / 4, (bracket_ink, left)
    # every non-last line ending in a closing mark (the first paragraph has a "。" there too)
    ends = [line for p in paragraphs for line in p[:-1] if line[-1][0] in CLOSING]
    assert len(ends) >= 2
    for line in ends:
        assert abs(line[-1][1] + BODY_PT / 2 - right) < 0.5, "".join(c for c, *_ in line)


def test_copied_text_has_ordinary_spaces_and_nothing_between_han_characters(handout):
    text = "".join(page_texts(handout))
    assert "\u2005" not in text
    flat = text.replace("\r", "").replace("\n", "")
    flat = flat[flat.index("大语言模型（Large"):flat.index("写法")]
    assert "它们与 BERT（3.3 亿参数）、GPT-2（15 亿参数）这类小模型" in flat
    assert re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", flat) is None


def test_numbers_stay_with_their_units_and_names_with_versions(handout):
    lines = _lines(handout)
    texts = ["".join(c for c, *_ in chars) for _, _, chars in lines]
    for before, after in zip(texts, texts[1:]):
        assert not (before[-1:].isdigit() and after[:1] in UNITS), (before, after)
        assert not (before.endswith(("Claude", "GPT-4")) and after.startswith(("2", "Turbo"))), (before, after)


def test_a_paragraph_never_ends_with_a_line_of_fewer_than_four_characters(handout):
    paragraphs = _paragraphs(handout, "大语言模型", "表1")
    tail = paragraphs[2]
    assert "".join(c for line in tail for c, *_ in line) == SHORT_TAIL
    for paragraph in paragraphs:
        assert len(paragraph[-1]) >= 4, "".join(c for c, *_ in paragraph[-1])


def test_adjacent_full_width_punctuation_takes_at_most_one_and_a_half_em(handout):
    """In the table (left-aligned, so no justification stretch) each pair advances ≤ 1.5 em; the em is
    measured from the Han character after the pair."""
    lines = _lines(handout)
    cells = [chars for _, _, chars in lines if "".join(c for c, *_ in chars).startswith(("参数）", "“大脑”", "见（"))]
    assert len(cells) == 3
    pairs = 0
    for chars in cells:
        text = "".join(c for c, *_ in chars)
        for pair in ("）、", "”，", "（“", "”）"):
            k = text.find(pair)
            if k < 0:
                continue
            after = next(j for j in range(k + 2, len(chars)) if HAN.match(chars[j][0]))
            em = chars[after + 1][1] - chars[after][1]
            advance = chars[k + 2][1] - chars[k][1]
            assert advance <= 1.5 * em + 0.2, (pair, advance, em)
            pairs += 1
    assert pairs == 4


def test_cjk_units_match_pangos_letter_spacing_rule():
    from coursepress.writers.cjkjustify import cjk_runs, cjk_units

    assert cjk_runs("ab中文“引号”cd") == [(2, 8)]
    assert cjk_runs("say “hi”") == []
    assert cjk_units("中文中文") == 3                 # box edges get nothing
    assert cjk_units("ab中文中文cd") == 4             # three gaps and two half edges
    assert cjk_units("中文ab中文") == 3


def test_short_tail_after_inline_markup_is_kept_with_the_markup():
    """A paragraph ending ``<strong>…</strong>之一。`` keeps four characters together across the tag."""
    from coursepress.cjkspacing import autospace_html

    html = autospace_html("<p>是最典型的<strong>生成式预训练语言模型</strong>之一。</p>")
    assert html == ('<p>是最典型的<strong>生成式预训练语言模</strong><span class="nobr"><strong>型</strong>之一。'
                    "</span></p>")
    assert autospace_html("<pre><code>x中文 5 亿</code></pre>") == "<pre><code>x中文 5 亿</code></pre>"


PARTS_LECTURE = """---
title: 印刷
---

# 第一部分

{body}

# 第二部分

{body}

## 小节

{body}

### 三级

#### 四级：模型小节

##### 五级标题

{body}

{body}

{body}

{body}

# 第三部分

{body}
"""


def _print_project(make_project, handout: str) -> Path:
    body = "这一段是正文，用来填充页面。" * 16
    course = (PROJECTS_MINIMAL / "content/course.yaml").read_text(encoding="utf-8") + "handout:\n" + handout
    return make_project(lecture=PARTS_LECTURE.format(body=body), course=course)


PROJECTS_MINIMAL = Path(__file__).resolve().parent / "projects" / "minimal"


def _left_edges_by_page(pdf: Path) -> dict[int, float]:
    edges: dict[int, float] = {}
    for page, char, left, _, _ in _chars(pdf):
        if HAN.match(char):
            edges[page] = min(edges.get(page, 1e9), left)
    return edges


def test_duplex_mirrors_margins_and_opens_parts_on_right_hand_pages(make_project, tmp_path):
    from readback import outline

    root = _print_project(make_project, "  duplex: true\n")
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    pdf = tmp_path / "out" / "intro.pdf"
    parts = [page for depth, title, page in outline(pdf) if depth == 0 and "部分" in title]
    assert len(parts) == 3
    assert all(page % 2 == 0 for page in parts), parts        # 0-based even = 1-based odd: right-hand pages
    toc_page = next(k for k, text in enumerate(page_texts(pdf)) if "目录" in text)
    assert toc_page % 2 == 0
    edges = _left_edges_by_page(pdf)
    mm = 72 / 25.4
    inner, outer = 25 * mm, None
    for page, left in edges.items():
        if page == 0:
            continue
        if page % 2 == 0:                       # right-hand page: inner margin on the left
            assert abs(left - inner) < 1.0 or left > inner, (page, left / mm)
        else:
            outer = min(outer or 1e9, left)
    assert outer is not None and outer < inner - 5 * mm      # left-hand pages: the narrow outer margin on the left


def test_cover_toc_and_part_breaks_can_be_switched_off(make_project, tmp_path):
    root = _print_project(make_project, "  cover: false\n  toc: false\n  part_break: none\n")
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    texts = page_texts(tmp_path / "out" / "intro.pdf")
    assert "目录" not in "".join(texts) and "作者" not in "".join(texts)
    first = texts[0].replace("\r", "").replace("\n", "")
    assert "第一部分" in first and "第二部分" in first          # parts run on, no page break before them


def test_contents_lists_level_four_and_deeper_heads_are_unnumbered(make_project, tmp_path):
    root = _print_project(make_project, "  toc_depth: 4\n")
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    texts = page_texts(tmp_path / "out" / "intro.pdf")
    toc = next(t for t in texts if "目录" in t).replace(" ", "")
    assert "2.1.1.1四级：模型小节" in toc and "五级标题" not in toc
    body = "".join(texts[texts.index(next(t for t in texts if "目录" in t)) + 1:]).replace(" ", "")
    assert "2.1.1.1四级" in body and "五级标题" in body and "2.1.1.1.1" not in body


@pytest.mark.parametrize("args", [("pdf", "--size", "A3"), ("pdf", "--print"), ("pptx", "--landscape"),
                                  ("poster", "--lecture", "intro"), ("pdf", "--reference", "x.pptx")])
def test_options_that_do_not_apply_are_usage_errors(args):
    result = run_build(*args)
    assert result.code == 2
    assert "does not apply" in result.err and "Traceback" not in result.err


def test_every_footnote_is_on_the_page_of_its_mark(make_project, tmp_path):
    """Paragraphs of varied length, each citing a three-line footnote: some marks fall at a page foot."""
    filler = "这是用来推动版面的正文文字，"
    paragraphs, notes = [], []
    for n in range(1, 41):
        paragraphs.append(f"第{n}段{filler * (3 + n % 7)}标记{n}号[^n{n}]。")
        notes.append(f"[^n{n}]: 脚注正文{n}号：" + "脚注的说明文字需要占好几行，" * 6)
    lecture = "---\ntitle: 脚注\n---\n\n# 脚注位置\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(notes) + "\n"
    root = make_project(lecture=lecture)
    result = run_build("pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    pages = [t.replace("\r", "").replace("\n", "").replace(" ", "") for t in page_texts(tmp_path / "out" / "intro.pdf")]
    for n in range(1, 41):
        mark = next(k for k, t in enumerate(pages) if f"标记{n}号" in t)
        assert f"脚注正文{n}号" in pages[mark], f"footnote {n} is not on page {mark + 1}, the page of its mark"
