"""``language: en`` (issue 10): a course in English builds with no Chinese interface word in any output.

The small English course of tests/projects/english (parts, a model table, three
charts, a Markdown table, a picture, a numbered formula, code, call-out boxes,
a footnote and a reference) is built whole (handout, deck, poster, HTML handout) and read
back: PDF text, outline and metadata; every slide's text, table cells, chart
titles, axis titles, number formats, series and category names, shape names
and speaker notes; the poster's text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import pypdf
from lxml import etree
from pptx import Presentation

from conftest import REPO, run_build

# Han ideographs and CJK punctuation, full-width forms (Unicode 15 blocks)
HAN = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                 "\U00020000-\U0003134f]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("en") / "course"
    shutil.copytree(REPO / "tests" / "projects" / "english", root)
    out = root / "dist"
    for kind in ("all", "html"):
        result = run_build(kind, "--project", str(root), "--out", str(out), "--force")
        assert result.code == 0 and "warning" not in result.err and "Traceback" not in result.err, result.err
    return out


def _pdf_texts(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]

    def outline(items) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item)
            else:
                texts.append(item.title)

    outline(reader.outline)
    texts += [str(v) for v in (reader.metadata or {}).values()]
    return texts


def _deck_texts(path: Path) -> list[str]:
    texts: list[str] = []
    for slide in Presentation(str(path)).slides:
        xml = etree.tostring(slide._element, encoding="unicode")
        texts += re.findall(r"<a:t>([^<]*)</a:t>", xml)                     # text, tables, titles
        texts += re.findall(r' name="([^"]*)"', xml)                         # shape names (equations too)
        for shape in slide.shapes:
            texts.append(shape.name)
            if shape.has_chart:                                            # titles, axes, formats, series
                chart = etree.tostring(shape.chart._chartSpace, encoding="unicode")
                texts += re.findall(r">([^<]+)<", chart) + re.findall(r'formatCode="([^"]*)"', chart)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def test_english_outputs_hold_no_chinese(built: Path) -> None:
    pages = [(p.name, [p.read_text(encoding="utf-8")]) for p in sorted((built / "html").glob("*.html"))]
    assert len(pages) == 2
    for name, texts in [("intro.pdf", _pdf_texts(built / "intro.pdf")), ("intro.pptx", _deck_texts(built / "intro.pptx")),
                        ("poster.pdf", _pdf_texts(built / "poster.pdf"))] + pages:       # HTML: text and attributes
        chinese = [t for t in texts if HAN.search(t)]
        assert not chinese, (name, chinese[:5])


def test_english_outputs_print_the_english_words(built: Path) -> None:
    handout = "\n".join(_pdf_texts(built / "intro.pdf"))
    for phrase in ("Contents", "Table 1", "Figure 1", "Equation (1)", "Page 3 of", "References", "Author",
                   "15 January 2024", "1B", "1.8T", "not disclosed", "Note", "Tip", "Warning"):
        assert phrase in handout, phrase
    deck = _deck_texts(built / "intro.pptx")
    joined = "\n".join(deck)
    for phrase in ("Contents", "Part 1", "Thank you", "References", "Parameters of 4 models",
                   "Parameters (log scale)", "open weights", "Gamma", "not disclosed", 'General"B"', "Equation 1"):
        assert phrase in joined, phrase
    poster = "\n".join(_pdf_texts(built / "poster.pdf"))
    for phrase in ("Large language models compared", "Release timeline", "Data as of 15 January 2024",
                   "not disclosed", "Gamma", "Openness"):
        assert phrase in poster, phrase
