"""Images prepared in worker processes while the handout is laid out, and few-colour screenshots stored
indexed (issue 20): read back from the PDF.

The handout is written in this process through the writer's entry point, once with the image pool and once
preparing every image here, each with its own empty image cache; the PDFs' image streams must be equal. A
diagram of few colours is stored as an indexed PNG whose pixels are the source's after resampling, and goes
into the PDF as an ``/Indexed`` image with the same pixels.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageDraw

from conftest import REPO
from readback import placed_images

sys.path.insert(0, str(REPO))
from benchmarks.pictures import jpeg_bytes, photo, png_bytes, screenshot  # noqa: E402

DIAGRAM = (1600, 1000)      # printed 430 pt wide: 1194 px at 200 dpi
LECTURE = """\
---
title: 图片
---

# 图片

两张界面截图。

![界面截图一](../images/shot-1.png)

![界面截图二](../images/shot-2.png)

一张框图。

![框图](../images/diagram.png)

一张照片。

![照片](../images/photo.jpg)
"""


def _diagram() -> Image.Image:
    """Boxes and lines in two colours on white: few colours, also after resampling."""
    image = Image.new("RGB", DIAGRAM, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for k in range(12):
        draw.rectangle((60 + k * 110, 80 + k * 60, 260 + k * 110, 180 + k * 60), outline=(30, 80, 200), width=4)
    draw.line((0, 950, 1600, 950), fill=(30, 80, 200), width=6)
    return image


def _project(make_project) -> Path:
    return make_project(lecture=LECTURE, files={
        "content/images/shot-1.png": png_bytes(screenshot(11, 1680, 1200)),
        "content/images/shot-2.png": png_bytes(screenshot(12, 1700, 1100)),
        "content/images/diagram.png": png_bytes(_diagram()),
        "content/images/photo.jpg": jpeg_bytes(photo(13, 2400, 1600), orientation=0)})


def _write_handout(root: Path, out: Path) -> Path:
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target
    from coursepress.writers import handout

    project, course, _ = load_project(locate(root))
    name = course.lectures[0].name
    result = handout.write(project, course, Target("pdf", name, f"{name}.pdf"), BuildSettings(out_dir=out))
    assert result.warnings == [], result.warnings
    return result.path


def test_images_prepared_in_parallel_equal_those_prepared_in_sequence(make_project, tmp_path, monkeypatch):
    from coursepress import imagepool
    from coursepress.writers import handout

    root = _project(make_project)
    submitted = []
    upstream = imagepool.ImagePool.submit
    monkeypatch.setattr(imagepool.ImagePool, "submit", lambda self, *a: submitted.append(a[-1]) or upstream(self, *a))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-pool"))
    parallel = placed_images(_write_handout(root, tmp_path / "pool"))
    assert len(submitted) == 4                                   # every image went to the pool
    monkeypatch.setattr(handout, "ImagePool", lambda: None)     # every image prepared in this process
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-here"))
    sequential = placed_images(_write_handout(root, tmp_path / "here"))
    assert len(submitted) == 4
    assert len(parallel) == len(sequential) == 6                 # the screenshots' photographs as layers too
    assert [image["stream"] for image in parallel] == [image["stream"] for image in sequential]
    for image in parallel:                                       # every image at most 200 dpi where it is placed
        assert max(image["px"][0] / (image["pt"][0] / 72), image["px"][1] / (image["pt"][1] / 72)) <= 200.5
    assert [(image["filters"], image["over"]) for image in parallel] == [
        (["FlateDecode"], False), (["DCTDecode"], True), (["FlateDecode"], False), (["DCTDecode"], True),
        (["FlateDecode"], False), (["DCTDecode"], False)]


def test_a_few_colour_screenshot_is_stored_indexed_and_lossless(make_project, tmp_path, monkeypatch):
    from coursepress.imageprep import prepare_bytes, target_pixels

    size = target_pixels(*DIAGRAM, 430, None, 200)
    resampled = _diagram().resize(size, Image.Resampling.BOX)
    assert len(resampled.getcolors(256) or ()) > 2                    # anti-aliased edges, still few colours
    prepared = prepare_bytes(png_bytes(_diagram()), size, 85)
    assert prepared is not None
    with Image.open(io.BytesIO(prepared)) as image:
        assert image.format == "PNG" and image.mode == "P"
        assert image.convert("RGB").tobytes() == resampled.tobytes()   # lossless: every pixel as resampled
    shot = screenshot(11, 1680, 1200)                                   # a photo inside: many colours
    with Image.open(io.BytesIO(prepare_bytes(png_bytes(shot), (1194, 852), 85) or b"")) as image:
        assert image.mode == "RGB"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    placed = [image for image in placed_images(_write_handout(_project(make_project), tmp_path / "out"))
              if not image["over"]]
    diagram = placed[2]
    assert diagram["colorspace"] == pdfium_raw.FPDF_COLORSPACE_INDEXED
    assert diagram["px"] == size and diagram["pixels"].tobytes() == resampled.tobytes()
    assert all(image["colorspace"] != pdfium_raw.FPDF_COLORSPACE_INDEXED for image in placed[:2])


def test_images_prepared_from_the_loads_decode_equal_those_the_handout_prepares(make_project, tmp_path, monkeypatch):
    """Issue 20: a build of one handout prepares each new PNG for print from the decode that loading does
    to prove it decodes (coursepress.imagecheck, planned by coursepress.writers.printplan): each PNG is
    decoded in full once, none goes to the handout's process pool, and the PDF's image streams are the
    ones the handout prepares itself (with an empty cache each time)."""
    from PIL import ImageFile

    from coursepress import imagecheck, imagepool
    from coursepress.load import load_project
    from coursepress.project import locate
    from coursepress.writers import BuildSettings, Target, handout
    from coursepress.writers.printplan import handout_plan, planner_for

    root = _project(make_project)
    project = locate(root)
    assert planner_for(["pdf"], project, None) is handout_plan                  # one lecture: one handout here
    assert planner_for(["pdf", "pptx"], project, None) is None                  # outputs built in forked processes

    def build(out: Path, ahead, warming: bool = False) -> tuple[list, list, list]:
        submitted: list = []
        decoded: list = []
        upstream_submit, upstream_load = imagepool.ImagePool.submit, ImageFile.ImageFile.load
        monkeypatch.setattr(imagepool.ImagePool, "submit", lambda self, source, *a: submitted.append(source.origin)
                            or upstream_submit(self, source, *a))
        monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: (decoded.append(self.size) if self.tile else None)
                            or upstream_load(self))                   # tiles left: the pixels are decoded now
        monkeypatch.setenv("XDG_CACHE_HOME", str(out / "cache"))
        if warming:         # loaded in a forked process (coursepress.overlap), which prepares the images after
            from coursepress.overlap import load_warming

            loaded, course, _ = load_warming(locate(root), ["pdf"], ahead=ahead)
        else:
            loaded, course, _ = load_project(locate(root), ahead=ahead)
        name = course.lectures[0].name
        result = handout.write(loaded, course, Target("pdf", name, f"{name}.pdf"), BuildSettings(out_dir=out))
        assert result.warnings == []
        monkeypatch.undo()
        return placed_images(result.path), submitted, decoded

    ahead, submitted, decoded = build(tmp_path / "ahead", handout_plan)
    assert submitted == ["../images/photo.jpg"]            # a JPEG is prepared from its own scaled decode
    sources = [(1680, 1200), (1700, 1100), DIAGRAM]         # the two screenshots and the diagram: decoded once each
    assert [decoded.count(size) for size in sources] == [1, 1, 1]
    assert imagecheck.prepared_ahead("no such key") is None
    itself, submitted, decoded = build(tmp_path / "itself", None)
    assert len(submitted) == 4                              # every image prepared by the handout's pool …
    assert [decoded.count(size) for size in sources] == [1, 1, 1]      # … which decodes it again over there
    assert [image["stream"] for image in ahead] == [image["stream"] for image in itself]
    assert len(ahead) == 6
    forked, submitted, _decoded = build(tmp_path / "forked", handout_plan, warming=True)
    assert submitted == ["../images/photo.jpg"]             # the PNGs were prepared by the loading process
    assert [image["stream"] for image in forked] == [image["stream"] for image in itself]


def test_the_loads_decodes_run_before_any_encode(tmp_path, monkeypatch):
    """Issue 20: the load waits for every image's decode (its errors are the load's), the encodes of the
    images it prepares ahead wait for nothing but the PDF: so no encode runs beside a decode the load still
    waits for, and the prepared bytes are those of preparing each image on its own."""
    import hashlib
    import threading
    import time

    from PIL import ImageFile

    from coursepress import imagecheck, imageprep
    from coursepress.errors import Problems, SourcePos

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    events: list[str] = []
    lock = threading.Lock()
    upstream_load, upstream_encode = ImageFile.ImageFile.load, imageprep.encode_resampled

    def load(self):
        pixels = bool(self.tile)        # tiles left: the pixels are decoded now
        result = upstream_load(self)
        if pixels:
            if events:
                time.sleep(0.05)        # later decodes are slow: an encode not held back would start meanwhile
            with lock:
                events.append("decoded")
        return result

    def encode(*args):
        with lock:
            events.append("encode")
        return upstream_encode(*args)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(imageprep, "encode_resampled", encode)
    shots = [png_bytes(screenshot(k, 900 + 10 * k, 600)) for k in range(1, 6)]
    decodes = imagecheck.ThreadedDecodes(Problems(False))
    wanted = {}
    for number, data in enumerate(shots):
        digest = hashlib.sha256(data).hexdigest()
        decodes.submit(data, SourcePos("x.md", number + 1), f"shot-{number}.png", "PNG", lambda: None, digest)
        wanted[digest] = [((300, 200), 85, False, f"key-{number}")]
    decodes.plan(wanted)
    decodes.collect()
    decodes.close(keep_preparing=True)
    prepared = [decodes.ahead[f"key-{number}"].result(timeout=60) for number in range(len(shots))]
    assert events.count("decoded") == len(shots) and events.count("encode") == len(shots)
    assert events.index("encode") > max(k for k, event in enumerate(events) if event == "decoded")
    assert prepared == [imageprep.prepare_bytes(data, (300, 200), 85, False) for data in shots]
