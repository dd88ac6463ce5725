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

Subsetting a CJK face takes ~5 s (parsing its CFF outlines ~1 s, cutting and
compressing the rest), so results are cached in the private per-user cache
(:mod:`coursepress.cachedir`, folder ``webfonts``), keyed by the font file's
SHA-256, the character set, the format and fontTools' version, and a main face
is cut in fixed slices of the code space (:data:`SLICES`), each cached on its
own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import signal
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from ... import cachedir
from ...fonts import FontFace

CACHE_VERSION = "1"
# Fixed slices of the code space (CSS Fonts 4 §4.5 unicode-range): a main face becomes one file per slice it
# has characters of, so a saved edit that brings one new character cuts one small file per face again (~1 s)
# rather than the whole subset (~5 s per CJK face); the CJK Unified Ideographs are split in eleven.
SLICES = ((0x0000, 0x2FFF), (0x3000, 0x4DFF), *((s, min(s + 0x7FF, 0x9FFF)) for s in range(0x4E00, 0xA000, 0x800)),
          (0xA000, 0x10FFFF))
# Features browsers apply by default (fontTools' default list) plus halt for compressed punctuation.
EXTRA_FEATURES = ("halt", "vhal")


@dataclass(frozen=True)
class WebFont:
    """One subset font file of the site: ``family``, ``weight`` (100–900), ``name`` (file name under
    ``assets/fonts/``), ``format`` (CSS ``format()`` keyword: woff2 or woff), the file ``data`` and the
    ``source`` font file it was cut from (its licence goes with it), the ``unicode_range`` it serves."""

    family: str
    weight: int
    name: str
    format: str
    data: bytes
    source: Path
    unicode_range: str = ""            # CSS unicode-range of a slice of a main face ("" for a whole subset)


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
    info = path.stat()
    return _hash_of(path, info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=32)
def _hash_of(path: Path, size: int, mtime_ns: int) -> str:
    """SHA-256 of the font file ``path`` (kept while its size and time stay: a watch hashes each once)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _options(kind: str):
    """fontTools subsetter options for a web font of format ``kind`` (woff2, woff)."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)    # "FFTM NOT subset": a timestamp table, dropped
    options = subset.Options()
    options.flavor = kind
    options.layout_features = list(options.layout_features) + list(EXTRA_FEATURES)
    options.name_IDs = ["*"]           # keep copyright, licence and reserved-name records (SIL OFL §2)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False            # screens of phones and desktops render CJK unhinted
    return options


def _cut(font, chars: list[int], kind: str) -> bytes:
    """``font`` (a loaded TTFont, changed in place) cut down to ``chars``, as ``kind`` bytes."""
    from io import BytesIO

    from fontTools import subset

    options = _options(kind)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    out = BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def _cut_in_children(font, jobs: list[tuple[list[int], str]], kind: str, folder: Path) -> None:
    """Cut ``font`` once per (chars, cache name) of ``jobs``, each in a forked child that writes its result
    into ``folder`` (the font is parsed once, by the parent; each child changes only its own copy).
    At most one child per core at a time; a child that fails leaves no file (the caller cuts again)."""
    running: list[int] = []

    def reap_one() -> None:             # the oldest child: never a child some other part of the process started
        os.waitpid(running.pop(0), 0)

    try:
        for chars, name in jobs:
            while len(running) >= (os.cpu_count() or 1):
                reap_one()
            pid = os.fork()
            if pid == 0:                   # the child: cut, store, leave without any cleanup of the parent's
                code = 1
                try:
                    cachedir.write_private(folder, name, _cut(font, chars, kind))
                    code = 0
                finally:
                    os._exit(code)
            running.append(pid)
        while running:
            reap_one()
    finally:
        for pid in running:               # stopped while children ran: end them (this process started them)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def subset_files(path: Path, groups: list[list[int]], kind: str) -> list[bytes]:
    """``path`` cut down to each group of code points of ``groups`` (with the glyphs their layout needs),
    as ``kind`` (woff2, woff) files, in the order of ``groups``.

    Each result is cached per user by the font file's SHA-256, the code points, the format and fontTools'
    version (see the module docstring). The font is parsed once for all the groups that are not cached;
    where forking is possible each group is cut in a child process, on every core.
    """
    from importlib.metadata import version

    from fontTools import subset

    font_hash = _file_hash(path)
    names = [hashlib.sha256(f"{CACHE_VERSION}|{version('fonttools')}|{font_hash}|{kind}|"
                            f"{','.join(map(str, sorted(set(group))))}".encode()).hexdigest() + f".{kind}"
             for group in groups]
    try:
        folder: Optional[Path] = cachedir.cache_folder("webfonts")
    except OSError:
        folder = None

    def cached(name: str) -> Optional[bytes]:
        if folder is None:
            return None
        try:
            return cachedir.read_private(folder / name)
        except OSError:
            return None

    found = [cached(name) for name in names]
    missing = [k for k, data in enumerate(found) if data is None]
    if missing and folder is not None and hasattr(os, "fork") and len(missing) > 1:
        font = subset.load_font(str(path), _options(kind))
        try:
            font.ensureDecompiled()
            _cut_in_children(font, [(sorted(set(groups[k])), names[k]) for k in missing], kind, folder)
        finally:
            font.close()
        found = [data if data is not None else cached(name) for data, name in zip(found, names)]
    out = []
    for k, data in enumerate(found):
        if data is None:                   # no cache, no fork, one group, or a child failed: cut here
            font = subset.load_font(str(path), _options(kind))
            try:
                data = _cut(font, sorted(set(groups[k])), kind)
            finally:
                font.close()
            if folder is not None:
                try:
                    cachedir.write_private(folder, names[k], data)
                except OSError:
                    pass               # a full or read-only cache only costs time
        out.append(data)
    return out


def subset_font(path: Path, codepoints: Iterable[int], kind: str) -> bytes:
    """``path`` cut down to ``codepoints`` as one ``kind`` file (see :func:`subset_files`)."""
    return subset_files(path, [list(codepoints)], kind)[0]


def slices_of(codepoints: set[int]) -> list[tuple[tuple[int, int], list[int]]]:
    """``codepoints`` grouped by :data:`SLICES`: ((first, last), sorted code points) for each slice used."""
    return [((first, last), sorted(c for c in codepoints if first <= c <= last))
            for first, last in SLICES if any(first <= c <= last for c in codepoints)]


def site_fonts(faces: tuple[FontFace, ...], main_families: tuple[str, ...], text: str,
               math_text: str) -> list[WebFont]:
    """The web fonts a site needs for ``text`` (every character its pages, styles and charts show) and
    ``math_text`` (the characters of its formulas).

    ``main_families``: the families the stylesheets name first (body, headings, code): each is cut into
    one file per slice of :data:`SLICES` it has characters of (``unicode-range`` says which). Every other
    shipped face is a fallback and gets one file with only the characters no main face has. Faces that
    would be empty are left out.
    """
    used = {ord(c) for c in text if ord(c) > 0x20}
    main = [f for f in faces if f.family in main_families]
    covered: set[int] = set()
    for face in main:
        covered |= face.codepoints
    kind = flavor()
    fonts: list[WebFont] = []
    for face in faces:
        slug = _slug(face.family, face.weight)
        if face in main:
            slices = slices_of(used & face.codepoints)
            datas = subset_files(face.path, [chars for _range, chars in slices], kind)
            fonts.extend(WebFont(face.family, face.weight, f"{slug}-{first:04x}.{kind}", kind, data, face.path,
                                 f"U+{first:04X}-{last:04X}")
                         for ((first, last), _chars), data in zip(slices, datas))
            continue
        wanted = (used - covered) & face.codepoints
        if wanted:
            fonts.append(WebFont(face.family, face.weight, f"{slug}.{kind}", kind,
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
