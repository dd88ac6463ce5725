"""Web fonts for the HTML handout: the shipped fonts subset to the characters a site uses.

A CJK face is 10–16 MB; a course's pages use a thousand or so of its 65,000
glyphs, so each face is cut down with fontTools' subsetter (the layout
features a browser applies by default are kept, plus ``halt`` for the
compressed punctuation of :mod:`coursepress.cjkspacing`) and written as WOFF2
when the ``brotli`` module is there (W3C WOFF2 §5), else as WOFF. Nothing is
fetched from a font service: the site works offline and looks the same
everywhere.

Which faces: the body, heading and code families of the handout's font
stacks (:func:`coursepress.writers.pdfengine.font_stacks`) get every used
character they have; the fallback faces (emoji, rare Han characters) only the
characters the main faces lack. Formulas get STIX Two Math, the OpenType math
font ziamath ships (SIL OFL 1.1), which also draws the handout's formulas;
its MATH table is kept, so stretchy brackets and radicals work.

Subsetting a CJK face takes ~3 s, so results are cached in the private
per-user cache (:mod:`coursepress.cachedir`, folder ``webfonts``), keyed by the
font file's SHA-256, the character set, the format and fontTools' version.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ... import cachedir
from ...fonts import FontFace

CACHE_VERSION = "1"
# Features browsers apply by default (fontTools' default list) plus halt for compressed punctuation.
EXTRA_FEATURES = ("halt", "vhal")


@dataclass(frozen=True)
class WebFont:
    """One subset font file of the site: ``family``, ``weight`` (100–900), ``name`` (file name under
    ``assets/fonts/``), ``format`` (CSS ``format()`` keyword: woff2 or woff), the file ``data`` and the
    ``source`` font file it was cut from (its licence goes with it)."""

    family: str
    weight: int
    name: str
    format: str
    data: bytes
    source: Path


def flavor() -> str:
    """``woff2`` when the brotli module can be imported (WOFF2 needs it), else ``woff``."""
    return "woff2" if importlib.util.find_spec("brotli") is not None else "woff"


def math_font() -> Optional[Path]:
    """STIX Two Math as shipped inside the ziamath package, or None if it is not there."""
    spec = importlib.util.find_spec("ziamath")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / "STIXTwoMath-Regular.ttf"
    return path if path.is_file() else None


def _slug(family: str, weight: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", family.lower()).strip("-") + f"-{weight}"


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def subset_font(path: Path, codepoints: Iterable[int], kind: str) -> bytes:
    """``path`` cut down to ``codepoints`` (and the glyphs their layout needs) as a ``kind`` (woff2, woff) file.

    Cached per user (see the module docstring); a cache that cannot be written only costs time.
    """
    from importlib.metadata import version

    chars = sorted(set(codepoints))
    key = hashlib.sha256(f"{CACHE_VERSION}|{version('fonttools')}|{_file_hash(path)}|{kind}|"
                         f"{','.join(map(str, chars))}".encode()).hexdigest()
    try:
        folder: Optional[Path] = cachedir.cache_folder("webfonts")
    except OSError:
        folder = None
    if folder is not None:
        try:
            return cachedir.read_private(folder / f"{key}.{kind}")
        except OSError:
            pass
    from io import BytesIO

    from fontTools import subset

    options = subset.Options()
    options.flavor = kind
    options.layout_features = list(options.layout_features) + list(EXTRA_FEATURES)
    options.name_IDs = ["*"]           # keep copyright, licence and reserved-name records (SIL OFL §2)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False            # screens of phones and desktops render CJK unhinted
    import logging

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)    # "FFTM NOT subset": a timestamp table, dropped
    font = subset.load_font(str(path), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(font)
        out = BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    data = out.getvalue()
    if folder is not None:
        try:
            cachedir.write_private(folder, f"{key}.{kind}", data)
        except OSError:
            pass
    return data


def site_fonts(faces: tuple[FontFace, ...], main_families: tuple[str, ...], text: str,
               math_text: str) -> list[WebFont]:
    """The web fonts a site needs for ``text`` (every character its pages, styles and charts show) and
    ``math_text`` (the characters of its formulas).

    ``main_families``: the families the stylesheets name first (body, headings, code); every other
    shipped face is a fallback and gets only the characters no main face has. Faces that would be
    empty are left out.
    """
    used = {ord(c) for c in text if ord(c) > 0x20}
    main = [f for f in faces if f.family in main_families]
    covered: set[int] = set()
    for face in main:
        covered |= face.codepoints
    kind = flavor()
    fonts = []
    for face in faces:
        wanted = used & face.codepoints if face in main else (used - covered) & face.codepoints
        if wanted:
            fonts.append(WebFont(face.family, face.weight, f"{_slug(face.family, face.weight)}.{kind}", kind,
                                 subset_font(face.path, wanted, kind), face.path))
    stix = math_font()
    math_used = {ord(c) for c in math_text if not c.isspace()}
    if stix is not None and math_used:
        fonts.append(WebFont("STIX Two Math", 400, f"stix-two-math-400.{kind}", kind,
                             subset_font(stix, math_used, kind), stix))
    return fonts


def licence_note(font: WebFont) -> str:
    """What travels with ``font``: its file, the font it was cut from, and that font's copyright and licence
    records (OpenType ``name`` IDs 0, 13, 14). The licence files of the font folders are copied beside it."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font.source), lazy=True, fontNumber=0) as source:
        name = source["name"]
        records = [(name.getDebugName(i) or "").strip() for i in (0, 13, 14)]
    return "\n".join([f"{font.name}: a subset of {font.family} ({font.source.name})", *[r for r in records if r]]) + "\n"
