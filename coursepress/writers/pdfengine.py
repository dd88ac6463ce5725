"""What the HTML→PDF writers (handout, poster) share: fonts, dates, and the WeasyPrint step.

* :func:`font_stacks`: CSS font-family lists over the shipped fonts only.
* :func:`build_date`: the fixed timestamp that makes rebuilds byte-identical.
* :class:`PdfEngine`: WeasyPrint behind the project's resource gate and an
  isolated fontconfig, so no system font and no file outside the project is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sys
from typing import TYPE_CHECKING, Mapping, Optional

from .. import model as m
from ..builddate import build_time
from ..errors import ContentError, ContentErrors, Problems, SourcePos
from ..fonts import FontFace, isolated_fontconfig
from ..resources import ImageData, make_url_fetcher
from ..patches import (apply_cjk_justification, apply_fast_serialiser, apply_font_description_memo, apply_layout_shortcuts,
                       apply_lazy_pseudo_styles, apply_page_total_sync,
                       apply_parser_patterns, apply_png_passthrough, apply_prepared_images, apply_subset_cache,
                       apply_svg_path_memo, cached_cdefs, deflate_level, no_library_search)
from ..patches import page_box as patched_page_box
from ..templating import TOOL_ROOT
from ..units import px_to_mm
from ..watchdog import step

if TYPE_CHECKING:
    from ..project import Project


def _asked_where(root, url: str) -> SourcePos:
    """Where a template asks for ``url``: the first line of a template file naming it (or its file
    name inside ``url(…)``, ``src=`` or ``href=``); the templates folder if none does."""
    from pathlib import Path
    from urllib.parse import unquote

    from ..errors import rel
    from ..templating import search_path

    tail = unquote(url.split("?")[0].split("#")[0].rstrip("/")).rsplit("/", 1)[-1]
    for folder in search_path(root):
        for path in sorted(Path(folder).rglob("*")):
            try:
                lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, 1):
                if url in line or tail and tail in line and any(k in line for k in ("url(", "src=", "href=")):
                    return SourcePos(rel(path, root), number)
    return SourcePos("templates")


def build_date(course: m.Course) -> str:
    """ISO timestamp for PDF dates: :func:`coursepress.builddate.build_time` as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return build_time(course.meta.date).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stack(*families: str) -> str:
    """A CSS font-family list; names with quotes or backslashes (never in real fonts) are skipped."""
    return ", ".join(f'"{f}"' for f in families if f and not set(f) & set('"\\<>{};'))


def font_stacks(course: m.Course, faces: tuple[FontFace, ...], problems: Problems) -> dict[str, str]:
    """CSS font-family stacks ``serif``, ``sans``, ``mono``: configured fonts first, the theme's faces
    (``course.theme``: shipped CJK, emoji, code) and the other shipped fonts always behind.

    A configured family that is not shipped is reported (C05): it would make the
    output depend on the machine's fonts. A bold family without a bold face is
    reported too (C03: WeasyPrint does not synthesise bold).
    """
    theme = course.theme
    SERIF, SANS, EMOJI, MONO = theme.serif, theme.sans, theme.emoji, theme.mono    # noqa: N806
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
    return {"serif": _stack(chosen["body"], SERIF, SANS, EMOJI, *fallback),
            "sans": _stack(chosen["heading"], SANS, SERIF, EMOJI, *fallback),
            "mono": _stack(chosen["mono"], MONO, SANS, EMOJI, *fallback)}


def import_weasyprint(root):
    """Import WeasyPrint for project ``root`` (fontconfig pointed at the shipped fonts first); returns the module.

    WeasyPrint 70 (``text/ffi.py``) opens each native library by trying several
    names; cffi hands every name that does not open at once to
    ``ctypes.util.find_library`` (ldconfig, gcc, ld: 0.18 s of the 0.46 s
    import). During the import that lookup answers "not found"
    (:func:`coursepress.patches.no_library_search`), so the names dlopen finds
    by itself are used directly; where none opens that way (another platform),
    WeasyPrint is imported again with the real lookup. Its C declarations are
    parsed once and kept between builds (:func:`coursepress.patches.cached_cdefs`).
    Then the CJK justification patch is applied (:func:`coursepress.patches.apply_cjk_justification`).
    """
    os.environ["FONTCONFIG_FILE"] = str(isolated_fontconfig(root))
    if "weasyprint" not in sys.modules:
        try:
            with no_library_search(), cached_cdefs(), contextlib.redirect_stdout(io.StringIO()):   # it prints install advice
                import weasyprint  # noqa: F401
        except OSError:
            import weasyprint  # noqa: F401
    # Applied on every call (both idempotent): a module that imported part of WeasyPrint first
    # (weasyprint.urls for the resource gate) must not leave the PDFs without them.
    apply_cjk_justification()       # inter-character justification for Chinese (see cjkjustify)
    apply_png_passthrough()         # PNG data into the PDF without decoding and compressing it again
    apply_subset_cache()            # font subsets kept between builds (the CJK faces take 25-30 ms each)
    apply_prepared_images()         # prepared images laid out by size, their bytes taken when the PDF is written
    apply_fast_serialiser()         # pydyf objects to bytes faster, the same bytes (writers.pdfserial)
    apply_svg_path_memo()           # an SVG path's data parsed once per process (writers.svgpaths)
    apply_layout_shortcuts()        # two of the layout's most called helpers, common case first (writers.layoutfast)
    apply_parser_patterns()         # the HTML parser's pattern cache, which upstream never hits
    apply_font_description_memo()   # a Pango font description per distinct font style, not per text layout
    apply_lazy_pseudo_styles()      # a pseudo-element's style made when a box asks for it (writers.pseudostyles)
    apply_page_total_sync()         # no layout pass for a page total no box on the page shows (writers.pagecounts)
    return sys.modules["weasyprint"]


def preload(project: Project) -> None:
    """Load once what every HTML→PDF build of ``project`` reuses (``build.py watch``, parallel builds).

    Imports WeasyPrint (after pointing fontconfig at the shipped fonts), reads
    the shipped faces and compiles the templates, so the build processes forked
    on every save start with them (WeasyPrint's import alone is ≈ 0.5 s).
    """
    from ..fonts import shipped_faces
    from ..templating import environment

    root = project.root
    import_weasyprint(root)     # present in every forked build

    try:
        shipped_faces(root)
        env = environment(root)
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)
    except Exception:          # noqa: BLE001 — a refused font or template is reported by the build itself
        pass


def warm(project: Project) -> None:
    """What a one-shot build loads while the course is loaded (:mod:`coursepress.overlap`): WeasyPrint
    with the shipped fonts' configuration and the patches, and Jinja with the template sandbox (≈ 0.012 s
    that rendering the HTML spent first, after the load). Not the templates: the handout's are compiled
    for the course's message catalogue, which only loading knows."""
    import_weasyprint(project.root)
    from .. import sandbox  # noqa: F401 — Jinja and its sandbox: the first thing every HTML writer needs


class PdfEngine:
    """WeasyPrint for one build of ``project`` (``course``: its image settings).

    Sets ``FONTCONFIG_FILE`` to the isolated configuration before WeasyPrint
    loads, and renders through a URL fetcher that serves only ``data:`` URIs
    and files of the project and of the tool's own templates and assets.
    """

    def __init__(self, project: Project, course: m.Course, what: str) -> None:
        import_weasyprint(project.root)   # heavy import: only when a PDF is built
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        self._html = HTML
        self._fonts = FontConfiguration()     # one Pango font map for every layout of this build (poster: 2–3)
        self.what = what
        self.root = project.root
        self.base_url = str(project.root) + "/"
        self.faces = project.font_faces        # the font files the layout may use (writers.pagedraws: a cache's key)
        self.fetcher = make_url_fetcher([project.root, TOOL_ROOT / "assets", TOOL_ROOT / "templates"])
        images = course.meta.image_settings()
        # After layout, WeasyPrint resamples a raster image still above this resolution at its placed size
        # (one narrower than the widest box the writer prepared it for: a figure in a list, an A5 page).
        self._dpi = None if images.original else images.dpi

    def close(self) -> None:
        """Remove the folder WeasyPrint keeps for ``@font-face`` fonts, if a template used any.

        WeasyPrint removes it when its font configuration is garbage-collected,
        which a process ending through :func:`coursepress.cli.exit_now` skips.
        """
        folder = getattr(self._fonts, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    def render(self, html: str, images: Optional[Mapping[str, ImageData]] = None):
        """Lay out ``html``; returns a ``weasyprint.Document``. ``images``: pictures the HTML names by
        ``coursepress-image:`` URL (:meth:`coursepress.imageprep.ImagePreparer.url`), served from memory.

        Raises:
            ContentErrors: the HTML asked for resources outside the project (each at the template line naming it).
        """
        self.fetcher.images = dict(images or {})
        with step(f"laying out the {self.what}'s pages (WeasyPrint)"):
            document = self._html(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                font_config=self._fonts, dpi=self._dpi)
        if self.fetcher.refused:
            raise ContentErrors([ContentError(_asked_where(self.root, url), f"the {self.what} asks for '{url}', "
                                              "which is outside the project or not a local file",
                                              "refer only to files inside the project")
                                 for url in dict.fromkeys(self.fetcher.refused[:5])])
        return document

    @staticmethod
    def pdf_bytes(document, html: str, finisher=None) -> bytes:
        """Tagged PDF (PDF/UA-1) with an identifier derived from the HTML, so equal input gives equal bytes.

        ``finisher``: WeasyPrint's ``finisher(document, pdf)`` hook, called before the PDF is written.
        Streams are deflated at zlib level :data:`DEFLATE_LEVEL` (see :func:`coursepress.patches.deflate_level`).
        """
        identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode("ascii")
        with deflate_level(DEFLATE_LEVEL), step("writing the PDF"):
            return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, uncompressed_pdf=False,
                                      finisher=finisher)


DEFLATE_LEVEL = 6          # zlib level of PDF streams (coursepress.patches.deflate_level: why)


def overflows(document, tolerance_px: float = 1.0) -> list[tuple[int, int, float]]:
    """Content that runs past the page's content box (clipped or off the page).

    Walks the laid-out boxes of every page (margin boxes excluded) and returns
    ``(page number, source line, overflow in mm)`` for each text or replaced box
    whose right edge passes the content box's right edge (or left edge the
    left), once per source line. The source line comes from the nearest
    ancestor element's ``data-line`` attribute (0 when none).
    """
    found: dict[int, tuple[int, int, float]] = {}
    for number, page in enumerate(document.pages, 1):
        page_box = patched_page_box(page)
        left = page_box.margin_left + page_box.padding_left
        right = left + page_box.width

        def walk(box, line: int) -> None:
            element = getattr(box, "element", None)
            if element is not None and element.get("data-line"):
                line = int(element.get("data-line"))
            kind = type(box).__name__
            if kind == "MarginBox":
                return
            if kind in ("TextBox", "InlineReplacedBox", "BlockReplacedBox"):
                over = max(box.position_x + box.width - right, left - box.position_x)
                if kind == "TextBox":      # trailing spaces at a line end draw nothing: allow up to ½ em each
                    trailing = len(box.text) - len(box.text.rstrip())
                    over -= trailing * box.style["font_size"] * 0.5
                if over > tolerance_px and (line not in found or found[line][2] < over):
                    found[line] = (number, line, px_to_mm(over))
            for child in getattr(box, "children", None) or ():
                walk(child, line)

        walk(page_box, 0)
    return sorted(found.values())

