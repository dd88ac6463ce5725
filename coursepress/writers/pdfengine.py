"""What the HTML→PDF writers (handout, poster) share: fonts, dates, and the WeasyPrint step.

* :func:`font_stacks`: CSS font-family lists over the shipped fonts only.
* :func:`build_date`: the fixed timestamp that makes rebuilds byte-identical.
* :class:`PdfEngine`: WeasyPrint behind the project's resource gate and an
  isolated fontconfig, so no system font and no file outside the project is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from .. import model as m
from ..errors import BuildError, Problems, SourcePos
from ..fonts import FontFace, isolated_fontconfig
from ..resources import make_url_fetcher
from ..templating import TOOL_ROOT

SERIF, SANS, EMOJI, MONO = "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Emoji", "DejaVu Sans Mono"


def build_date(course: m.Course) -> str:
    """ISO timestamp for PDF dates: ``SOURCE_DATE_EPOCH`` if set, else the course date at 00:00 UTC.

    Source: reproducible-builds.org SOURCE_DATE_EPOCH specification.
    """
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
    """CSS font-family stacks ``serif``, ``sans``, ``mono``: configured fonts first, shipped CJK,
    emoji and fallback fonts always behind.

    A configured family that is not shipped is reported (C05): it would make the
    output depend on the machine's fonts. A bold family without a bold face is
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
    return {"serif": _stack(chosen["body"], SERIF, SANS, EMOJI, *fallback),
            "sans": _stack(chosen["heading"], SANS, SERIF, EMOJI, *fallback),
            "mono": _stack(chosen["mono"], MONO, SANS, EMOJI, *fallback)}


def preload(root) -> None:
    """Load once what every HTML→PDF build of project ``root`` reuses (for ``build.py watch``).

    Imports WeasyPrint (after pointing fontconfig at the shipped fonts), reads
    the shipped faces and compiles the templates, so the build processes forked
    on every save start with them (WeasyPrint's import alone is ≈ 0.5 s).
    """
    from ..fonts import shipped_faces
    from ..templating import environment

    os.environ["FONTCONFIG_FILE"] = str(isolated_fontconfig(root))
    import weasyprint  # noqa: F401 — loaded here for its side effect: present in every forked build

    shipped_faces(root)
    env = environment(root)
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)


class PdfEngine:
    """WeasyPrint for one build of project ``course.root``.

    Sets ``FONTCONFIG_FILE`` to the isolated configuration before WeasyPrint
    loads, and renders through a URL fetcher that serves only ``data:`` URIs
    and files of the project and of the tool's own templates and assets.
    """

    def __init__(self, course: m.Course, what: str) -> None:
        os.environ["FONTCONFIG_FILE"] = str(isolated_fontconfig(course.root))
        from weasyprint import HTML   # heavy import: only when a PDF is built

        self._html = HTML
        self.what = what
        self.base_url = str(course.root) + "/"
        self.fetcher = make_url_fetcher([course.root, TOOL_ROOT / "assets", TOOL_ROOT / "templates"])

    def render(self, html: str):
        """Lay out ``html``; returns a ``weasyprint.Document``.

        Raises:
            BuildError: the HTML asked for a resource outside the project.
        """
        document = self._html(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render()
        if self.fetcher.refused:
            raise BuildError(f"the {self.what} asked for resources outside the project: "
                             + ", ".join(self.fetcher.refused[:5]))
        return document

    @staticmethod
    def pdf_bytes(document, html: str) -> bytes:
        """Tagged PDF (PDF/UA-1) with an identifier derived from the HTML, so equal input gives equal bytes."""
        identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode("ascii")
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, uncompressed_pdf=False)


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
        page_box = page._page_box
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
                    found[line] = (number, line, over * 25.4 / 96)
            for child in getattr(box, "children", None) or ():
                walk(child, line)

        walk(page_box, 0)
    return sorted(found.values())

