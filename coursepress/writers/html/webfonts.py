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

CACHE_VERSION = "2"
# Fixed slices of the code space (CSS Fonts 4 §4.5 unicode-range): a main face becomes one file per slice it
# has characters of, so a saved edit that brings one new character cuts one small file per face again (~1 s)
# rather than the whole subset (~5 s per CJK face); the CJK Unified Ideographs are split in eleven.
SLICES = ((0x0000, 0x2FFF), (0x3000, 0x4DFF), *((s, min(s + 0x7FF, 0x9FFF)) for s in range(0x4E00, 0xA000, 0x800)),
          (0xA000, 0x10FFFF))
# Features browsers apply by default (fontTools' default list) plus halt for compressed punctuation.
EXTRA_FEATURES = ("halt", "vhal")
# Kept in every subset whatever the text: the space and no-break space (a `pre` block's indentation is made of
# them, and a face without them sends each to a proportional fallback font) and, in the code font, all of
# printable ASCII (so code typed later in a watch, or in a copy-pasted snippet, keeps its fixed pitch).
ALWAYS = frozenset({0x20, 0xA0})
ASCII = frozenset(range(0x20, 0x7F))
# What a browser's MathML draws beyond a formula's text (W3C MathML Core): the radical U+221A of <msqrt> and
# <mroot> (its size variants come from the MATH table, kept with every GSUB feature), and the mathematical
# italic letters `text-transform: math-auto` turns a one-letter <mi> into (Unicode's Mathematical Alphanumeric
# Symbols, U+1D434 on; italic h is U+210E Planck constant).
MATH_DRAWN = frozenset({0x221A, 0x20, 0xA0})
_ITALIC_EXTRA = {"\u2202": 0x1D715, "\u03F5": 0x1D716, "\u03D1": 0x1D717, "\u03F0": 0x1D718, "\u03D5": 0x1D719,
                 "\u03F1": 0x1D71A, "\u03D6": 0x1D71B, "\u2207": 0x1D6FB, "h": 0x210E}


def math_italic(char: str) -> Optional[int]:
    """The mathematical italic code point a browser shows for a one-letter ``<mi>`` ``char`` (CSS
    ``text-transform: math-auto``, MathML Core §3.2.1.1), or None when it has none (digits, operators)."""
    code = ord(char)
    if char in _ITALIC_EXTRA:
        return _ITALIC_EXTRA[char]
    if 0x41 <= code <= 0x5A:
        return 0x1D434 + code - 0x41
    if 0x61 <= code <= 0x7A:
        return 0x1D44E + code - 0x61
    if 0x391 <= code <= 0x3A9:
        return 0x1D6E2 + code - 0x391
    if 0x3B1 <= code <= 0x3C9:
        return 0x1D6FC + code - 0x3B1
    return None


def math_codepoints(math_text: str) -> set[int]:
    """The code points the math font must hold for formulas showing ``math_text``: its characters, their
    mathematical italic forms (:func:`math_italic`) and :data:`MATH_DRAWN`."""
    used = {ord(c) for c in math_text if not c.isspace()}
    italics = {math_italic(c) for c in set(math_text)}
    return used | {c for c in italics if c is not None} | MATH_DRAWN


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


def _options(kind: str, all_features: bool = False):
    """fontTools subsetter options for a web font of format ``kind`` (woff2, woff); ``all_features`` keeps
    every layout feature (the math font: ``ssty`` script-size forms, ``dtls`` dotless forms and the rest)."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)    # "FFTM NOT subset": a timestamp table, dropped
    options = subset.Options()
    options.flavor = kind
    options.layout_features = ["*"] if all_features else list(options.layout_features) + list(EXTRA_FEATURES)
    options.name_IDs = ["*"]           # keep copyright, licence and reserved-name records (SIL OFL §2)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False            # screens of phones and desktops render CJK unhinted
    return options


def _cut(font, chars: list[int], kind: str, all_features: bool = False) -> bytes:
    """``font`` (a loaded TTFont, changed in place) cut down to ``chars``, as ``kind`` bytes (``all_features``:
    see :func:`_options`)."""
    from io import BytesIO

    from fontTools import subset

    options = _options(kind, all_features)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    out = BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def _cut_in_children(font, jobs: list[tuple[list[int], str]], kind: str, folder: Path, all_features: bool) -> None:
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
                    cachedir.write_private(folder, name, _cut(font, chars, kind, all_features))
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


def subset_files(path: Path, groups: list[list[int]], kind: str, all_features: bool = False) -> list[bytes]:
    """``path`` cut down to each group of code points of ``groups`` (with the glyphs their layout needs),
    as ``kind`` (woff2, woff) files, in the order of ``groups``; ``all_features`` keeps every layout feature.

    Each result is cached per user by the font file's SHA-256, the code points, the format and fontTools'
    version (see the module docstring). The font is parsed once for all the groups that are not cached;
    where forking is possible each group is cut in a child process, on every core.
    """
    from importlib.metadata import version

    from fontTools import subset

    font_hash = _file_hash(path)
    names = [hashlib.sha256(f"{CACHE_VERSION}|{version('fonttools')}|{font_hash}|{kind}|{all_features}|"
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
        font = subset.load_font(str(path), _options(kind, all_features))
        try:
            font.ensureDecompiled()
            _cut_in_children(font, [(sorted(set(groups[k])), names[k]) for k in missing], kind, folder, all_features)
        finally:
            font.close()
        found = [data if data is not None else cached(name) for data, name in zip(found, names)]
    out = []
    for k, data in enumerate(found):
        if data is None:                   # no cache, no fork, one group, or a child failed: cut here
            font = subset.load_font(str(path), _options(kind, all_features))
            try:
                data = _cut(font, sorted(set(groups[k])), kind, all_features)
            finally:
                font.close()
            if folder is not None:
                try:
                    cachedir.write_private(folder, names[k], data)
                except OSError:
                    pass               # a full or read-only cache only costs time
        out.append(data)
    return out


def subset_font(path: Path, codepoints: Iterable[int], kind: str, all_features: bool = False) -> bytes:
    """``path`` cut down to ``codepoints`` as one ``kind`` file (see :func:`subset_files`)."""
    return subset_files(path, [list(codepoints)], kind, all_features)[0]


def slices_of(codepoints: set[int]) -> list[tuple[tuple[int, int], list[int]]]:
    """``codepoints`` grouped by :data:`SLICES`: ((first, last), sorted code points) for each slice used."""
    return [((first, last), sorted(c for c in codepoints if first <= c <= last))
            for first, last in SLICES if any(first <= c <= last for c in codepoints)]


def site_fonts(faces: tuple[FontFace, ...], main_families: tuple[str, ...], text: str,
               math_text: str, mono_families: tuple[str, ...] = ()) -> list[WebFont]:
    """The web fonts a site needs for ``text`` (every character its pages, styles and charts show) and
    ``math_text`` (the characters of its formulas).

    ``main_families``: the families the stylesheets name first (body, headings, code): each is cut into
    one file per slice of :data:`SLICES` it has characters of (``unicode-range`` says which). Every other
    shipped face is a fallback and gets one file with only the characters no main face has. Faces that
    would be empty are left out. Every face keeps :data:`ALWAYS` (space, no-break space), the faces of
    ``mono_families`` (the code font) all of printable :data:`ASCII`, and STIX Two Math what
    :func:`math_codepoints` says, with every layout feature and its MATH table (stretchy glyphs' variants).
    """
    used = {ord(c) for c in text if ord(c) > 0x20} | ALWAYS
    main = [f for f in faces if f.family in main_families]
    covered: set[int] = set()
    for face in main:
        covered |= face.codepoints
    kind = flavor()
    fonts: list[WebFont] = []
    for face in faces:
        slug = _slug(face.family, face.weight)
        if face in main:
            slices = slices_of((used | (ASCII if face.family in mono_families else set())) & face.codepoints)
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
    if stix is not None and math_text.strip():
        fonts.append(WebFont("STIX Two Math", 400, f"stix-two-math-400.{kind}", kind,
                             subset_font(stix, math_codepoints(math_text), kind, all_features=True), stix))
    return fonts


def licence_note(font: WebFont) -> str:
    """What travels with ``font``: its file, the font it was cut from, and that font's copyright and licence
    records (OpenType ``name`` IDs 0, 13, 14). The licence files of the font folders are copied beside it."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font.source), lazy=True, fontNumber=0) as source:
        name = source["name"]
        records = [(name.getDebugName(i) or "").strip() for i in (0, 13, 14)]
    return "\n".join([f"{font.name}: a subset of {font.family} ({font.source.name})", *[r for r in records if r]]) + "\n"
