"""Images a lecturer really has, read back from the outputs (issue 20, a new user's trial).

- A 16-bit grey PNG or TIFF (scanners, microscopes, a plot saved by a lab tool) shows its grey levels in the
  handout, prepared for print and with ``images: original``: Pillow's own conversion clips every level above
  255, so before the fix the picture came out black above its first 1/257 of levels and white below.
- A picture of more megapixels than Pillow opens without warning (89 MP) is refused with the
  ``image_megapixels`` limit's message naming its size, not as "cannot be decoded"; one over Pillow's hard
  ceiling (179 MP) likewise; and a course that raises the limit builds such a picture without a stray warning.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO, append_course, problems_of
from readback import placed_images

LECTURE = """\
---
title: 图片种类
---

# 图片

一张 16 位灰度图。

![16 位灰度渐变](../images/{name})
"""


def _grey16(fmt: str) -> bytes:
    """A 16-bit grey picture, 600 × 400 px: black at the top, white at the bottom, levels 0 … 65535."""
    ramp = Image.linear_gradient("L").resize((600, 400)).convert("I").point(lambda v: v * 257)
    out = io.BytesIO()
    ramp.convert("I;16").save(out, fmt)
    return out.getvalue()


def _build(root: Path, target: str, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    return subprocess.run([sys.executable, str(REPO / "build.py"), target, "--project", str(root), "--out",
                           str(root / "dist")], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("name, fmt, extra", [("ramp.png", "PNG", ""), ("ramp.png", "PNG", "images: original\n"),
                                              ("ramp.tif", "TIFF", "")])
def test_16_bit_grey_keeps_its_levels(make_project, tmp_path, name, fmt, extra):
    root = make_project(lecture=LECTURE.format(name=name), files={f"content/images/{name}": _grey16(fmt)})
    append_course(root, extra)
    run = _build(root, "pdf", tmp_path / "cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    (picture,) = placed_images(root / "dist/intro.pdf")
    grey = picture["pixels"].convert("L")
    column = [grey.getpixel((grey.width // 2, round(y * (grey.height - 1)))) for y in (0, 0.25, 0.5, 0.75, 1)]
    # the source's levels ÷ 257 at 0, ¼, ½, ¾ and the whole height (±6 for resampling and rounding)
    for found, wanted in zip(column, (0, 64, 128, 191, 255)):
        assert abs(found - wanted) <= 6, column


def _bilevel_png(width: int, height: int) -> bytes:
    """A 1-bit PNG of ``width`` × ``height`` px (tiny on disk, many pixels in its header)."""
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, "PNG")
    return out.getvalue()


def test_over_pillows_sizes_is_the_megapixel_limit(make_project):
    lecture = LECTURE.format(name="big.png") + "\n![更大的图](../images/bigger.png)\n"
    root = make_project(lecture=lecture, files={"content/images/big.png": _bilevel_png(10_000, 9_000),
                                                "content/images/bigger.png": _bilevel_png(14_000, 13_000)})
    errors, _warnings = problems_of(root)
    assert len(errors) == 2, errors
    (big,) = [e for e in errors if "intro.md:9:" in e]
    (bigger,) = [e for e in errors if "intro.md:11:" in e]
    assert "10,000 × 9,000 px" in big and "90 megapixels" in big, big
    assert "more than 179 megapixels" in bigger, bigger
    for error in errors:
        assert "image_megapixels" in error and "scale the image down" in error, error
        assert "cannot be decoded" not in error and "decompression bomb" not in error, error


@pytest.mark.slow
def test_a_raised_limit_builds_a_picture_over_89_megapixels(make_project, tmp_path):
    root = make_project(lecture=LECTURE.format(name="big.png"),
                        files={"content/images/big.png": _bilevel_png(10_000, 9_000)})
    append_course(root, "limits:\n  image_megapixels: 100\n")
    run = _build(root, "pdf", tmp_path / "cache")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    (picture,) = placed_images(root / "dist/intro.pdf")
    assert picture["px"][0] < 10_000           # prepared for print, not embedded at 90 MP


NAMED = """\
---
title: 文件名
---

# 图片

![](图片/训练%20截图.png)

![](<图片/训练 截图.png>)
"""


def test_a_chinese_file_name_is_shown_as_written(make_project, tmp_path):
    """A picture without alt text is described by its file name: as the author wrote it (训练 截图), in the
    warning, the handout's caption, the deck's caption and alt text; Markdown's link normalisation
    %-encodes it (%E8%AE%AD…), which was printed."""
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 100, 200)).save(picture, "PNG")
    root = make_project(lecture=NAMED, files={"content/lectures/图片/训练 截图.png": picture.getvalue()})
    for target in ("pdf", "pptx"):
        run = _build(root, target, tmp_path / "cache")
        assert run.returncode == 0, run.stdout + run.stderr
        warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 2 and all("'图片/训练 截图.png' has no alt text; '训练 截图' describes it" in w
                                          for w in warnings), warnings
    import pypdf
    from pptx import Presentation

    text = "".join(page.extract_text() for page in pypdf.PdfReader(root / "dist/intro.pdf").pages)
    assert text.count("训练 截图") == 2 and "%" not in text, text
    deck = Presentation(str(root / "dist/intro.pptx"))
    shown = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    alts = [shape._element.xpath(".//p:cNvPr/@descr") for slide in deck.slides for shape in slide.shapes
            if shape.shape_type == 13]
    assert sum("训练 截图" in t for t in shown) == 2 and not any("%E" in t for t in shown), shown
    assert alts == [["训练 截图"], ["训练 截图"]], alts


def test_a_missing_picture_is_named_as_written(make_project):
    root = make_project(lecture=NAMED)
    errors, _warnings = problems_of(root)
    assert len(errors) == 2 and all("image '图片/训练 截图.png' does not exist" in e for e in errors), errors
