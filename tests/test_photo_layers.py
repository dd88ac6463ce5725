"""A screenshot with a photograph inside (issue 20): the photograph as a JPEG layer over the lossless rest.

Read back from the handout PDF: the screenshot is a Flate image whose pixels are the resampled source's
exactly except on whole 16-px tiles inside the photograph (where the PNG holds flat tiles), and a JPEG
drawn over the photograph's part of the picture whose pixels are the source's within JPEG's error; a
screenshot without a photograph is one image; the page renders the photograph (not the flat tiles).
Text drawn over a photograph keeps its tiles lossless. A picture WeasyPrint has to resample (placed
narrower than prepared) is put together before it is resampled.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from conftest import REPO
from readback import placed_images

sys.path.insert(0, str(REPO))
from benchmarks.pictures import photo, png_bytes, screenshot  # noqa: E402

SHOT = (1680, 1200)         # printed 430 pt wide: 1194 × 852 px at 200 dpi
LECTURE = """\
---
title: 图片
---

# 图片

一张带照片的界面截图。

![界面截图](../images/shot.png)

一张没有照片的界面截图。

![纯界面](../images/flat.png)
"""


def _flat_screenshot() -> Image.Image:
    """A window with text and no picture inside (the benchmark's screenshot with its photograph painted over)."""
    image = screenshot(21, *SHOT)
    ImageDraw.Draw(image).rectangle((SHOT[0] - SHOT[0] // 4 - 24, SHOT[1] // 12, SHOT[0] - 24, SHOT[1] // 12 + SHOT[1] // 4),
                                    fill=(250, 250, 252))
    return image


def _handout(make_project, tmp_path, monkeypatch, lecture: str = LECTURE) -> tuple[Path, Image.Image, Image.Image]:
    """The handout of ``lecture`` built in this process with an empty image cache, and the two screenshots
    as written (drawn again they would differ: the photograph's noise is C's ``rand()``)."""
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout

    shot, flat = screenshot(11, *SHOT), _flat_screenshot()
    root = make_project(lecture=lecture, files={"content/images/shot.png": png_bytes(shot),
                                                "content/images/flat.png": png_bytes(flat)})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, course, _ = load_project(locate(root))
    name = course.lectures[0].name
    result = handout.write(project, course, Target("pdf", name, f"{name}.pdf"), BuildSettings(out_dir=tmp_path / "out"))
    assert result.warnings == [], result.warnings
    return result.path, shot, flat


def test_the_photograph_in_a_screenshot_is_a_jpeg_layer_over_the_lossless_rest(make_project, tmp_path, monkeypatch):
    from coursepress.imageprep import target_pixels
    from coursepress.photolayers import TILE

    pdf, shot, flat_shot = _handout(make_project, tmp_path, monkeypatch)
    placed = placed_images(pdf)
    assert [image["filters"] for image in placed] == [["FlateDecode"], ["DCTDecode"], ["FlateDecode"]]
    base, layer, flat = placed
    size = target_pixels(*SHOT, 430, None, 200)
    assert base["px"] == size
    source = shot.resize(size, Image.Resampling.BOX)
    assert layer["over"] and not base["over"] and not flat["over"]
    # the JPEG's place in the picture, in px of the PNG (from the boxes both are drawn in on the page, pt)
    sx, sy = size[0] / base["pt"][0], size[1] / base["pt"][1]
    left, top = layer["box"][0] - base["box"][0], base["box"][3] - layer["box"][3]
    box = (round(left * sx), round(top * sy), round((left + layer["pt"][0]) * sx), round((top + layer["pt"][1]) * sy))
    assert (box[2] - box[0], box[3] - box[1]) == layer["px"]
    assert all(v % TILE == 0 for v in box) and layer["px"][0] * layer["px"][1] >= 0.7 * (size[0] // 4) * (size[1] // 4)
    # everywhere but whole tiles inside the JPEG's box, the PNG is the resampled source exactly
    differs = ImageChops.difference(base["pixels"], source).convert("L").point(lambda v: 255 if v else 0)
    changed = differs.getbbox()
    assert changed is not None and box[0] <= changed[0] and box[1] <= changed[1] and changed[2] <= box[2] \
        and changed[3] <= box[3]
    outside = Image.new("L", size, 255)
    outside.paste(0, box)
    assert ImageChops.multiply(differs, outside).getbbox() is None
    # the JPEG is the photograph: within JPEG's error of the source's pixels (flat tiles would be far off)
    error = ImageStat.Stat(ImageChops.difference(layer["pixels"], source.crop(box))).mean
    assert max(error) < 4, error
    # and the page shows it: rendered at the picture's own resolution, the photograph's middle is the source's
    middle = ((box[0] + box[2]) // 2 - TILE, (box[1] + box[3]) // 2 - TILE, (box[0] + box[2]) // 2 + TILE,
              (box[1] + box[3]) // 2 + TILE)
    rendered = _render_picture(pdf, size[0])
    assert rendered.size == size
    assert max(ImageStat.Stat(ImageChops.difference(rendered.crop(middle), source.crop(middle))).mean) < 8
    # a screenshot without a photograph is one lossless image
    assert flat["px"] == size and flat["pixels"].tobytes() == flat_shot.resize(size, Image.Resampling.BOX).tobytes()


def _render_picture(pdf: Path, width_px: int) -> Image.Image:
    """The first picture drawn as a form XObject (a layered screenshot) in ``pdf``, rendered with its page so
    that it is ``width_px`` wide."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_FORM,), max_depth=1):
                left, bottom, right, top = obj.get_bounds()
                scale = width_px / (right - left)
                image = page.render(scale=scale).to_pil().convert("RGB")
                x, y = round(left * scale), round((page.get_height() - top) * scale)
                return image.crop((x, y, x + width_px, y + round((top - bottom) * scale)))
    finally:
        doc.close()
    raise AssertionError("no picture drawn as a form XObject")


def test_text_over_a_photograph_keeps_its_tiles_lossless():
    from coursepress.photolayers import TILE, photo_tiles

    picture = photo(5, 640, 480)
    ink = Image.new("L", picture.size, 0)
    font = ImageFont.load_default(size=18)
    for y in (100, 260):
        ImageDraw.Draw(picture).text((40, y), "attention is all you need", fill=(20, 20, 20), font=font)
        ImageDraw.Draw(ink).text((40, y), "attention is all you need", fill=255, font=font)
    tiles = photo_tiles(picture)
    assert tiles.size == (640 // TILE, 480 // TILE)
    inked = ink.reduce(TILE).point(lambda v: 255 if v else 0)          # tiles with any text pixel
    assert ImageChops.multiply(tiles, inked).getbbox() is None           # none of them is photographic
    assert sum(1 for v in tiles.tobytes() if v) > 0.6 * tiles.width * tiles.height     # the rest of the photo is


LIST_LECTURE = """\
---
title: 图片
---

# 图片

- 列表里
  - 再深一层
    - 又深一层的截图，比正文窄：

      ![界面截图](../images/shot.png)
"""


def test_a_layered_picture_placed_narrower_is_put_together_before_it_is_resampled(make_project, tmp_path, monkeypatch):
    pdf, shot, _flat = _handout(make_project, tmp_path, monkeypatch, LIST_LECTURE)
    placed = placed_images(pdf)
    assert len(placed) == 1 and placed[0]["filters"] == ["FlateDecode"]
    shown = placed[0]
    assert shown["px"][0] < 1194 and shown["pt"][0] < 430              # resampled to 200 dpi where it is placed
    source = shot.resize(shown["px"], Image.Resampling.BOX)
    # the photograph's part (top right) holds the photograph, not the PNG's flat tiles
    width, height = shown["px"]
    part = (width - width // 4 - 10, height // 12 + 10, width - 30, height // 12 + height // 4 - 10)
    assert max(ImageStat.Stat(ImageChops.difference(shown["pixels"].crop(part), source.crop(part))).mean) < 6


GREY_LECTURE = """\
---
title: 图片
---

# 图片

一张灰色的界面截图，存为 RGB。

![灰色截图](../images/grey.png)
"""


def test_a_grey_screenshot_is_embedded_grey(make_project, tmp_path, monkeypatch):
    """A screenshot whose pixels are all grey but stored as RGB (what screenshot tools write) goes into the
    PDF as an 8-bit /DeviceGray image with exactly its grey levels."""
    from coursepress.imageprep import target_pixels
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout

    grey = _flat_screenshot().convert("L").convert("RGB")
    root = make_project(lecture=GREY_LECTURE, files={"content/images/grey.png": png_bytes(grey)})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, course, _ = load_project(locate(root))
    name = course.lectures[0].name
    result = handout.write(project, course, Target("pdf", name, f"{name}.pdf"), BuildSettings(out_dir=tmp_path / "out"))
    (placed,) = placed_images(result.path)
    size = target_pixels(*SHOT, 430, None, 200)
    assert placed["colorspace"] == pdfium_raw.FPDF_COLORSPACE_DEVICEGRAY and placed["filters"] == ["FlateDecode"]
    assert placed["px"] == size
    assert placed["pixels"].tobytes() == grey.resize(size, Image.Resampling.BOX).tobytes()
    assert len(placed["stream"]) < 0.6 * len(png_bytes(grey.resize(size, Image.Resampling.BOX)))


def _png_with_layer_chunk(body: bytes | None) -> bytes:
    """A flat 320 × 160 px screenshot-like PNG carrying a ``cpLY`` chunk another program left in it: a
    well-formed layer (a red JPEG over its top left 32 × 32 px) when ``body`` is None, else ``body`` as the
    chunk's data."""
    import io
    import struct
    import zlib

    from coursepress.photolayers import CHUNK, Layer, with_layers

    picture = Image.new("RGB", (320, 160), (230, 236, 242))
    ImageDraw.Draw(picture).rectangle((40, 40, 280, 120), fill=(30, 60, 120))
    if body is None:
        jpeg = io.BytesIO()
        Image.new("RGB", (32, 32), (255, 0, 0)).save(jpeg, "JPEG")
        return with_layers(png_bytes(picture), [Layer(0, 0, 2, 2, b"\xc0\xc0", jpeg.getvalue())])
    png = png_bytes(picture)
    end = png.rindex(b"IEND") - 4
    chunk = struct.pack(">I", len(body)) + CHUNK + body + struct.pack(">I", zlib.crc32(CHUNK + body))
    return png[:end] + chunk + png[end:]


def test_a_users_png_with_a_layer_chunk_is_a_plain_png(make_project, tmp_path, monkeypatch):
    """Issue 20 (a reviewer's report): layers were read from any PNG, so a user's picture passed on as it is
    (small enough already) showed a layer some other program left in it, and a malformed chunk stopped the
    build with an internal error. Only images coursepress prepared carry layers; others are plain PNGs."""
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout

    files = {"content/images/good.png": _png_with_layer_chunk(None),
             "content/images/short.png": _png_with_layer_chunk(b"\x00\x01\x02"),
             "content/images/wild.png": _png_with_layer_chunk(b"\x00" * 4 + b"\xff" * 8 + b"junk")}
    lecture = "---\ntitle: 图片\n---\n\n# 图片\n\n" + "".join(
        f"一张图。\n\n![{name}](../images/{name}.png)\n\n" for name in ("good", "short", "wild"))
    root = make_project(lecture=lecture, files=files)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, course, _ = load_project(locate(root))
    result = handout.write(project, course, Target("pdf", "intro", "intro.pdf"), BuildSettings(out_dir=tmp_path / "out"))
    placed = placed_images(result.path)
    assert len(placed) == 3 and all(image["filters"] == ["FlateDecode"] and not image["over"] for image in placed)
    for image in placed:             # the user's pixels, no red square from the chunk
        assert image["px"] == (320, 160) and image["pixels"].getpixel((8, 8)) == (230, 236, 242)
