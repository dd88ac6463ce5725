"""Wide tables on slides (new-user test, issue 13): a table whose columns cannot each be as wide as their
longest word at 14 pt is split by columns, the key column first on each part, every cell once, no word
broken, each part fitted by tablefit (rows split only when they must). Read back from the PPTX."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import run_build
from readback import slide_title as title
from coursepress.textmeasure import measurer_for
from coursepress.writers.deck.colsplit import column_parts, whole_word_size

HEADERS = ["模型", "MMLU", "C-Eval", "CMMLU", "GSM8K", "MATH", "HumanEval", "MBPP", "BBH", "AGIEval", "GaoKao",
           "推理速度", "显存"]
# the new-user test's table (ch1.md line 69), rows of numbers, a speed with its unit and a memory size
ROWS = [["GPT-4", "86.4", "68.7", "71.0", "92.0", "42.5", "67.0", "61.8", "83.1", "56.4", "72.3", "慢", "—"],
        ["LLaMA 2-70B", "69.8", "50.1", "53.3", "56.8", "13.5", "29.9", "45.0", "64.2", "54.2", "47.8",
         "12 token/s", "140 GB"],
        ["Qwen-72B", "77.4", "83.3", "83.6", "78.9", "35.2", "35.4", "52.2", "67.7", "62.5", "87.6",
         "10 token/s", "144 GB"],
        ["Yi-34B", "76.3", "81.4", "83.7", "67.2", "14.4", "23.2", "41.0", "54.3", "65.1", "82.8",
         "20 token/s", "68 GB"]]
NBSP = "\u00a0"
# a space a viewer may break at between a number and the unit after it
BROKEN_UNIT = re.compile(r"\d (?=[A-Za-z\u4e00-\u9fff])")


def _lecture(rows: list[list[str]], headers: list[str]) -> str:
    table = "\n".join("| " + " | ".join(r) + " |" for r in [headers, ["---"] * len(headers)] + rows)
    return textwrap.dedent("""\
        ---
        title: 宽表
        ---
        # 部分

        ## 评测得分

        """) + table + "\n\n: 各模型的评测得分 {#tbl-scores}\n"


def _build(make_project, tmp_path: Path, rows: list[list[str]], headers: list[str] = HEADERS):
    root = make_project(lecture=_lecture(rows, headers))
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    return root, Presentation(str(out / "intro.pptx"))


def _tables(prs):
    return [(slide, shape.table) for slide in prs.slides for shape in slide.shapes if shape.has_table]


def _cells(table) -> list[list[str]]:
    return [[cell.text_frame.text for cell in row.cells] for row in table.rows]


def _parts(tables) -> list[list[tuple[object, object]]]:
    """The slides of each column part: consecutive tables with the same header row."""
    parts: list[list[tuple[object, object]]] = []
    for slide, table in tables:
        if parts and _cells(parts[-1][0][1])[0] == _cells(table)[0]:
            parts[-1].append((slide, table))
        else:
            parts.append([(slide, table)])
    return parts


def _sizes(table) -> set[float]:
    return {run.font.size.pt for row in table.rows for cell in row.cells
            for para in cell.text_frame.paragraphs for run in para.runs}


def _check_words_whole(root: Path, tables) -> None:
    """Each column's text width (its width less the cell margins) holds its longest unbreakable unit at the
    cell's own font size and weight, measured as the deck measures (textmeasure, the widest viewer face)."""
    measurer = measurer_for(root)
    for slide, table in tables:
        for c, column in enumerate(table.columns):
            for row in table.rows:
                cell = row.cells[c]
                room = column.width - cell.margin_left - cell.margin_right
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        need = measurer.longest_unit_pt([(run.text, bool(run.font.bold))], run.font.size.pt)
                        assert need * 12700 <= room, (title(slide), run.text, need, room / 12700)


def test_wide_table_is_split_by_columns_key_first_every_cell_once_no_word_broken(make_project, tmp_path):
    root, prs = _build(make_project, tmp_path, ROWS)
    tables = _tables(prs)
    parts = _parts(tables)
    assert len(parts) == 2, [_cells(t)[0] for _, t in tables]       # 12 value columns need two parts at 14 pt
    shown: dict[tuple[str, str], list[str]] = {}
    headers = []
    for k, part in enumerate(parts):
        assert len(part) == 1                                           # four rows: no row split
        (slide, table), = part
        cells = _cells(table)
        assert cells[0][0] == "模型" and [r[0] for r in cells[1:]] == [r[0] for r in ROWS]   # the key column first
        assert title(slide).endswith("（续）") == (k > 0), title(slide)
        assert "各模型的评测得分" in "".join(sh.text_frame.text for sh in slide.shapes
                                              if sh.has_text_frame and sh.top > 0)
        headers += cells[0][1:]
        for row in cells[1:]:
            for head, text in zip(cells[0][1:], row[1:]):
                shown.setdefault((row[0], head), []).append(text)
                assert not BROKEN_UNIT.search(text), text              # a number keeps its unit
        assert min(_sizes(table)) >= 14
    assert headers == HEADERS[1:]                                       # every column once, in order
    assert {key: [t.replace(NBSP, " ") for t in texts] for key, texts in shown.items()} == \
        {(row[0], head): [text] for row in ROWS for head, text in zip(HEADERS[1:], row[1:])}
    counts = [len(_cells(part[0][1])[0]) for part in parts]
    assert max(counts) - min(counts) <= 2, counts                       # balanced
    _check_words_whole(root, tables)


def test_long_wide_table_parts_split_by_rows_evenly_every_row_once(make_project, tmp_path):
    rows = [[f"模型{i:02d}"] + [f"{50 + (i * 7 + c) % 40}.{c}" for c in range(10)] + [f"{10 + i} token/s", f"{i + 1} GB"]
            for i in range(30)]
    root, prs = _build(make_project, tmp_path, rows)
    tables = _tables(prs)
    parts = _parts(tables)
    assert len(parts) == 2
    for part in parts:
        assert 1 < len(part) <= 3                                       # too many rows for one slide at 14 pt
        keys = [r[0] for _, table in part for r in _cells(table)[1:]]
        assert keys == [r[0] for r in rows]                             # every row once per part, in order
        heights = [sum(r.height for r in table.rows) for _, table in part]
        assert min(heights) >= 0.5 * max(heights)                       # no continuation less than half full
        for slide, table in part:
            frame = next(sh for sh in slide.shapes if sh.has_table)
            assert frame.top + sum(r.height for r in table.rows) <= prs.slide_height
    assert [title(slide).endswith("（续）") for slide, _ in tables] == [False] + [True] * (len(tables) - 1)
    _check_words_whole(root, tables)


def test_table_whose_words_fit_at_14_pt_stays_whole_at_a_size_that_keeps_them(make_project, tmp_path):
    # ten columns: their words fit the slide at 14 pt but not at the template's 18 pt
    root, prs = _build(make_project, tmp_path, [r[:10] for r in ROWS], HEADERS[:10])
    tables = _tables(prs)
    assert len(tables) == 1 and len(tables[0][1].columns) == 10
    _check_words_whole(root, tables)


def test_column_parts_fewest_balanced_key_first():
    minimum = [60.0] + [50.0] * 12
    natural = [90.0] + [60.0] * 6 + [120.0] * 6
    assert column_parts(0, minimum, natural, 700.0) == [list(range(13))]
    parts = column_parts(0, minimum, natural, 400.0)                   # 340 pt beside the key: 6 columns a part
    assert [p[0] for p in parts] == [0, 0]
    assert sorted(c for p in parts for c in p[1:]) == list(range(1, 13))
    parts = column_parts(0, minimum, natural, 500.0)                   # 8 a part fit: still two, balanced by load
    assert len(parts) == 2 and [len(p) - 1 for p in parts] == [7, 5]
    assert column_parts(2, [10.0, 500.0, 30.0], [10.0, 500.0, 30.0], 100.0) == [[2, 0], [2, 1]]
    wide = column_parts(0, [50.0, 300.0, 300.0, 20.0], [50.0, 300.0, 300.0, 20.0], 200.0)
    assert wide == [[0, 1], [0, 2], [0, 3]]                             # too wide alone: a part of its own


def test_whole_word_size_steps_down_until_the_words_fit():
    assert whole_word_size(lambda s: [10.0 * s] * 5, 18.0, 14.0, 800.0) == 16.0
    assert whole_word_size(lambda s: [10.0 * s] * 5, 18.0, 14.0, 1000.0) == 18.0
    assert whole_word_size(lambda s: [10.0 * s] * 9, 18.0, 14.0, 800.0) == 14.0


MODELS = """\
as_of: 2024-01-15
columns: [licence, base, tokenizer, runtime, format, benchmark]
models:
""" + "".join(f"""\
  - name: Model-{i}
    organisation: 实验室{i}
    open: true
    release: 2023-0{i}
    parameters_b: {7 * i}
    context_k: 4
    licence: Apache-2.0-with-exceptions
    base: Transformer-decoder-only
    tokenizer: SentencePiece-unigram
    runtime: llama.cpp-compatible
    format: safetensors-fp16
    benchmark: HELM-lite-v1.0.0
    url: https://example.org/model-{i}
""" + ("    estimated:\n      parameters_b: 据报道的估计值。\n" if i == 2 else "") for i in range(1, 4))


def test_model_table_with_many_slide_columns_keeps_the_name_first_and_each_note_with_its_column(make_project, tmp_path):
    lecture = textwrap.dedent("""\
        ---
        title: 模型
        ---
        # 部分

        ## 模型信息

        ```{model-table}
        :caption: 模型的工程信息
        :columns: organisation, name, licence, base, tokenizer, runtime, format, benchmark, parameters, url
        :slide-columns: organisation, name, licence, base, tokenizer, runtime, format, benchmark, parameters
        ```
        """)
    root = make_project(lecture=lecture, models=MODELS)
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    tables = _tables(prs)
    parts = _parts(tables)
    assert len(parts) >= 2
    names = [f"Model-{i}" for i in range(1, 4)]
    for part in parts:
        cells = _cells(part[0][1])
        assert [r[0] for r in cells[1:]] == names                         # the name column first on each part
    shown = [h for part in parts for h in _cells(part[0][1])[0][1:]]
    assert len(shown) == 8 and len(set(shown)) == 8                     # every other column once
    _check_words_whole(root, tables)
    assert len({size for _, table in tables for size in _sizes(table)}) == 1     # one size for every part
    measurer = measurer_for(root)
    (_, first), = parts[0]
    org = first.columns[1].width - first.cell(1, 1).margin_left - first.cell(1, 1).margin_right
    for row in list(first.rows)[1:]:                                      # "实验室1" beside long Latin words:
        run = row.cells[1].text_frame.paragraphs[0].runs[0]              # one line, not a character a line
        assert measurer.lines([(run.text, False)], org / 12700, run.font.size.pt) == 1, (run.text, org / 12700)
    notes = [slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "" for slide, _ in tables]
    for name in names:                                                    # the hidden url: in the notes once
        assert sum(f"https://example.org/model-{name[-1]}" in n for n in notes) == 1, notes
    # the estimate's note: once, on the slide whose table shows the estimated cell
    with_note = [k for k, n in enumerate(notes) if "据报道的估计值" in n]
    with_mark = [k for k, (_, table) in enumerate(tables) if any("≈" in t for r in _cells(table) for t in r)]
    assert len(with_note) == 1 and with_note == with_mark, (with_note, with_mark)
