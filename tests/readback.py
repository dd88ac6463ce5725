"""Read-back helpers shared by the tests: one place for each way of reading an output.

PDF (pypdf, pypdfium2): text, outline, fonts, links, glyph boxes, rendered pages, image sizes.
PPTX (python-pptx): the OOXML namespace map ``NS``, a slide's title, body text and speaker notes.
Any file: ``digest`` (SHA-256 of its bytes, for "unchanged" and "byte-identical" checks).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium


def norm(text: str) -> str:
    """Drop all whitespace (incl. the ¼-em spaces of CJK/Latin spacing) for text comparisons."""
    return re.sub(r"\s+", "", text.replace("\u2005", " ").replace("\ufffe", "-").replace("\u00ad", ""))


def page_texts(path: Path) -> list[str]:
    """Text of each page, as pdfium extracts it."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def outline(path: Path) -> list[tuple[int, str, int]]:
    """Flattened outline: (depth, title, 0-based page)."""
    reader = pypdf.PdfReader(str(path))
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out


def fonts(path: Path) -> dict[str, bool]:
    """BaseFont name (subset prefix removed) → whether a font file is embedded."""
    reader = pypdf.PdfReader(str(path))
    found: dict[str, bool] = {}

    def visit(font):
        font = font.get_object()
        name = str(font.get("/BaseFont", "")).lstrip("/")
        name = name.split("+", 1)[-1]
        desc = font.get("/FontDescriptor")
        if font.get("/DescendantFonts"):
            for d in font["/DescendantFonts"]:
                visit(d)
            return
        embedded = bool(desc) and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        found[name] = found.get(name, False) or embedded

    for page in reader.pages:
        res = page.get("/Resources")
        if res and "/Font" in res.get_object():
            for f in res.get_object()["/Font"].values():
                visit(f)
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(page, URI) of every URI link annotation."""
    reader = pypdf.PdfReader(str(path))
    out = []
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action and "/URI" in action.get_object():
                out.append((i, str(action.get_object()["/URI"])))
    return out


def char_boxes(path: Path):
    """Yield (page index, char, (left, bottom, right, top) in pt, page width, page height)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            tp = page.get_textpage()
            for k in range(tp.count_chars()):
                char = tp.get_text_range(k, 1)
                if char.strip():
                    yield i, char, tp.get_charbox(k), width, height
    finally:
        doc.close()


def loose_chars(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, char, left, right, bottom, top) in pt of each visible character, in text order, from its
    loose box (the font's ascent to descent: bottom is the same for every character on one baseline)."""
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for number in range(len(doc)):
            text = doc[number].get_textpage()
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.isspace():
                    continue
                left, bottom, right, top = text.get_charbox(i, loose=True)
                out.append((number, char, left, right, round(bottom, 1), round(top, 1)))
    finally:
        doc.close()
    return out


def render(path: Path, index: int, scale: float = 0.5):
    """Page ``index`` as a PIL image."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[index].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()


def image_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image XObject."""
    reader = pypdf.PdfReader(str(path))
    sizes = []
    for page in reader.pages:
        res = page.get("/Resources")
        xobjects = res.get_object().get("/XObject") if res else None
        for x in (xobjects or {}).values():
            x = x.get_object()
            if x.get("/Subtype") == "/Image":
                sizes.append((int(x["/Width"]), int(x["/Height"])))
    return sizes


# OOXML namespaces by their usual prefixes (ECMA-376 Part 1, the prefixes PowerPoint writes).
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def placed_images(path: Path) -> list[dict]:
    """Every image drawn in the PDF at ``path``, in page order: ``px`` (width, height in px), ``pt`` (placed
    width, height in pt), ``box`` (left, bottom, right, top on its page in pt), ``filters``, ``colorspace``,
    ``pixels`` (decoded, RGB PIL image), ``stream`` (the raw, still encoded data) and ``over``: True for an
    image drawn inside a form XObject after the form's first image (a screenshot's photograph drawn as a JPEG
    layer over it, :mod:`coursepress.writers.pdflayers`), so ``[i for i in found if not i["over"]]`` are the
    pictures."""
    import pypdfium2.raw as pdfium_raw

    found: list[dict] = []

    def walk(page, form, matrix) -> None:
        first = True
        for obj in page.get_objects(max_depth=0, form=form):
            if obj.type == pdfium_raw.FPDF_PAGEOBJ_FORM:
                walk(page, obj, obj.get_matrix().multiply(matrix) if matrix is not None else obj.get_matrix())
            elif obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE:
                left, bottom, right, top = obj.get_bounds()
                if matrix is not None:          # inside a form: its bounds are in the form's space
                    xs, ys = zip(*(matrix.on_point(x, y) for x in (left, right) for y in (bottom, top)))
                    left, bottom, right, top = min(xs), min(ys), max(xs), max(ys)
                width_px, height_px = obj.get_px_size()
                found.append(dict(px=(width_px, height_px), pt=(right - left, top - bottom), box=(left, bottom, right, top),
                                  filters=obj.get_filters(), colorspace=obj.get_metadata().colorspace,
                                  pixels=obj.get_bitmap().to_pil().convert("RGB"),
                                  stream=bytes(obj.get_data(decode_simple=False)), over=form is not None and not first))
                first = False

    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            walk(page, None, None)
    finally:
        doc.close()
    return found


def digest(path: Path) -> str:
    """SHA-256 (hex) of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def slide_title(slide) -> str:
    """Text of the slide's title placeholder (found by role: title or centred title), or ``""``."""
    from pptx.enum.shapes import PP_PLACEHOLDER
    for shape in slide.placeholders:
        if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return shape.text_frame.text
    return ""


def slide_notes(slide) -> str:
    """Text of the slide's speaker notes, or ``""`` when it has none."""
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def slide_body(slide) -> str:
    """Text of every text frame on the slide except the title, one frame per line (tables not included)."""
    title = slide.shapes.title
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh != title)


def handout_and_deck_text(out: Path, name: str = "intro") -> tuple[str, str, str]:
    """``(handout, slides, notes)``: the text of the handout ``out/<name>.pdf`` (pypdf, every page's text
    joined), of every text frame on the deck ``out/<name>.pptx``'s slides (titles included, one frame per
    line, tables not included) and of its speaker notes (one slide's per line)."""
    from pptx import Presentation

    handout = "".join(page.extract_text() for page in pypdf.PdfReader(out / f"{name}.pdf").pages)
    deck = Presentation(str(out / f"{name}.pptx"))
    slides = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                       if shape.has_text_frame)
    notes = "\n".join(slide_notes(slide) for slide in deck.slides)
    return handout, slides, notes
