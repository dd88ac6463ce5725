"""Images at print resolution (issue 20): what the handout and the deck embed, read back from the files.

Each picture is checked at the size it is placed: pixels ÷ placed inches ≤ ``images.dpi``, never more
pixels than the source, JPEG for a photo and PNG (Flate) for a screenshot, a photo stored sideways
with an EXIF Orientation tag shown upright, no EXIF left, a second build served from the cache, and
``images: original`` embedding the source as it is.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pptx import Presentation

from conftest import REPO
from readback import placed_images

sys.path.insert(0, str(REPO))
from benchmarks.pictures import jpeg_bytes, photo, png_bytes, screenshot  # noqa: E402

SHOT = (1680, 1200)         # a 2-megapixel screenshot: printed 430 pt wide, it needs 1194 px at 200 dpi
PHOTO = (2400, 1600)        # stored sideways (EXIF Orientation 6): shown 1600 × 2400
SMALL = (200, 150)          # printed at 150 pt: 96 dpi, kept as it is (never upsampled)
LECTURE = """\
---
title: 图片
---

# 图片

一张界面截图。

![界面截图](../images/shot.png)

一张侧放拍摄的照片。

![白板照片](../images/photo.jpg)

一张小图。

![小图](../images/small.png)
"""


def _sideways_photo() -> bytes:
    """A photo stored sideways: a red block at the stored top-left, which shows at the top-right when
    turned upright (Orientation 6: rotate 90° clockwise)."""
    image = photo(7, *PHOTO)
    ImageDraw.Draw(image).rectangle((0, 0, 300, 300), fill=(255, 0, 0))
    return jpeg_bytes(image, orientation=6)


@pytest.fixture
def picture_project(make_project):
    def factory(course_extra: str = "", photo_bytes: bytes | None = None) -> Path:
        root = make_project(lecture=LECTURE, files={
            "content/images/shot.png": png_bytes(screenshot(3, *SHOT)),
            "content/images/photo.jpg": photo_bytes or _sideways_photo(),
            "content/images/small.png": png_bytes(screenshot(4, *SMALL))})
        if course_extra:
            course = root / "content/course.yaml"
            course.write_text(course.read_text(encoding="utf-8") + course_extra, encoding="utf-8")
        return root
    return factory


def _build(root: Path, target: str, out: Path, cache: Path, *extra: str) -> str:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), target, "--project", str(root), "--out", str(out),
                           "-v", *extra], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    return proc.stdout


def _dpi(image: dict) -> tuple[float, float]:
    return image["px"][0] / (image["pt"][0] / 72), image["px"][1] / (image["pt"][1] / 72)


def test_handout_images_at_print_resolution(picture_project, tmp_path):
    root = picture_project()
    out, cache = tmp_path / "out", tmp_path / "cache"
    log = _build(root, "pdf", out, cache)
    assert "images: 2 prepared, 0 from cache, 1 kept" in log
    images = [image for image in placed_images(out / "intro.pdf") if not image["over"]]    # not photograph layers
    assert len(images) == 3
    for image in images:
        assert max(_dpi(image)) <= 200.5, (image["px"], image["pt"])
    shot, sideways, small = images
    assert shot["px"][0] < SHOT[0] and shot["filters"] == ["FlateDecode"]      # screenshot: PNG, downsampled
    assert abs(_dpi(shot)[0] - 200) < 1                                         # … to 200 dpi, not lower
    assert sideways["filters"] == ["DCTDecode"]                                 # photo: JPEG
    assert sideways["px"][1] > sideways["px"][0]                                # upright: portrait
    pixels = sideways["pixels"]
    assert pixels.getpixel((pixels.width - 20, 20))[0] > 200 > pixels.getpixel((20, 20))[0]   # red block top-right
    with Image.open(io.BytesIO(sideways["stream"])) as jpeg:                   # metadata stripped
        assert jpeg.format == "JPEG" and not jpeg.getexif()
    assert b"Synthetic Camera" not in (out / "intro.pdf").read_bytes()
    assert small["px"] == SMALL                                                 # never upsampled


def test_second_build_reuses_prepared_images(picture_project, tmp_path):
    root = picture_project()
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(root, "pdf", out, cache)
    entries = {p: p.stat().st_mtime_ns for p in (cache / "coursepress/prints").iterdir()}
    assert len(entries) == 2
    log = _build(root, "pdf", out, cache, "--force")
    assert "images: 0 prepared, 2 from cache, 1 kept" in log
    assert {p: p.stat().st_mtime_ns for p in (cache / "coursepress/prints").iterdir()} == entries


def test_deck_pictures_at_print_resolution(picture_project, tmp_path):
    root = picture_project()
    out = tmp_path / "out"
    _build(root, "pptx", out, tmp_path / "cache")
    pictures = [shape for slide in Presentation(str(out / "intro.pptx")).slides for shape in slide.shapes
                if shape.shape_type == 13]
    assert len(pictures) == 3
    kinds = []
    for shape in pictures:
        with Image.open(io.BytesIO(shape.image.blob)) as image:
            width_in, height_in = shape.width / 914400, shape.height / 914400
            assert image.width / width_in <= 200.5 and image.height / height_in <= 200.5
            assert not image.getexif()
            kinds.append((image.format, image.size))
    assert kinds[0][0] == "PNG" and kinds[0][1][0] < SHOT[0]
    assert kinds[1][0] == "JPEG" and kinds[1][1][1] > kinds[1][1][0]
    assert kinds[2] == ("PNG", SMALL)


def test_images_original_keeps_the_source(picture_project, tmp_path):
    upright = jpeg_bytes(photo(8, *PHOTO), orientation=0)     # WeasyPrint itself re-encodes a JPEG with EXIF
    root = picture_project("images: original\n", photo_bytes=upright)
    out = tmp_path / "out"
    log = _build(root, "pdf", out, tmp_path / "cache")
    assert "images: 0 prepared, 0 from cache, 3 kept" in log
    shot, kept, small = placed_images(out / "intro.pdf")
    assert shot["px"] == SHOT and small["px"] == SMALL
    assert kept["stream"] == upright                       # the camera's JPEG, byte for byte
    _build(root, "pptx", out, tmp_path / "cache")
    blobs = [shape.image.blob for slide in Presentation(str(out / "intro.pptx")).slides for shape in slide.shapes
             if shape.shape_type == 13]
    assert blobs == [(root / "content/images" / name).read_bytes() for name in ("shot.png", "photo.jpg", "small.png")]


def test_prepared_image_strips_metadata(tmp_path, monkeypatch):
    """An upright camera JPEG keeps its EXIF block through loading; the prepared image has none."""
    from coursepress.imageprep import prepared_image
    from coursepress.resources import ImageData
    from coursepress.schema import ImageSettings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    camera = jpeg_bytes(photo(9, *PHOTO), orientation=1)
    source = ImageData(camera, "image/jpeg", "jpg", *PHOTO, "camera.jpg")
    for width_pt in (300.0, PHOTO[0] * 72 / 200):       # downsampled, and already at 200 dpi (re-encoded only)
        shown = prepared_image(source, width_pt, None, ImageSettings())
        with Image.open(io.BytesIO(shown.data)) as image:
            assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
        assert b"Synthetic Camera" not in shown.data


def test_png_data_goes_into_the_pdf_as_it_is():
    """8-bit grey/RGB non-interlaced PNG: WeasyPrint takes its IDAT data as written (here at zlib level 1,
    which WeasyPrint's own re-encoding at level 6 would not reproduce); other PNGs take WeasyPrint's path."""
    from coursepress.writers.pdfengine import import_weasyprint
    from coursepress.writers.pngpass import idat_stream

    import_weasyprint(REPO)
    from weasyprint.images import RasterImage

    shot = screenshot(5, 300, 200)
    fast = io.BytesIO()
    shot.save(fast, "PNG", compress_level=1)
    data = fast.getvalue()
    assert RasterImage._get_png_data(Image.open(io.BytesIO(data))) == idat_stream(data) != None  # noqa: E711
    for other_image in (shot.convert("RGBA"), shot.quantize(16), shot.convert("L").convert("I;16")):
        other = io.BytesIO()
        other_image.save(other, "PNG")          # alpha, palette, 16 bits: not what the PDF stream declares
        assert idat_stream(other.getvalue()) is None


def test_an_image_is_decoded_in_full_once_per_content(make_project, tmp_path, monkeypatch):
    """The first load decodes every pixel (a damaged file is an error there); a later load of the same
    bytes reads only the header; other bytes are decoded again."""
    from PIL import ImageFile

    from coursepress.load import load_course

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make_project(lecture=LECTURE.split("一张侧放")[0], files={
        "content/images/shot.png": png_bytes(screenshot(3, 400, 300))})
    decoded = []
    upstream = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(1) or upstream(self))
    load_course(root)
    assert len(decoded) == 1
    load_course(root)
    assert len(decoded) == 1
    (root / "content/images/shot.png").write_bytes(png_bytes(screenshot(4, 400, 300)))
    load_course(root)
    assert len(decoded) == 2


def test_an_image_placed_narrower_than_prepared_is_resampled_after_layout(picture_project, tmp_path):
    """On A5 the text block (≈ 300 pt) is narrower than the 430 pt the figure is prepared for: after layout
    WeasyPrint resamples it to images.dpi at the size it was placed."""
    root = picture_project("handout:\n  page_size: A5\n")
    out = tmp_path / "out"
    _build(root, "pdf", out, tmp_path / "cache")
    shot = placed_images(out / "intro.pdf")[0]
    assert shot["pt"][0] < 400 and max(_dpi(shot)) <= 200.5


def test_an_unchanged_yaml_file_is_parsed_once(tmp_path, monkeypatch):
    """Issue 20, cold builds: a YAML text parsed before comes from the private cache (same document, no
    ruamel parse); another text, or a damaged entry, is parsed; a syntax error is reported every time."""
    from coursepress import yamlsource
    from coursepress.errors import ContentError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []
    upstream = yamlsource.parse_yaml
    monkeypatch.setattr(yamlsource, "parse_yaml", lambda *a, **k: calls.append(a[1]) or upstream(*a, **k))
    text = "title: 课程\nmodels:\n  - name: A\n    parameters_b: 3.10\n"
    first = yamlsource.load_yaml(text, "content/course.yaml")
    again = yamlsource.load_yaml(text, "content/course.yaml")
    assert calls == ["content/course.yaml"] and again == first and again.raw == first.raw
    assert again.pos(("models", 0, "name")).line == 3
    yamlsource.load_yaml(text + "x: 1\n", "content/course.yaml")
    assert len(calls) == 2
    for entry in (tmp_path / "coursepress/yaml").iterdir():
        entry.write_bytes(b"damaged")
    assert yamlsource.load_yaml(text, "content/course.yaml") == first and len(calls) == 3
    for _ in range(2):
        with pytest.raises(ContentError):
            yamlsource.load_yaml("a: [1, 2\n", "content/course.yaml")
    assert len(calls) == 5
