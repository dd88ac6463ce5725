"""A font WeasyPrint embeds keeps no copy of its whole font file while the pages are drawn (issue 20, sixth
session).

WeasyPrint (v70, ``weasyprint.pdf.fonts.Font.__init__``) copies the whole file of every font it draws
with into ``Font.file_content`` (HarfBuzz's blob of the face, ``get_hb_object_data``) when the font is
first used, at the start of drawing, and keeps it until the font is subset after the last page: the
shipped CJK faces are 10-16 MB each, so ≈ 30 MB of the course handout's peak memory (a third of what
drawing adds) were font files copied from the fonts' own memory maps. The subset is made from the
HarfBuzz face itself (``Font._harfbuzz_subset``), and the subset cache (:mod:`.subsetcache`) takes
the file's digest on a thread from the copy the font was made with; nothing else reads the whole file
unless subsetting fails or fontTools subsets instead.

:class:`FileContent` is installed as ``Font.file_content`` (:func:`coursepress.patches.apply_subset_cache`):
a font's bytes are kept as WeasyPrint sets them, except after :func:`let_go`, when the font holds none
and the whole file is read from its HarfBuzz face again (the same bytes) if anything asks for it.
"""

from __future__ import annotations

from typing import Any

CONTENT = "_coursepress_file_content"      # the bytes WeasyPrint set, or None after let_go
FETCHED = "_coursepress_whole_file"        # the whole file as read again from the face, once asked for


class FileContent:
    """``Font.file_content``: the font's bytes (the whole font file, or its subset once WeasyPrint set it).

    Reading it after :func:`let_go` copies the whole file from the font's HarfBuzz face (``hb_face``) with
    the function ``Font.__init__`` uses (``weasyprint.pdf.fonts.get_hb_object_data``) and keeps it."""

    def __get__(self, font: Any, owner: Any = None) -> Any:
        if font is None:
            return self
        content = font.__dict__.get(CONTENT)
        if content is None:
            from weasyprint.pdf import fonts

            content = fonts.get_hb_object_data(font.hb_face)
            font.__dict__[CONTENT] = font.__dict__[FETCHED] = content
        return content

    def __set__(self, font: Any, value: Any) -> None:
        font.__dict__[CONTENT] = value


def let_go(font: Any) -> None:
    """Drop ``font``'s copy of its whole file (read again from its face if asked for)."""
    font.__dict__[CONTENT] = None
    font.__dict__.pop(FETCHED, None)


def holds_whole(font: Any) -> bool:
    """Whether ``font.file_content`` is still the whole file it was made with, after :func:`let_go`
    (not read since, or read again unchanged); False for a font never let go."""
    content = font.__dict__.get(CONTENT)
    return CONTENT in font.__dict__ and (content is None or content is font.__dict__.get(FETCHED))


def replaced(font: Any, before: Any) -> bool:
    """Whether WeasyPrint gave ``font`` other bytes than its whole file since its ``__dict__[CONTENT]`` was
    ``before`` (a subset made, not a failed one that left or read back the whole file)."""
    after = font.__dict__.get(CONTENT)
    return after is not None and after is not before and after is not font.__dict__.get(FETCHED)
