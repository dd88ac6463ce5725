"""Fit against the fonts on the audience's machine (issue 13, item 6): the deck is measured, character by
character, with the widest advance of the shipped sans and of the faces the theme lists under
``deck.fit_faces`` (templates/deck/fit-widths.json, written from those faces by coursepress.fitwidths)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import REPO
from coursepress.fitwidths import FILE, table
from coursepress.textmeasure import _load, measurer_for, shipped_faces
from coursepress.theme import default_theme

SIZE_PT = 20.0


def _noto():
    face = next(f for f in shipped_faces(REPO) if f.family == default_theme().sans and not f.italic and f.weight < 600)
    return _load(face.path, face.path.stat().st_mtime)


def test_a_line_that_fits_only_the_narrow_face_wraps():
    measure = measurer_for(REPO)
    text = "2023-11-07 " * 6 + "GPT-4 Turbo 128K"          # digits and Latin: narrow in Noto, wide in DejaVu Sans
    narrow_pt = _noto().width_em(text) * SIZE_PT
    assert measure.width_pt(text, SIZE_PT) > narrow_pt * 1.08      # the measure is the wider face's
    frame_pt = narrow_pt / 0.97 + 2                               # room for the text in the shipped face alone
    assert measure.lines([(text, False)], frame_pt, SIZE_PT) == 2
    han = "大语言模型" * 6                                         # ideographs: 1 em in every face
    assert measure.width_pt(han, SIZE_PT) == pytest.approx(_noto().width_em(han) * SIZE_PT)


def test_bold_is_measured_with_the_widest_bold():
    measure = measurer_for(REPO)
    data = json.loads((REPO / FILE).read_text(encoding="utf-8"))
    assert measure.width_pt("0", 10.0, bold=True) == pytest.approx(data["bold"][str(ord("0"))] / 100, abs=0.01)
    assert data["bold"][str(ord("0"))] > data["regular"][str(ord("0"))]


def test_widths_file_is_what_the_installed_faces_give():
    if shutil.which("fc-list") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fontconfig (fc-list) is required when CI=true")
        pytest.skip("fontconfig is not installed")
    faces = list(default_theme().fit_faces)
    assert faces
    try:
        fresh = table(faces)
    except LookupError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}: README's test command installs the faces")
        pytest.skip(str(exc))
    committed = json.loads((REPO / FILE).read_text(encoding="utf-8"))
    assert fresh == committed, "run python -m coursepress.fitwidths"
