"""A real-chapter-sized case (issue 20): ≈60 pages of Chinese prose with 60 screenshots and some photos.

:func:`make_chapter` writes a project copy whose only lecture is a generated chapter: sections of
paragraphs drawn (deterministically) from the course's own prose, a ~2-megapixel PNG screenshot
every few paragraphs and a few camera JPEGs (:mod:`benchmarks.pictures`), all made with Pillow at
benchmark time. :func:`cases` times on it:

* cold ``pdf`` with an empty image cache and with a warm one (``images:`` at the default 200 dpi),
  cold ``pdf`` with ``images: original``, cold ``pptx``; each with the PDF's size (the first also with its
  bytes by kind: PNG and JPEG images, fonts, the rest, :func:`pdf_parts`);
* ``watch``: save (a one-line edit) → deck and → handout on disk;
* with ``--peers``: Pandoc → WeasyPrint on the same Markdown (time and PDF size);
* the issue's ratios from those (:func:`ratios`).

The benchmark's own cache folder (``XDG_CACHE_HOME`` in a temp folder) keeps the user's cache out of it;
"image cache empty" removes its ``prints``, ``decoded`` and ``images`` folders before each run.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Optional

from .measure import CaseFailed, Run, Stats, python, repeat, run
from .pictures import jpeg_bytes, photo, png_bytes, screenshot
from .project import LECTURE, copy_project, remove

CHAPTER = Path("content/lectures/chapter.md")
OUTPUTS = {"handout": "chapter.pdf", "deck": "chapter.pptx"}
SHOTS, PHOTOS, CHARS = 60, 6, 46_000
EDIT_MARK = "本章的例子"


def _sentences(root: Path) -> list[str]:
    """Plain Chinese sentences of the course's lecture (no markup), the prose the chapter is made of."""
    text = (root / LECTURE).read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if re.match(r"^[\u4e00-\u9fff]", line)
             and not re.search(r"[\[$`*{<|]", line)]
    return [s + "。" for line in lines for s in line.split("。") if len(s) > 8]


def chapter_markdown(sentences: list[str], shots: int = SHOTS, photos: int = PHOTOS, chars: int = CHARS,
                     seed: int = 20) -> str:
    """The chapter's Markdown: sections of 4–7-sentence paragraphs, a figure every few paragraphs."""
    rng = random.Random(seed)
    pictures = [f"shot-{k:02d}.png" for k in range(1, shots + 1)] + [f"photo-{k:02d}.jpg" for k in range(1, photos + 1)]
    rng.shuffle(pictures)
    paragraphs = max(1, chars // 250)
    every = max(1, paragraphs // max(1, len(pictures)))
    out = ["---", "title: 第五章 在实践中使用大语言模型", "---", "", f"{EDIT_MARK}都来自课程组的实际操作记录。", ""]
    figure = 0
    for k in range(paragraphs):
        if k % 12 == 0:
            out += [f"{'#' if k % 48 == 0 else '##'} 第 {k // 12 + 1} 节 操作与观察", ""]
        out += ["".join(rng.choice(sentences) for _ in range(rng.randrange(4, 8))), ""]
        if k % every == every - 1 and figure < len(pictures):
            name = pictures[figure]
            figure += 1
            kind = "界面截图" if name.startswith("shot") else "现场照片"
            out += [f"![{kind} {figure}](../images/{name} \"{kind}：第 {figure} 个例子\")", ""]
    for name in pictures[figure:]:
        out += [f"![图片](../images/{name})", ""]
    return "\n".join(out)


def make_chapter(shots: int = SHOTS, photos: int = PHOTOS, chars: int = CHARS) -> Path:
    """A project copy whose one lecture is the generated chapter, with its pictures; returns its root."""
    root = copy_project()
    sentences = _sentences(root)
    for old in (root / "content/lectures").glob("*.md"):
        old.unlink()
    images = root / "content/images"
    images.mkdir(parents=True, exist_ok=True)
    for k in range(1, shots + 1):
        (images / f"shot-{k:02d}.png").write_bytes(png_bytes(screenshot(k, 1680 + 8 * k, 1200)))
    for k in range(1, photos + 1):
        (images / f"photo-{k:02d}.jpg").write_bytes(jpeg_bytes(photo(100 + k, 3000, 2000), orientation=1))
    (root / CHAPTER).write_text(chapter_markdown(sentences, shots, photos, chars), encoding="utf-8")
    return root


def edit_chapter(root: Path, serial: int) -> None:
    """A one-line edit of the chapter's first paragraph, different for each ``serial``."""
    path = root / CHAPTER
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{EDIT_MARK}.*$", f"{EDIT_MARK}都来自课程组的实际操作记录（修改 {serial}）。", text),
                    encoding="utf-8")


def _set_images(root: Path, value: Optional[str]) -> None:
    course = root / "content/course.yaml"
    text = re.sub(r"(?m)^images: .*\n", "", course.read_text(encoding="utf-8"))
    course.write_text(text + (f"images: {value}\n" if value else ""), encoding="utf-8")


def _cold(root: Path, kind: str, runs: int, env: dict, name: str, setup: Optional[Callable[[], None]] = None) -> Stats:
    """Cold ``build.py KIND --force`` into a fresh output folder; the note gives the output's size."""
    sizes: list[int] = []

    def once() -> Run:
        out = Path(tempfile.mkdtemp(prefix="coursepress-out-"))
        try:
            result = run(python(str(root / "build.py"), "--project", str(root), kind, "--force", "--out", str(out), "-q"),
                         env=env)
            made = out / OUTPUTS["handout" if kind == "pdf" else "deck"]
            sizes.append(made.stat().st_size if made.exists() else 0)
            return result
        finally:
            remove(out)
    stats = repeat(name, once, runs, setup=setup)
    stats.extra["bytes"] = sizes[-1]
    stats.note = f"{sizes[-1] / 1e6:.1f} MB"
    return stats


def _pdf_images(pdf: Path) -> tuple[int, float]:
    """(number of pictures drawn, highest resolution of any at its placed size in dpi) of ``pdf``. A picture
    drawn as a form XObject (a screenshot with its photograph as a JPEG layer, coursepress.writers.pdflayers)
    counts once, at its first image's resolution, measured in page space."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    count, top = 0, 0.0

    def walk(page, form, matrix) -> None:
        nonlocal count, top
        first = True
        for obj in page.get_objects(max_depth=0, form=form):
            if obj.type == raw.FPDF_PAGEOBJ_FORM:
                walk(page, obj, obj.get_matrix() if matrix is None else obj.get_matrix().multiply(matrix))
            elif obj.type == raw.FPDF_PAGEOBJ_IMAGE and first:
                left, bottom, right, top_pt = obj.get_bounds()
                if matrix is not None:
                    xs, ys = zip(*(matrix.on_point(x, y) for x in (left, right) for y in (bottom, top_pt)))
                    left, bottom, right, top_pt = min(xs), min(ys), max(xs), max(ys)
                width, height = obj.get_px_size()
                count += 1
                top = max(top, width / ((right - left) / 72), height / ((top_pt - bottom) / 72))
                first = form is None

    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            walk(page, None, None)
    finally:
        doc.close()
    return count, top


def pdf_parts(pdf: Path) -> dict[str, int]:
    """Bytes of ``pdf`` by kind of stream: ``png`` (Flate images: screenshots, diagrams), ``jpeg`` (DCT images:
    photos and screenshots' photograph layers), ``fonts`` (embedded font programs), ``other`` (page content,
    forms, object streams) and ``file`` (the whole file)."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    parts = dict(png=0, jpeg=0, fonts=0, other=0, file=pdf.stat().st_size)
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:           # noqa: BLE001 — a free entry of the cross-reference table
            continue
        if not isinstance(obj, pypdf.generic.StreamObject):
            continue
        size = len(obj._data)
        if obj.get("/Subtype") == "/Image":
            parts["jpeg" if obj.get("/Filter") == "/DCTDecode" else "png"] += size
        elif "/Length1" in obj or "/Length2" in obj or obj.get("/Subtype") in ("/CIDFontType0C", "/Type1C", "/OpenType"):
            parts["fonts"] += size
        else:
            parts["other"] += size
    return parts


def _peer(root: Path, runs: int, env: dict) -> Stats:
    """Pandoc → WeasyPrint on the chapter's Markdown (as :mod:`benchmarks.peers`), with its PDF size."""
    from . import peers

    pandoc = peers.pandoc_path()
    if pandoc is None or not peers.available()["weasyprint"]:
        return Stats("chapter: pandoc → weasyprint pdf", 0, *[float("nan")] * 4, [],
                     "not installed: pip install pypandoc-binary")
    work = Path(tempfile.mkdtemp(prefix="coursepress-peer-"))
    (work / "peer.css").write_text(peers.CSS + "img { max-width: 100%; }\n")
    from coursepress.fonts import isolated_fontconfig

    peer_env = dict(env, FONTCONFIG_FILE=str(isolated_fontconfig(root)))
    lectures = root / CHAPTER.parent
    pdf = work / "peer.pdf"
    args = [pandoc, str(root / CHAPTER), "-s", "--pdf-engine=weasyprint", "-c", str(work / "peer.css"),
            "--resource-path", str(lectures), "-o", str(pdf)]
    try:
        stats = repeat("chapter: pandoc → weasyprint pdf", lambda: run(args, cwd=lectures, env=peer_env), runs)
        count, top = _pdf_images(pdf)
        stats.extra.update(bytes=pdf.stat().st_size, images=count, max_dpi=round(top))
        stats.note = f"{pdf.stat().st_size / 1e6:.1f} MB, {count} images, up to {top:.0f} dpi"
    except CaseFailed as exc:
        stats = Stats("chapter: pandoc → weasyprint pdf", 0, *[float("nan")] * 4, [], f"failed: {str(exc)[:160]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return stats


def ratios(results: list[Stats]) -> Stats:
    """The issue's targets as ratios of the cases above (CPU medians; NaN for a case not run): the watch
    round (deck and handout) ÷ cold ``pdf`` (empty image cache) + cold ``pptx``, and ÷ the same with
    prepared images; our PDF's size ÷ Pandoc's; our cold ``pdf`` ÷ Pandoc → WeasyPrint, wall and CPU."""
    by_name = {s.name.removeprefix("chapter: "): s for s in results}
    nan = float("nan")

    def cpu(name: str) -> float:
        return by_name[name].cpu_median_s if name in by_name and by_name[name].runs else nan

    def wall(name: str) -> float:
        return by_name[name].median_s if name in by_name and by_name[name].runs else nan

    round_cpu = cpu("watch: save → handout")
    pptx = cpu("cold pptx")
    peer = by_name.get("pandoc → weasyprint pdf")
    size = (by_name["cold pdf, image cache empty"].extra.get("bytes", nan) / peer.extra["bytes"]
            if peer is not None and "bytes" in peer.extra and "cold pdf, image cache empty" in by_name else nan)
    values = dict(round_vs_cold_empty=round_cpu / (cpu("cold pdf, image cache empty") + pptx),
                  round_vs_cold_prepared=round_cpu / (cpu("cold pdf, image cache warm") + pptx), pdf_size_vs_peer=size,
                  cold_empty_vs_peer_wall=wall("cold pdf, image cache empty") / wall("pandoc → weasyprint pdf"),
                  cold_empty_vs_peer_cpu=cpu("cold pdf, image cache empty") / cpu("pandoc → weasyprint pdf"))
    note = (f"watch round ÷ cold pdf+pptx (CPU): {values['round_vs_cold_empty']:.2f} (image cache empty), "
            f"{values['round_vs_cold_prepared']:.2f} (prepared); PDF size ÷ Pandoc's: {size:.2f}; cold pdf, cache "
            f"empty ÷ Pandoc → WeasyPrint: {values['cold_empty_vs_peer_wall']:.2f} wall, "
            f"{values['cold_empty_vs_peer_cpu']:.2f} CPU")
    return Stats("chapter: ratios (targets)", 0, nan, nan, nan, 0.0, [], note, {k: round(v, 3) for k, v in values.items()})


def cases(runs: int, with_peer: bool) -> list[Stats]:
    """Every chapter case (see the module docstring); the project and the private cache are removed after."""
    from . import cases as ours

    root = make_chapter()
    cache = Path(tempfile.mkdtemp(prefix="coursepress-cache-"))
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    results: list[Stats] = []
    try:
        out = Path(tempfile.mkdtemp(prefix="coursepress-out-"))
        first = run(python(str(root / "build.py"), "--project", str(root), "pdf", "--out", str(out), "-q"), env=env)
        if first.code:
            raise CaseFailed(f"chapter: first build failed: {first.err[-800:]}")
        pages = len(__import__("pypdf").PdfReader(str(out / OUTPUTS["handout"])).pages)
        count, top = _pdf_images(out / OUTPUTS["handout"])
        parts = pdf_parts(out / OUTPUTS["handout"])
        remove(out)
        def clear() -> None:        # prepared images and the decoded-before markers (coursepress.images)
            for name in ("prints", "decoded", "images"):
                shutil.rmtree(cache / "coursepress" / name, ignore_errors=True)
        cold = _cold(root, "pdf", runs, env, "chapter: cold pdf, image cache empty", setup=clear)
        cold.note += (f", {pages} pages, {count} images, up to {top:.0f} dpi; PNG {parts['png'] / 1e6:.1f} MB, JPEG "
                      f"{parts['jpeg'] / 1e6:.1f}, fonts {parts['fonts'] / 1e6:.1f}, other {parts['other'] / 1e6:.1f}")
        cold.extra.update(pages=pages, images=count, max_dpi=round(top), parts=parts)
        results.append(cold)
        results.append(_cold(root, "pdf", runs, env, "chapter: cold pdf, image cache warm"))
        results.append(_cold(root, "pptx", runs, env, "chapter: cold pptx"))
        _set_images(root, "original")
        results.append(_cold(root, "pdf", runs, env, "chapter: cold pdf, images: original"))
        _set_images(root, None)
        for stats in ours.watch(root, runs, outputs=OUTPUTS, edit=edit_chapter, env=env):
            stats.name = "chapter: " + stats.name
            results.append(stats)
        if with_peer:
            results.append(_peer(root, runs, env))
        results.append(ratios(results))
    finally:
        remove(root)
        shutil.rmtree(cache, ignore_errors=True)
    return results

