"""The deck's package written once (issue 20): PNG and JPEG media stored, XML deflated, the same parts and
bytes python-pptx's own save and look-ups give, and LibreOffice reads the stored media.
Read back from the PPTX's ZIP directory, with python-pptx and through LibreOffice's PDF."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from PIL import Image

from conftest import run_build, require_soffice

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">'
       '<rect x="10" y="10" width="180" height="80" fill="#2b5c9e"/></svg>')
LECTURE = """\
---
title: 图
---
# 部分

## 截图

![界面截图](shot.png "界面")

## 照片

![一张照片](photo.jpg "照片")

## 又一次截图

![同一张截图](shot.png "同一界面")

## 示意图

![示意图](fig.svg "示意图")
"""


def _screenshot() -> bytes:
    """A screenshot-like PNG: flat areas and more than 256 colours (kept lossless, as PNG)."""
    image = Image.new("RGB", (900, 500), (245, 245, 245))
    for x in range(0, 900, 3):
        image.paste((x % 256, (x * 7) % 256, 90), (x, 100, x + 3, 400))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _photo(size: tuple[int, int] = (800, 600)) -> bytes:
    """A photograph-like JPEG: noise everywhere (stays a JPEG)."""
    image = Image.merge("RGB", [Image.effect_noise(size, 60 + 10 * k) for k in range(3)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def picture_project(make_project):
    return make_project(lecture=LECTURE, files={"content/lectures/shot.png": _screenshot(),
                                                "content/lectures/photo.jpg": _photo(),
                                                "content/lectures/fig.svg": SVG})


def _render(root, monkeypatch=None, upstream: bool = False) -> bytes:
    """The deck of ``root``'s lecture rendered in this process; ``upstream``: with python-pptx's own
    image look-ups and part names (the speed-ups switched off)."""
    from coursepress.builddate import build_time
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.deck import pptx_writer
    from coursepress.writers.deck.writer import _plan

    project, course, _ = load_project(locate(root))
    path, plan, fonts = _plan(project, course, BuildSettings(out_dir=root / "dist"), course.lectures[0], Problems())
    if upstream:
        monkeypatch.setattr(pptx_writer, "remember_partnames", lambda package: None)
        monkeypatch.setattr(pptx_writer, "remember_images", lambda package: None)
    return pptx_writer.render(plan, path, fonts, build_time(course.meta.date))[0]


def test_media_are_stored_and_xml_deflated(picture_project, tmp_path):
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(picture_project), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    with zipfile.ZipFile(out / "intro.pptx") as deck:
        infos = deck.infolist()
        assert deck.testzip() is None
    media = {i.filename.rpartition(".")[2] for i in infos if i.filename.startswith("ppt/media/")}
    assert {"png", "jpg", "svg"} <= media
    for info in infos:
        stored = info.filename.rpartition(".")[2] in ("png", "jpg", "jpeg", "gif")
        assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED), info.filename
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    # the same screenshot on two slides is one media part (python-pptx's SHA-1 de-duplication, kept)
    shots = [i for i in infos if i.filename.startswith("ppt/media/") and i.filename.endswith(".png")]
    svg_fallbacks = 1
    assert len(shots) == 1 + svg_fallbacks, [i.filename for i in shots]


def test_parts_are_those_python_pptx_saves(picture_project, monkeypatch):
    """Every member holds what python-pptx's ``save`` writes, and the
    indexed image look-ups give the bytes python-pptx's own look-ups give."""
    from coursepress.writers.deck import pptx_writer

    saved: dict[str, bytes] = {}

    def python_pptx_save(package, when):
        buffer = io.BytesIO()
        package.save(buffer)
        with zipfile.ZipFile(buffer) as plain:
            saved.update({name: plain.read(name) for name in plain.namelist()})
        return write_package(package, when)

    from coursepress.writers.deck.package import write_package

    ours = _render(picture_project)
    monkeypatch.setattr(pptx_writer, "write_package", python_pptx_save)
    upstream = _render(picture_project, monkeypatch, upstream=True)
    assert ours == upstream
    with zipfile.ZipFile(io.BytesIO(ours)) as deck:
        assert sorted(deck.namelist()) == sorted(saved)
        differ = [name for name in saved if deck.read(name) != saved[name]]
    assert differ == []


@pytest.mark.slow
def test_libreoffice_draws_the_stored_pictures(picture_project, tmp_path):
    soffice = require_soffice()
    out = tmp_path / "out"
    result = run_build("pptx", "--project", str(picture_project), "--out", str(out))
    assert result.code == 0, result.err
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out / "intro.pptx")], check=True, capture_output=True, timeout=300)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(tmp_path / "intro.pdf"))
    sizes = []
    for page in pdf:
        for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=5):
            sizes.append(tuple(obj.get_px_size()))
    # the screenshot (twice), the photo and the SVG's drawing: each decoded at its own pixel size
    assert sizes.count((900, 500)) == 2, sizes
    assert (800, 600) in sizes, sizes


BESIDE = """\
---
title: 图
---
# 部分

## 界面

- 左边是菜单
- 右边是内容

![一个小窗口](small.png "小窗口")

## 照片

![一张照片](photo.jpg "照片")
"""


def _small() -> bytes:
    """A small screenshot-like PNG (stays readable beside the bullets), above 200 dpi in the column."""
    image = Image.new("RGB", (1200, 900), (240, 240, 240))
    for x in range(0, 1200, 4):
        image.paste((x % 256, (3 * x) % 256, 60), (x, 200, x + 4, 700))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _plan_of(root):
    from coursepress.errors import Problems
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings
    from coursepress.writers.deck.writer import _plan

    project, course, _ = load_project(locate(root))
    path, plan, fonts = _plan(project, course, BuildSettings(out_dir=root / "dist"), course.lectures[0], Problems())
    return course, path, plan, fonts


def test_pictures_prepared_in_the_pool_give_the_same_deck(make_project, tmp_path, monkeypatch):
    """With an empty image cache, the deck whose pictures the pool prepared is byte for byte the deck whose
    pictures were prepared one after another in this process; and only the final slides' pictures are
    prepared (not the boxes the plan tried and dropped)."""
    from coursepress.builddate import build_time
    from coursepress.imagepool import ImagePool, PendingImage
    from coursepress.imageprep import CACHE_NAME, ImagePreparer
    from coursepress.writers.deck import media, pptx_writer

    root = make_project(lecture=BESIDE, files={"content/lectures/small.png": _small(),
                                               "content/lectures/photo.jpg": _photo((2400, 1800))})
    decks = []
    for pooled in (False, True):
        cache = tmp_path / f"cache-{pooled}"
        cache.mkdir(mode=0o700)
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        course, path, plan, fonts = _plan_of(root)
        pictures = [slide.picture for slide in plan.slides if slide.picture is not None]
        assert len(pictures) == 2 and any(slide.layout == "Two Content" for slide in plan.slides)
        if pooled:
            preparer = ImagePreparer(course.meta.image_settings(), ImagePool(2))
            media.start(plan, preparer)
            assert all(isinstance(p.image._prepared, PendingImage) for p in pictures)
        decks.append(pptx_writer.render(plan, path, fonts, build_time(course.meta.date))[0])
        if pooled:
            preparer.close()
            assert preparer.summary() == "images: 2 prepared, 0 from cache, 0 kept"
        # one prepared file per picture on the slides: the full-slide box the plan measured the picture
        # beside the bullets against was never prepared
        assert len(list((cache / "coursepress" / CACHE_NAME).iterdir())) == 2
    assert decks[0] == decks[1]


def test_remembered_measurements_change_no_byte(monkeypatch):
    """The deck fit's measurements remembered per measurer (``Measurer.units``) give the course deck the
    same bytes as measuring every time."""
    from coursepress import textmeasure
    from conftest import REPO

    remembered = _render(REPO)
    monkeypatch.setattr(textmeasure.Measurer, "units",
                        lambda self, segments, size_pt: textmeasure._units(segments, self, size_pt))
    assert _render(REPO) == remembered
