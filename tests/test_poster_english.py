"""The poster of a fresh English course: ``coursepress init``, then ``language: en`` and an English title.

A new user's English init (three models) failed on every sheet with "fits when
measured but not after layout": the gaps between the sections were set from the
height predicted for Chinese text, and English words, which wrap whole, made the
content taller than predicted, so the gaps pushed the timeline onto a second page.
A date kept whole also ran into the next table column at the largest size; the fitter now measures
text past its cell too. The poster is built on A2 portrait and landscape and on A3 and read back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from conftest import run_build
from readback import char_boxes
from coursepress.writers.poster.fit import ISO_A_MM

MM = 72 / 25.4


@pytest.fixture(scope="module")
def english_init(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("en-init") / "course"
    result = run_build("init", str(root))
    assert result.code == 0, result.err
    course = root / "content" / "course.yaml"
    text = course.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*?(\s+#)", r"title: Deep Learning Basics\1", text)
    text = re.sub(r"(?m)^language: \S+", "language: en", text)
    course.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("size, orientation", [("A2", "--portrait"), ("A2", "--landscape"), ("A3", "--landscape")])
def test_english_init_poster_fits_one_page(english_init, tmp_path, size, orientation):
    result = run_build("poster", "--project", str(english_init), "--out", str(tmp_path), "--size", size,
                       orientation)
    assert result.code == 0, result.err
    assert result.err == ""
    pdf = tmp_path / "poster.pdf"
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    short, long = ISO_A_MM[size]
    wide, tall = (long, short) if orientation == "--landscape" else (short, long)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (pytest.approx(wide * MM, abs=1), pytest.approx(tall * MM, abs=1))
    text = reader.pages[0].extract_text()
    for words in ("Deep Learning Basics", "Release timeline", "Parameters", "Notes"):
        assert words in text
    models = re.findall(r"(?m)^\s+- name: (\S+)", (english_init / "content/data/models.yaml").read_text("utf-8"))
    assert len(models) == 3
    for name in models:
        assert name in text.replace("\n", "")
    margin = 12 * (short / 297) ** 0.5 * MM * 0.9
    lines: dict[float, list[tuple[float, float, str]]] = {}
    for _, char, (left, bottom, right, top), width, height in char_boxes(pdf):
        assert left >= margin - 0.5 and right <= width - margin + 0.5, char
        assert bottom >= margin - 0.5 and top <= height - margin + 0.5, char
        if char.strip():
            lines.setdefault(round(bottom), []).append((left, right, char))
    # no text runs into the next: a date kept whole ("2024-03-14") once ran into the parameters column
    for chars in lines.values():
        chars.sort()
        for (_, right, char), (left, _, following) in zip(chars, chars[1:]):
            assert left >= right - 1.0, f"{char!r} overlaps {following!r}"
