"""Inline formulas on slides as text runs: ``d_k``, ``x^2``, ``O(n^2)``, ``\\theta^*``.

A slide paragraph cannot hold a picture, and inline Office Math is not drawn by
every viewer, so an inline formula that plain text expresses exactly is
written as runs: letters in italic (TeX's math italic), names, digits and
operators upright, sub- and superscripts as runs with a ``baseline`` offset
(DrawingML ``a:rPr/@baseline``, thousandths of a percent of the font size;
PowerPoint's own subscript/superscript buttons write −25000 and 30000).
An accent over one letter becomes a combining mark (ŷ), a fraction or square
root of single tokens ``1/n`` and ``√n``. Anything else with a fraction, root,
matrix, accent, stacked limits or nested scripts returns None: the deck shows
such a formula as a display formula.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

from lxml import etree

from ...mathalpha import has_math_letters, is_math_letter, styled
from ...mathtex import to_mathml

SUPERSCRIPT = 30000
SUBSCRIPT = -25000
_FLAT = {"mi", "mn", "mo", "mtext", "mspace"}
# Relations and binary operators get a space on each side on the baseline, as TeX sets them
# (TeXbook ch. 18: thick/medium spaces around Rel and Bin atoms).
_SPACED = set("=<>≤≥≈≠≡→←⇒⇔+−±×·∣∈∉⊂⊆∼∝")
# Accents over one letter as Unicode combining marks (U+0302 circumflex, U+0304 macron, U+0303 tilde,
# U+0307 dot above, U+0308 diaeresis): x̂, x̄, x̃, ẋ, ẍ.
_ACCENTS = {"^": "\u0302", "\u00af": "\u0304", "\u2015": "\u0304", "\u203e": "\u0304", "~": "\u0303",
            "\u02dc": "\u0303", "\u02d9": "\u0307", "\u00a8": "\u0308"}
# Alphabets kept as their own characters (the letterlike holes are named without MATHEMATICAL).
_KEPT = ("DOUBLE-STRUCK", "SCRIPT", "FRAKTUR", "BLACK-LETTER", "SANS-SERIF", "MONOSPACE", "PLANCK")


def _fold(text: str) -> tuple[str, bool, Optional[bool]]:
    """``text`` with its mathematical bold and italic letters (U+1D400 block: latex2mathml writes ``\\mathbf{q}``
    as U+1D42A, which no shipped text face has: a blank box on the slide) as plain letters (NFKC), whether one was
    bold, and whether one was italic (None: no such letter). Letters of the other alphabets (double-struck,
    script, fraktur, sans-serif, monospace: ``\\mathbb{E}``, ``\\mathcal{L}``) differ in meaning from the plain
    letter and stay, upright (the letter carries its style); the deck sets them in the equation face
    (:mod:`coursepress.mathalpha`)."""
    if not has_math_letters(text):
        return text, False, None
    names = [unicodedata.name(c, "") for c in text if is_math_letter(c)]
    if any(w in n for n in names for w in _KEPT):
        return text, False, False
    return unicodedata.normalize("NFKC", text), any("BOLD" in n for n in names), any("ITALIC" in n for n in names)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _flat(el, baseline: int, out: list[tuple[str, int, bool, bool]]) -> bool:
    """Append the runs of ``el`` (tokens and rows of tokens only) at ``baseline``; False if not flat."""
    name = _local(el)
    if name in ("mrow", "mstyle", "math"):
        return all(_flat(kid, baseline, out) for kid in el if _local(kid))
    if name not in _FLAT:
        return False
    text = "".join(el.itertext()).replace("\u00a0", " ").replace("*", "\u2217")   # TeX: * in math is ∗
    if name == "mspace":
        text = " "
    elif name == "mo" and baseline == 0 and text.strip() in _SPACED and out:
        text = f" {text.strip()} "
    variant = el.get("mathvariant") or ""
    mapped = styled(text, variant)      # \mathscr{L}, \mathbb{1}: a plain letter and a mathvariant
    text, bold, letter_italic = _fold(mapped or text)
    bold = bold or ("bold" in variant and mapped is None)
    italic = (name == "mi" and len(text) == 1 and variant not in ("normal", "bold")) if letter_italic is None \
        else letter_italic
    if out and out[-1][1:] == (baseline, italic, bold):
        out[-1] = (out[-1][0] + text, baseline, italic, bold)
    elif text:
        out.append((text, baseline, italic, bold))
    return True


def _token(el):
    """The single token (mi/mn) ``el`` is, through one-child rows, or None."""
    while _local(el) == "mrow" and len(el) == 1:
        el = el[0]
    return el if _local(el) in ("mi", "mn") and len("".join(el.itertext())) >= 1 else None


def _compact(kid, out: list[tuple[str, int, bool, bool]]) -> bool:
    """Accents on one letter (ŷ, x̄: combining marks), a/b and √x of single tokens; False for anything else."""
    name = _local(kid)
    if name == "mover":
        base, mark = _token(kid[0]), "".join(kid[1].itertext())
        if base is None or len("".join(base.itertext())) != 1 or mark not in _ACCENTS:
            return False
        _flat(base, 0, out)
        out[-1] = (out[-1][0] + _ACCENTS[mark], *out[-1][1:])
        return True
    if name == "mfrac" and kid.get("linethickness") is None:
        num, den = _token(kid[0]), _token(kid[1])
        if num is None or den is None:
            return False
        _flat(num, 0, out)
        out.append(("/", 0, False, False))
        _flat(den, 0, out)
        return True
    if name == "msqrt" and len(kid) == 1 and _token(kid[0]) is not None:
        out.append(("√", 0, False, False))
        _flat(_token(kid[0]), 0, out)
        return True
    return False


def _row(el, out: list[tuple[str, int, bool, bool]]) -> bool:
    for kid in el:
        name = _local(kid)
        if name in ("mover", "mfrac", "msqrt"):
            if not _compact(kid, out):
                return False
        elif name in ("msub", "msup", "msubsup"):
            if not _flat(kid[0], 0, out):
                return False
            scripts = [(kid[1], SUBSCRIPT if name != "msup" else SUPERSCRIPT)]
            if name == "msubsup":
                scripts.append((kid[2], SUPERSCRIPT))
            for script, baseline in scripts:
                if not _flat(script, baseline, out):
                    return False
        elif name in ("mrow", "mstyle"):
            if not _row(kid, out):
                return False
        elif name and not _flat(kid, 0, out):
            return False
    return True


def inline_runs(tex: str) -> Optional[list[tuple[str, int, bool, bool]]]:
    """Runs of the inline formula ``tex`` as (text, baseline, italic, bold), or None when text cannot express it.

    ``baseline`` is 0, :data:`SUBSCRIPT` or :data:`SUPERSCRIPT`; scripts of scripts are refused.
    Assumes ``tex`` passed :func:`coursepress.mathtex.tex_problems`.
    """
    root = etree.fromstring(to_mathml(tex, False).encode())
    out: list[tuple[str, int, bool, bool]] = []
    if not _row(root, out):
        return None
    return out
