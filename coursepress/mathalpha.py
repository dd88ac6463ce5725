"""Mathematical alphabets: the letters of ``\\mathbb``, ``\\mathcal``, ``\\mathfrak``, ``\\mathsf``, ``\\mathtt``.

Unicode codes these styled letters in the Mathematical Alphanumeric Symbols block
(U+1D400–U+1D7FF) except for 24 letters that were in the Letterlike Symbols block
before it (ℂ ℍ ℕ ℙ ℚ ℝ ℤ, ℬ ℰ ℱ ℋ ℐ ℒ ℳ ℛ, ℯ ℊ ℴ, ℭ ℌ ℑ ℜ ℨ, ℎ: Unicode 15, ch. 22.2
"Mathematical Alphanumeric Symbols", the holes of the block) and the double-struck
italic and Greek letters of U+213C–U+2149. A text face has none of them (the shipped
Noto Sans CJK neither); a mathematics face does (Cambria Math, STIX Two Math, Latin
Modern Math: the OpenType MATH faces an equation is set in), so the deck sets them in
the theme's equation face (``deck.math``) and measures them at :data:`MATH_LETTER_EM`.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

BLOCK = range(0x1D400, 0x1D800)
# The styled letters of the Letterlike Symbols block (the holes of U+1D400–U+1D7FF) and the double-struck
# italic and Greek letters there.
LETTERLIKE = frozenset("ℂℍℕℙℚℝℤℬℰℱℋℐℒℳℛℯℊℴℭℌℑℜℨℎℼℽℾℿ⅀ⅅⅆⅇⅈⅉ")
# Width the deck's fit measure gives each of them, in em: as wide as a CJK ideograph, at least the advance
# of the widest of them in the mathematics faces a viewer may use (script capitals ≈ 0.9 em in STIX Two Math).
MATH_LETTER_EM = 1.0
# The alphabets of MathML's mathvariant values (MathML 3 §3.2.2), as words of Unicode's character names.
_ALPHABETS = ("DOUBLE_STRUCK", "SCRIPT", "FRAKTUR", "SANS_SERIF", "MONOSPACE")
# The Letterlike Symbols block names the holes without MATHEMATICAL and calls fraktur BLACK-LETTER.
_HOLE_STYLE = {"FRAKTUR": "BLACK-LETTER"}


def is_math_letter(char: str) -> bool:
    """Whether ``char`` (one character) is a letter or digit of a mathematical alphabet (see the module)."""
    return ord(char) in BLOCK or char in LETTERLIKE


def has_math_letters(text: str) -> bool:
    """Whether ``text`` holds a character :func:`is_math_letter` accepts."""
    return any(ord(c) in BLOCK or c in LETTERLIKE for c in text)


def math_points() -> frozenset[int]:
    """Every code point :func:`is_math_letter` accepts (unassigned points of the block included)."""
    return frozenset(BLOCK) | frozenset(map(ord, LETTERLIKE))


def _style(variant: str) -> Optional[str]:
    """The style words of Unicode's names for MathML ``variant`` (``bold-sans-serif`` → ``SANS-SERIF BOLD``)."""
    words = variant.upper().replace("DOUBLE-STRUCK", "DOUBLE_STRUCK").replace("SANS-SERIF", "SANS_SERIF").split("-")
    if not set(words) & set(_ALPHABETS) or not set(words) <= {*_ALPHABETS, "BOLD", "ITALIC"}:
        return None
    words.sort(key=lambda w: w != "SANS_SERIF")     # Unicode: SANS-SERIF BOLD ITALIC, but BOLD SCRIPT
    return " ".join(words).replace("_", "-")


def styled(text: str, variant: str) -> Optional[str]:
    """``text`` (plain Latin letters and digits) as the letters of MathML ``variant`` (``double-struck``:
    ``R`` → ``ℝ``), or None when ``variant`` is not a mathematical alphabet or a character has no styled form.
    latex2mathml writes most of ``\\mathbb{R}`` as the character, but ``\\mathscr{L}`` and ``\\mathbb{1}`` as
    a plain character with a ``mathvariant``."""
    style = _style(variant)
    if style is None or not text:
        return None
    out = []
    for char in text:
        if "A" <= char <= "Z" or "a" <= char <= "z":
            kind = f"{'CAPITAL' if char.isupper() else 'SMALL'} {char.upper()}"
        elif "0" <= char <= "9":
            kind = f"DIGIT {unicodedata.name(char).split()[-1]}"
        else:
            return None
        found = None
        for name in (f"MATHEMATICAL {style} {kind}", f"{_HOLE_STYLE.get(style, style)} {kind}"):
            try:
                found = unicodedata.lookup(name)
                break
            except KeyError:
                continue
        if found is None:
            return None
        out.append(found)
    return "".join(out)
