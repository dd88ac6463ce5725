"""Handout writer: document model → HTML (Jinja) → PDF (WeasyPrint).

One PDF per lecture, ``<out>/<lecture>.pdf``: cover, table of contents with
page numbers, numbered headings in the PDF outline, running header and footer,
footnotes at the page foot, numbered figures and tables, references. Tagged
PDF (PDF/UA-1) with title, author, subject, keywords and language; dates come
from the course date (or ``SOURCE_DATE_EPOCH``) so rebuilds are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import model as m
from ..charts import make_chart
from ..errors import BuildError, ContentErrors, Problems, SourcePos
from ..fonts import FontFace, check_coverage, isolated_fontconfig, shipped_faces
from ..numbers import estimate_note
from ..output import atomic_write
from ..resources import make_url_fetcher
from ..templating import TOOL_ROOT, environment
from . import BuildSettings, Output

SERIF, SANS, EMOJI, MONO = "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Emoji", "DejaVu Sans Mono"


@dataclass(frozen=True)
class TableNotes:
    """Estimate notes of one model table: ``marks`` maps (model, column) → key a, b, …"""

    marks: dict[tuple[str, str], str]
    items: list[tuple[str, str]]


def table_notes(models: tuple, columns: tuple[str, ...]) -> TableNotes:
    """Collect the estimate notes of a model table, one key per distinct note."""
    marks: dict[tuple[str, str], str] = {}
    items: list[tuple[str, str]] = []
    for model in models:
        for column in columns:
            note = estimate_note(model, column)
            if note:
                text = f"{model.name}：{note}"
                key = chr(ord("a") + len(items)) if len(items) < 26 else str(len(items) + 1)
                items.append((key, text))
                marks[(model.name, column)] = key
    return TableNotes(marks, items)


def build_date(course: m.Course) -> str:
    """ISO timestamp for PDF dates: ``SOURCE_DATE_EPOCH`` if set, else the course date at 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    else:
        when = dt.datetime.combine(course.meta.date, dt.time(), dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stack(*families: str) -> str:
    """A CSS font-family list; names with quotes or backslashes (never in real fonts) are skipped."""
    return ", ".join(f'"{f}"' for f in families if f and not set(f) & set('"\\<>{};'))


def font_stacks(course: m.Course, faces: tuple[FontFace, ...], problems: Problems) -> dict[str, str]:
    """CSS font-family stacks; configured fonts first, shipped CJK and emoji fonts always behind.

    A configured family that is not shipped is reported (C05): it would make the
    output depend on the machine's fonts. A body family without a bold face is
    reported too (C03: WeasyPrint does not synthesise bold).
    """
    shipped = {f.family for f in faces}
    fallback = [f.family for f in faces if f.family not in (SERIF, SANS, EMOJI, MONO)]
    chosen = {}
    for role, default in (("body", SERIF), ("heading", SANS), ("mono", MONO)):
        name = getattr(course.meta.fonts, role)
        if name and name not in shipped:
            problems.warn(SourcePos("content/course.yaml"), f"font '{name}' ({role}) is not shipped in assets/fonts; "
                          f"using {default}", "add the font files to assets/fonts or remove the setting")
            name = None
        chosen[role] = name
    bold_family = chosen["heading"] or SANS      # headings and <strong> are set in the heading face
    if not any(f.family == bold_family and f.weight >= 600 for f in faces):
        problems.warn(SourcePos("assets/fonts"), f"no bold face for {bold_family}; bold text would print regular",
                      "ship the Bold face of the family")
    serif = _stack(chosen["body"], SERIF, SANS, EMOJI, *fallback)
    sans = _stack(chosen["heading"], SANS, SERIF, EMOJI, *fallback)
    mono = _stack(chosen["mono"], MONO, SANS, EMOJI, *fallback)
    return {"serif": serif, "sans": sans, "mono": mono}


def lecture_texts(course: m.Course, lecture: m.Lecture) -> list[tuple[str, SourcePos]]:
    """Every text the handout prints, with the position it comes from (for coverage checks)."""
    file = SourcePos(lecture.source.relative_to(course.root).as_posix())
    texts: list[tuple[str, SourcePos]] = [(lecture.title, file), (lecture.meta.header or "", file),
                                          (lecture.meta.footer or "", file), (course.meta.title, file)]

    def walk(blocks, pos: SourcePos):
        for b in blocks:
            here = getattr(b, "pos", pos)
            for attr in ("children", "caption"):
                if hasattr(b, attr):
                    texts.append((m.plain_text(getattr(b, attr)), here))
            if isinstance(b, m.CodeBlock):
                texts.append((b.text, here))
            if isinstance(b, m.Table):
                for cell in b.header + tuple(c for row in b.rows for c in row):
                    texts.append((m.plain_text(cell.children), here))
            if isinstance(b, m.ModelTable):
                for model in b.models:
                    data_pos = SourcePos("content/data/models.yaml", model.line)
                    texts.extend((str(v), data_pos) for v in (model.name, model.organisation, model.notes or "",
                                                              *model.highlights, *model.modalities, *model.extra.values(),
                                                              *model.estimated.values()))
            for attr in ("blocks",):
                if hasattr(b, attr):
                    walk(getattr(b, attr), here)
            if isinstance(b, m.ListBlock):
                for item in b.items:
                    walk(item.blocks, here)

    walk(lecture.preamble, file)
    for top in lecture.sections:
        for s in top.walk():
            walk((s.heading,) + s.blocks, s.heading.pos)
    for note in lecture.footnotes:
        walk(note.blocks, file)
    return texts


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_html(course: m.Course, lecture: m.Lecture, settings: BuildSettings, problems: Problems) -> str:
    """Render the handout HTML of ``lecture`` (also used by tests to inspect escaping)."""
    faces = shipped_faces(course.root)
    stacks = font_stacks(course, faces, problems)
    env = environment(course.root)
    hs = course.meta.handout
    css = env.get_template("handout/handout.css.j2").render(
        fonts=faces, page_size=hs.page_size, orientation=hs.orientation, **stacks)
    header = lecture.meta.header or lecture.title
    return env.get_template("handout/handout.html.j2").render(
        course=course, lecture=lecture, css=css, build_date=build_date(course),
        header_text=header, footer_text=lecture.meta.footer or course.meta.title,
        table_notes=table_notes, make_chart=make_chart)


def write(course: m.Course, settings: BuildSettings, lecture: m.Lecture) -> Output:
    """Build ``<out_dir>/<lecture.name>.pdf``.

    Raises:
        ContentErrors: uncovered characters under ``--strict``.
        BuildError: a resource the HTML asked for was refused.
    """
    os.environ["FONTCONFIG_FILE"] = str(isolated_fontconfig(course.root))
    from weasyprint import HTML  # heavy import: only when a handout is built

    problems = Problems(settings.strict)
    faces = shipped_faces(course.root)
    check_coverage(lecture_texts(course, lecture), faces, problems)
    html = render_html(course, lecture, settings, problems)
    problems.raise_if_any()
    fetcher = make_url_fetcher([course.root, TOOL_ROOT / "assets", TOOL_ROOT / "templates"])
    document = HTML(string=html, base_url=str(course.root) + "/", url_fetcher=fetcher).render()
    if fetcher.refused:
        raise BuildError("the handout asked for resources outside the project: " + ", ".join(fetcher.refused[:5]))
    identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode("ascii")
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, uncompressed_pdf=False)
    path = atomic_write(settings.out_dir / f"{lecture.name}.pdf", pdf)
    return Output(path, f"{len(document.pages)} pages", [str(w) for w in problems.warnings])
