"""The shipped fonts: discovery, roles, and character coverage.

Every font the outputs use lives in ``assets/fonts`` (project first, then the
tool's own). Nothing depends on fonts installed on the machine: WeasyPrint
runs with a fontconfig that knows only these folders (:func:`isolated_fontconfig`),
so CSS font families resolve to these files, and the coverage check below
runs against their cmaps, so a character no shipped font has is reported with
its code point and source line instead of printing as a missing-glyph box.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from html import escape       # not xml.sax.saxutils: that imports urllib.request, http.client and email

from .cachedir import cache_folder, read_private, write_private
from .errors import Problems, SourcePos
from .resources import inside, project_path
from .templating import TOOL_ROOT

FONT_SUFFIXES = (".otf", ".ttf")


@dataclass(frozen=True)
class FontFace:
    """One shipped font file: ``family`` and ``weight`` (OS/2 usWeightClass), ``style``."""

    path: Path
    family: str
    weight: int
    italic: bool
    codepoints: frozenset[int]


FACE_CACHE_VERSION = 1
T = TypeVar("T")


def font_facts(path: Path, kind: str, version: int, read: Callable[[Any], dict[str, Any]],
               parse: Callable[[dict[str, Any]], T]) -> T:
    """Facts about the font file at ``path``, read once and kept as JSON in the per-user cache.

    Decoding the cmap of a 9–13 MB CJK font takes ~0.2 s, so ``read`` (given a
    lazily opened fontTools ``TTFont``; returns a JSON-able dict) runs only on a
    cache miss; its result is stored in the private cache folder ``kind``
    (:mod:`coursepress.cachedir`) under a key of the font's real path, size,
    mtime and ``version`` (a changed font file gets a new key). ``parse`` turns
    the dict into the caller's value; a cache file it cannot parse (KeyError,
    TypeError, ValueError) is a miss. A read-only or full cache only costs time.

    Raises:
        OSError: ``path`` cannot be read; whatever fontTools raises for a file that is not a font.
    """
    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{version}".encode()).hexdigest()[:20]
    folder = cache_folder(kind)
    try:
        return parse(json.loads(read_private(folder / f"{key}.json")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from fontTools.ttLib import TTFont   # only on a cache miss (its import alone takes ~0.1 s)

    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        data = read(font)
    finally:
        font.close()
    try:
        write_private(folder, f"{key}.json", json.dumps(data).encode())
    except OSError:
        pass
    return parse(data)


def _face_facts(font: Any, path: Path) -> dict[str, Any]:
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1) or path.stem
    weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    italic = bool(font["OS/2"].fsSelection & 1) if "OS/2" in font else False
    return {"family": family, "weight": weight, "italic": italic, "codepoints": sorted(font.getBestCmap() or {})}


@lru_cache(maxsize=64)
def _read_face(path: Path, mtime: float) -> FontFace:
    """Family, weight, style and code points of the font at ``path`` (cached: :func:`font_facts`)."""
    return font_facts(path, "faces", FACE_CACHE_VERSION, lambda font: _face_facts(font, path),
                      lambda d: FontFace(path, d["family"], d["weight"], d["italic"], frozenset(d["codepoints"])))


def font_dirs(root: Path) -> list[Path]:
    """The font folders, project's first: ``assets/fonts`` of the project (only if its real
    path is inside the project: :func:`check_font_links` reports one that is not), then the tool's."""
    dirs = [root / "assets" / "fonts", TOOL_ROOT / "assets" / "fonts"]
    out: list[Path] = []
    for d in dirs:
        if d == dirs[0] and not inside(root, d):
            continue
        if d.is_dir() and d.resolve() not in out:
            out.append(d.resolve())
    return out


def check_font_links(root: Path) -> None:
    """Refuse project fonts that are links out of the project (or FIFOs, devices …).

    Raises:
        ContentError: at the font file (or the ``assets/fonts`` folder) that points outside.
    """
    folder = root / "assets" / "fonts"
    if not os.path.lexists(folder):
        return
    project_path(root, folder, SourcePos("assets/fonts"), "font folder", folder=True)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in FONT_SUFFIXES:
            project_path(root, path, SourcePos(f"assets/fonts/{path.name}"), "font")


def shipped_faces(root: Path) -> tuple[FontFace, ...]:
    """All font faces under the font folders, project first (a family in the project wins).

    Project fonts pass the resource gate (:func:`check_font_links`).

    Raises:
        ContentError: a project font that is a link out of the project or not a regular file.
    """
    check_font_links(root)
    faces: list[FontFace] = []
    seen: set[tuple[str, int, bool]] = set()
    for folder in font_dirs(root):
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                face = _checked_face(path, root)
                key = (face.family, face.weight, face.italic)
                if key not in seen:
                    seen.add(key)
                    faces.append(face)
    return tuple(faces)


def _checked_face(path: Path, root: Path) -> FontFace:
    """:func:`_read_face`, with a file that is not a readable font reported as a build error naming it.

    Raises:
        BuildError: the file is not a font fontTools can read (truncated, another format, a broken link).
    """
    try:
        return _read_face(path, path.stat().st_mtime)
    except Exception as exc:                 # noqa: BLE001 — fontTools raises many kinds for a broken file
        from .errors import BuildError, rel

        raise BuildError(f"{rel(path, root)}: not a font file that can be read ({type(exc).__name__}: {exc}); "
                         "replace it with a working .ttf/.otf file or remove it") from None


def families(faces: tuple[FontFace, ...]) -> set[str]:
    return {f.family for f in faces}


def covered(faces: tuple[FontFace, ...]) -> frozenset[int]:
    """Union of the code points of ``faces``."""
    out: set[int] = set()
    for face in faces:
        out |= face.codepoints
    return frozenset(out)


# Characters that need no glyph: controls, format characters (ZWJ, variation selectors), spaces.
def _needs_glyph(char: str) -> bool:
    cat = unicodedata.category(char)
    if cat == "Cc":    # control characters print as boxes: report all but tab and line breaks
        return char not in "\t\n\r"
    return not (cat in ("Cf", "Zs", "Zl", "Zp", "Mn") or 0xFE00 <= ord(char) <= 0xFE0F
                or 0xE0100 <= ord(char) <= 0xE01EF or 0x1F3FB <= ord(char) <= 0x1F3FF)


def check_coverage(texts: list[tuple[str, SourcePos]], faces: tuple[FontFace, ...], problems: Problems) -> set[str]:
    """Report every character in ``texts`` that no shipped font covers.

    Args:
        texts: (text, where it comes from) pairs.
        faces: the shipped faces.
        problems: warnings go here (errors under ``--strict``), one per character,
            naming its code point and first position.

    Returns:
        The set of uncovered characters.
    """
    cmap = covered(faces)
    missing: dict[str, SourcePos] = {}
    for text, pos in texts:
        for char in text:
            if ord(char) not in cmap and _needs_glyph(char) and char not in missing:
                missing[char] = pos
    for char, pos in missing.items():
        name = unicodedata.name(char, "unnamed")
        problems.warn(pos, f"no shipped font has '{char}' (U+{ord(char):04X} {name}); it would print as a blank box",
                      "add a font that covers it to assets/fonts, or replace the character")
    return set(missing)


def isolated_fontconfig(root: Path) -> Path:
    """Write a fontconfig file that knows only the shipped fonts, and return its path.

    Set ``FONTCONFIG_FILE`` to it before Pango starts (the handout and poster
    writers do), so no font installed on the machine can be picked as a
    fallback: output is the same everywhere, and a missing glyph shows up in
    the coverage check instead of silently coming from a system font (C05).

    The file and fontconfig's cache live in a private folder of the per-user
    cache (:func:`coursepress.cachedir.cache_folder`, mode 0700, owner checked),
    never at a predictable path in the shared temporary folder, and the file
    is written through a fresh temporary file and a rename, so a link planted
    where it goes is replaced, never followed.
    """
    dirs = font_dirs(root)
    key = hashlib.sha1("|".join(str(d) for d in dirs).encode()).hexdigest()[:12]
    folder = cache_folder(f"fontconfig-{key}")
    config = folder / "fonts.conf"
    body = "".join(f"  <dir>{escape(str(d), quote=False)}</dir>\n" for d in dirs)
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f"{body}  <cachedir>{escape(str(folder / 'cache'), quote=False)}</cachedir>\n</fontconfig>\n")
    try:
        current = read_private(config).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current != text:
        write_private(folder, config.name, text.encode("utf-8"))
    return config
