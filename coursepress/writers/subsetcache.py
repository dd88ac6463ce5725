"""Font subsets kept between builds (issue 20): WeasyPrint subsets every font it embeds at each PDF
write, and the shipped CJK faces are CFF fonts, which HarfBuzz desubroutinises glyph by glyph: 25–30 ms
each, 0.09 s of the course handout's CPU for its four faces (2026-11-30). A lecturer's save in ``watch``
rarely adds a character the handout did not have, so the same subset is made again and again.

:func:`replacement` wraps WeasyPrint's ``Font.subset`` (``weasyprint.pdf.fonts``, v70): the subset is
looked up in the private per-user cache (``subsets`` in :mod:`coursepress.cachedir`) under a key made of
everything it depends on, and made by WeasyPrint (then stored) only when missing. The key: the font
file's bytes and face index, the sorted glyph ids kept, the ``hinting`` option, whether glyphs are
missing (WeasyPrint then keeps the ``.notdef`` outline), the HarfBuzz version and whether HarfBuzz's
subsetter is used at all (else fontTools'). A subset WeasyPrint could not make (it warns and embeds the
whole font) is not stored, so the warning comes again. At most :data:`KEEP` subsets of one font file
are kept (the oldest go first).

The font file's digest (≈ 9 MB per CJK face, 0.016 s for the course's faces, on the critical path at the
end of the PDF write) is started on a thread of its own as soon as WeasyPrint makes the ``Font``
(:func:`hashing_init`: while the pages are still being drawn; hashlib releases the GIL over large
data) and taken when the subset is asked for, if the font still holds the bytes that were hashed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any, Callable

from .. import cachedir
from . import fontfile

KEEP = 12                # subsets kept per font file (a watch session types new characters now and then)
FOLDER = "subsets"


DIGEST = "_coursepress_file_digest"       # a Font's FileDigest, started when the font was made


def file_key(content: bytes, index: int) -> str:
    """The font file key: sha256 (hex, first 24) of the font file's bytes ``content`` then ``#index``."""
    digest = hashlib.sha256(content)
    digest.update(f"#{index}".encode())
    return digest.hexdigest()[:24]


class FileDigest:
    """:func:`file_key` of ``content`` computed on a daemon thread from the moment this is made (the thread
    lets go of ``content`` when it ends)."""

    def __init__(self, content: bytes, index: int) -> None:
        self._value: list[str] = []
        self._thread = threading.Thread(target=lambda: self._value.append(file_key(content, index)),
                                        name="coursepress-font-digest", daemon=True)
        self._thread.start()

    def value(self) -> str:
        """The key (waits for the thread; computed here if the thread gave none)."""
        self._thread.join()
        return self._value[0] if self._value else ""


def hashing_init(upstream: Callable[..., None]) -> Callable[..., None]:
    """``Font.__init__`` that, once WeasyPrint has made the font, starts its :class:`FileDigest` and lets
    go of the font's copy of its whole file (:func:`.fontfile.let_go`: the digest's thread holds it until
    hashed)."""
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        upstream(self, *args, **kwargs)
        content = getattr(self, "file_content", None)
        if isinstance(content, bytes) and len(content) > 1 << 16:       # small files: hashed when asked
            self.__dict__[DIGEST] = FileDigest(content, self.index)
            if isinstance(type(self).__dict__.get("file_content"), fontfile.FileContent):
                fontfile.let_go(self)

    return init


def subset_key(font: Any, to_unicode: dict, hinting: bool, engine: str) -> tuple[str, str]:
    """(font file key, subset key) for WeasyPrint ``Font`` ``font`` subset to the glyph ids of
    ``to_unicode`` (hex sha256 prefixes); ``engine`` names the subsetter and its version. The file key
    is the :class:`FileDigest` started with the font when its bytes are still the whole file it hashed
    (:func:`.fontfile.holds_whole`)."""
    started = font.__dict__.pop(DIGEST, None)
    font_key = started.value() if started is not None and fontfile.holds_whole(font) else ""
    font_key = font_key or file_key(font.file_content, font.index)
    glyphs = ",".join(map(str, sorted(to_unicode)))
    parts = f"{font_key}|{glyphs}|{bool(hinting)}|{bool(font.missing)}|{engine}"
    return font_key, hashlib.sha256(parts.encode()).hexdigest()[:32]


def _engine() -> str:
    """The subsetter WeasyPrint uses here and its version (HarfBuzz's, or fontTools')."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        # WeasyPrint declares only hb_version_atleast: find the version by asking it, part by part
        version = [0, 0, 0]
        for part in range(3):
            while version[part] < 999 and harfbuzz.hb_version_atleast(*version[:part], version[part] + 1,
                                                                       *[0] * (2 - part)):
                version[part] += 1
        return "harfbuzz " + ".".join(map(str, version))
    import fontTools

    return "fonttools " + fontTools.version


def _prune(folder, font_key: str) -> None:
    """Keep the :data:`KEEP` newest subsets of the font ``font_key`` in ``folder``."""
    try:
        mine = [entry for entry in os.scandir(folder) if entry.name.startswith(font_key + "-")]
        mine.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for entry in mine[KEEP:]:
            os.unlink(entry.path)
    except OSError:
        pass


def replacement(upstream: Callable[..., None]) -> Callable[..., None]:
    """``Font.subset(self, to_unicode, hinting)`` that takes the subset from the cache, else makes it
    with ``upstream`` and stores it. A cache that cannot be read or written is a miss, never an error."""
    engines: list[str] = []

    def subset(self: Any, to_unicode: dict, hinting: bool) -> None:
        if not to_unicode:
            return upstream(self, to_unicode, hinting)
        if not engines:
            engines.append(_engine())
        font_key, key = subset_key(self, to_unicode, hinting, engines[0])
        name = f"{font_key}-{key}.font"
        try:
            folder = cachedir.cache_folder(FOLDER)
        except OSError:
            return upstream(self, to_unicode, hinting)
        try:
            self.file_content = cachedir.read_private(folder / name)
        except OSError:
            pass
        else:
            try:
                os.utime(folder / name, follow_symlinks=False)      # used: the last to be pruned
            except (OSError, NotImplementedError):
                pass
            return None
        before = self.__dict__.get(fontfile.CONTENT)
        upstream(self, to_unicode, hinting)
        if fontfile.replaced(self, before):         # subset made (on failure WeasyPrint keeps the whole font)
            try:
                cachedir.write_private(folder, name, self.file_content)
                _prune(folder, font_key)
            except OSError:
                pass
        return None

    return subset
