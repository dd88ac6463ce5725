"""C33: ordered lists keep their source start numbers (0, resumed at 3 or 4) in handout and deck.

The expected numbers are read from the case's Markdown (every line that starts an ordered item, in
source order), not typed here; a list's later items count on from its first number.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from conftest import CASES, require_soffice, run_build
from readback import NS, page_texts

A = f"{{{NS['a']}}}"


def pdf_text(path) -> str:
    return "\n".join(page_texts(path))


def items() -> list[str]:
    """The first characters of every ordered item's text, in source order."""
    text = (CASES / "C33/lecture.md").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"^\d+\. (\S{4})", text, re.M)]


def shown_numbers(text: str) -> list[int]:
    """The number printed before each item of :func:`items` in ``text`` (first occurrence)."""
    out = []
    for start in items():
        match = re.search(r"(\d+)\.\s*" + re.escape(start), text)
        assert match, f"item '{start}' not found with a number"
        out.append(int(match.group(1)))
    return out


def expected_numbers() -> list[int]:
    """Numbers a reader should see: CommonMark counts on from each list's first item."""
    numbers: list[int] = []
    previous_was_item = False
    for line in (CASES / "C33/lecture.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\d+)\. ", line)
        if match:
            numbers.append(numbers[-1] + 1 if previous_was_item else int(match.group(1)))
            previous_was_item = True
        elif line and not line.startswith(" ") and not line.startswith("```"):
            previous_was_item = False   # a paragraph or heading ends the list
    return numbers


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import PROJECTS

    root = tmp_path_factory.mktemp("c33") / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "content/lectures/intro.md").unlink()
    shutil.copy(CASES / "C33/lecture.md", root / "content/lectures/lecture.md")
    out = root / "dist"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    return out


def test_expected_numbers_come_from_the_source():
    assert expected_numbers() == [0, 1, 2, 3, 4, 5, 3, 4]


def test_handout_prints_the_source_numbers(built):
    # WeasyPrint draws list markers as their own text (pdfium returns them after the page's body text)
    markers = [int(n) for n in re.findall(r"^(\d+)\.\s*$", pdf_text(built / "lecture.pdf"), re.M)]
    assert markers == expected_numbers()


def test_deck_start_at_is_valid_ooxml(built):
    starts = []
    with zipfile.ZipFile(built / "lecture.pptx") as z:
        for name in z.namelist():
            if re.match(r"ppt/(slides|notesSlides)/\w+\.xml$", name):
                for auto in etree.fromstring(z.read(name)).iter(f"{A}buAutoNum"):
                    if auto.get("startAt") is not None:
                        starts.append(int(auto.get("startAt")))
    assert starts and all(1 <= s <= 32767 for s in starts)   # ST_TextBulletStartAtNum


@pytest.mark.slow
def test_libreoffice_shows_the_source_numbers(built, tmp_path):
    soffice = require_soffice()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(built / "lecture.pptx")], check=True, capture_output=True,
                   timeout=240)
    assert shown_numbers(pdf_text(tmp_path / "lecture.pdf")) == expected_numbers()
