"""The one table of CJK characters: every test "is this Chinese/CJK?" in coursepress is built from it.

Two kinds of source decide a character's class:

* **Code point ranges** (:data:`BLOCKS`), from the Unicode Character Database
  ``Blocks.txt`` (Unicode 15.1): the blocks whose characters are set on the
  ideographic grid (one em square in a CJK font, East Asian Width W or F in
  ``EastAsianWidth.txt``). Each row names its block; the ideograph rows are
  the Han ideographs of ``Scripts.txt`` (script Han) that CJK fonts cover.
  From them: :data:`HAN` (ideographs only: the CJK/Latin gap of clreq §3.2.4)
  and :data:`CJK` (every grid block: justification runs, the deck's language
  tag and measuring face, Chinese inside a formula).
* **East Asian Width** (:func:`is_wide`, Unicode Standard Annex #11), where a
  rule is defined on it: the CJK-friendly emphasis rule of Markdown
  (markdown-it-cjk-friendly), joining wrapped YAML/Markdown lines without a
  space, and terminal columns of code.

Punctuation classes follow W3C "Requirements for Chinese Text Layout" (clreq,
https://www.w3.org/TR/clreq/ §3.1.6, Simplified Chinese positions) and the line
breaking rules of GB/T 15834 / JIS X 4051 ("kinsoku").

Regex fragments (``*_CLASS``) are the inside of a character class, for use as
``f"[{CJK_CLASS}]"``; the compiled ``*_RE`` patterns match one character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Block(NamedTuple):
    """One row of the table: code points ``first``..``last`` (inclusive) of a Unicode block.

    ``ideograph`` marks the blocks of Han ideographs (Scripts.txt: Han); every row is on the ideographic grid.
    """

    first: int
    last: int
    name: str
    ideograph: bool = False


# Source: Unicode 15.1 Blocks.txt (block names as there; planes 2 and 3 whole: every CJK Unified Ideographs
# Extension B–I and the Compatibility Ideographs Supplement).
BLOCKS: tuple[Block, ...] = (
    Block(0x2E80, 0x2EFF, "CJK Radicals Supplement"),
    Block(0x2F00, 0x2FDF, "Kangxi Radicals"),
    Block(0x2FF0, 0x2FFF, "Ideographic Description Characters"),
    Block(0x3000, 0x303F, "CJK Symbols and Punctuation"),
    Block(0x3040, 0x309F, "Hiragana"),
    Block(0x30A0, 0x30FF, "Katakana"),
    Block(0x3100, 0x312F, "Bopomofo"),
    Block(0x3130, 0x318F, "Hangul Compatibility Jamo"),
    Block(0x3190, 0x319F, "Kanbun"),
    Block(0x31A0, 0x31BF, "Bopomofo Extended"),
    Block(0x31C0, 0x31EF, "CJK Strokes"),
    Block(0x31F0, 0x31FF, "Katakana Phonetic Extensions"),
    Block(0x3200, 0x32FF, "Enclosed CJK Letters and Months"),
    Block(0x3300, 0x33FF, "CJK Compatibility"),
    Block(0x3400, 0x4DBF, "CJK Unified Ideographs Extension A", True),
    Block(0x4E00, 0x9FFF, "CJK Unified Ideographs", True),
    Block(0xAC00, 0xD7AF, "Hangul Syllables"),
    Block(0xF900, 0xFAFF, "CJK Compatibility Ideographs", True),
    Block(0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    Block(0xFF00, 0xFF60, "Halfwidth and Fullwidth Forms (the full-width part)"),
    Block(0xFFE0, 0xFFE6, "Halfwidth and Fullwidth Forms (full-width signs)"),
    Block(0x20000, 0x3FFFF, "Supplementary and Tertiary Ideographic Planes", True),
)


def _class(blocks: tuple[Block, ...]) -> str:
    return "".join(f"\\U{b.first:08X}-\\U{b.last:08X}" for b in blocks)


#: Han ideographs (regex class body).
HAN_CLASS = _class(tuple(b for b in BLOCKS if b.ideograph))
#: Every character on the ideographic grid: ideographs, CJK punctuation, kana, bopomofo, hangul, full-width forms.
CJK_CLASS = _class(BLOCKS)
#: Latin letters and digits (Basic Latin, Latin-1 Supplement to Latin Extended-B): the other side of the
#: CJK/Latin gap (clreq §3.2.4) and the letters of an unbreakable word when text is measured.
LATIN_CLASS = r"A-Za-z0-9\u00C0-\u024F"
HAN_RE = re.compile(f"[{HAN_CLASS}]")
CJK_RE = re.compile(f"[{CJK_CLASS}]")

IDEOGRAPHIC_SPACE = "\u3000"

# clreq §3.1.6 punctuation classes in their Simplified Chinese positions.
#: Stops and closing brackets/quotes: the blank of the em square is on the right.
CLOSING = frozenset("\uFF0C\u3002\u3001\uFF1B\uFF1A\uFF09\u300D\u300F\u3011\u300B\u3009\u3015\u3017\u3019\u201D\u2019")
#: Opening brackets/quotes: the blank is on the left.
OPENING = frozenset("\uFF08\u300C\u300E\u3010\u300A\u3008\u3014\u3016\u3018\u201C\u2018")
#: Exclamation and question marks, centred in SC fonts (never compressed).
CENTRED = frozenset("\uFF01\uFF1F")
#: Punctuation a Chinese font sets full width that also occurs in Latin text (East Asian Width "A"): quotes,
#: dashes, ellipsis, middle dot. Part of a CJK run only next to a CJK character.
AMBIGUOUS = "\u2014\u2015\u2018\u2019\u201C\u201D\u2026\u00B7"

# Kinsoku (GB/T 15834, JIS X 4051): marks that may not start a line, and that may not end one, with their
# Latin counterparts.
NO_LINE_START = CLOSING | CENTRED | frozenset("\u2026\u2014\u00B7%,.;:!?)]}\u00BB\u203A\u2030\u2103")
NO_LINE_END = OPENING | frozenset("([{\u00AB\u2039")


def is_han(char: str) -> bool:
    """True for a Han ideograph (:data:`HAN_CLASS`)."""
    return HAN_RE.match(char) is not None


def is_cjk(char: str) -> bool:
    """True for a character on the ideographic grid (:data:`CJK_CLASS`)."""
    return CJK_RE.match(char) is not None


def is_wide(char: str) -> bool:
    """True for a wide or full-width character (East Asian Width W or F, UAX #11) that is not a space.

    The CJK-friendly Markdown emphasis rule and the joining of wrapped source lines are defined on
    East Asian Width; the ideographic space U+3000 counts as white space there.
    """
    return char != IDEOGRAPHIC_SPACE and unicodedata.east_asian_width(char) in ("W", "F")


def columns(text: str) -> int:
    """Terminal columns of ``text``: 2 per wide or full-width character (U+3000 included), else 1 (UAX #11)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
