"""TeX of formulas: checking at load time, and TeX → MathML for every writer.

latex2mathml (the parser ziamath itself uses) is the reference for what is
supported: it passes an unknown command through as ``<mi>\\name</mi>``, which
would print raw TeX, so :func:`tex_problems` looks for exactly that and
reports the command with its position. Braces are counted here because
latex2mathml silently closes an unclosed group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .cjk import CJK_RE
from .errors import SourcePos
from .mathchecked import known_good, remember_good

_COMMAND = re.compile(r"\\([A-Za-z]+)")
# Standard operator names latex2mathml does not know (TeXbook ch. 18, \arg): set upright.
_OPERATORS = {"arg": r"\operatorname{arg}"}
_OPERATOR_NAME = re.compile(r"\\operatorname\*?\s*\{([^{}]*)\}")
# amsmath's align numbers each row; latex2mathml printed (1), (2) … beside the rows whatever the project's
# numbering (only formulas with an id are numbered, once, at the margin): read as align*.
_NUMBERED_ALIGN = re.compile(r"\\(begin|end)\s*\{align\}")


@dataclass(frozen=True)
class TexProblem:
    """One problem of a formula: ``offset`` into its TeX (0-based), ``message`` and ``hint`` for people."""

    offset: int
    message: str
    hint: str


def normalise(tex: str) -> str:
    """``tex`` with the standard commands latex2mathml lacks spelled in ones it knows: ``\\arg``; amsmath's
    ``\\operatorname*{argmax}`` (limits below in display style) as ``\\operatorname``, and a name with a
    command inside (``\\operatorname{arg\\,max}``) as ``\\mathop{\\mathrm{…}}``: latex2mathml printed the star
    and set such a name letter by letter in italics; ``align`` as ``align*`` (:data:`_NUMBERED_ALIGN`)."""
    tex = _OPERATOR_NAME.sub(lambda m: (f"\\mathop{{\\mathrm{{{m.group(1)}}}}}" if "\\" in m.group(1)
                                        else f"\\operatorname{{{m.group(1)}}}"), tex)
    tex = _NUMBERED_ALIGN.sub(lambda m: f"\\{m.group(1)}{{align*}}", tex)
    return _COMMAND.sub(lambda m: _OPERATORS.get(m.group(1), m.group(0)), tex)


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """MathML (a well-formed ``<math>`` element as a string, :mod:`coursepress.mathtree`) of ``tex``;
    ``display`` sets ``display="block"``.

    Raises:
        Exception: whatever latex2mathml raises for TeX it cannot parse (see :func:`tex_problems`).
    """
    from .mathtree import mathml_string

    return mathml_string(tex, display)


def _brace_problems(tex: str) -> list[TexProblem]:
    opened: list[int] = []
    pos = 0
    while pos < len(tex):
        char = tex[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "{":
            opened.append(pos)
        elif char == "}":
            if not opened:
                return [TexProblem(pos, "'}' closes a group that was never opened",
                                   "remove the '}' or add the '{' it belongs to (a literal brace is \\})")]
            opened.pop()
        pos += 1
    if opened:
        return [TexProblem(opened[-1], "'{' is never closed", "add the matching '}' (a literal brace is \\{)")]
    return []


# Commands whose argument is text, set in the text face (amsmath \text, LaTeX \textrm, \mbox …).
_TEXT_COMMAND = re.compile(r"\\(?:text|textrm|textnormal|textup|mbox)\s*\{")


def _text_spans(tex: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the arguments of ``\\text{…}`` and its kin in ``tex`` (braces balanced)."""
    spans = []
    for match in _TEXT_COMMAND.finditer(tex):
        depth, pos = 1, match.end()
        while pos < len(tex) and depth:
            if tex[pos] == "\\":
                pos += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[pos], 0)
            pos += 1
        spans.append((match.end(), pos))
    return spans


def tex_position(tex: str, offset: int, start: SourcePos, source_lines: tuple[str, ...]) -> SourcePos:
    """File, line and column of character ``offset`` of a display formula's ``tex`` whose first line is
    ``start.line`` (``start.column``: where the TeX starts on it, 0 when the line holds only TeX, indented
    or not: the column is then found in ``source_lines``, the file's lines)."""
    line_no = tex[:offset].count("\n")
    in_line = offset - (tex.rfind("\n", 0, offset) + 1)
    line = start.line + line_no
    if line_no == 0 and start.column:
        column = start.column
    elif 0 < line <= len(source_lines):
        column = max(source_lines[line - 1].find(tex.split("\n")[line_no]), 0) + 1
    else:
        column = 1
    return SourcePos(start.file, line, column + in_line)


def tex_problems(tex: str, display: bool = False) -> list[TexProblem]:
    """Problems that would make ``tex`` print wrongly: unbalanced braces, unknown commands,
    TeX latex2mathml cannot read, Chinese inside the formula (the math font has no Han glyphs).

    Returns:
        An empty list for a formula every writer can typeset.
    """
    if not tex.strip():
        return [TexProblem(0, "the formula is empty", "write the TeX between the $ signs or remove them")]
    if known_good(tex, display):        # passed in an earlier build: no latex2mathml import, no conversion
        return []
    problems = _check(tex, display)
    if not problems:
        remember_good(tex, display)
    return problems


def _check(tex: str, display: bool) -> list[TexProblem]:
    problems = _brace_problems(tex)
    texts = [] if problems else _text_spans(tex)
    cjk = next((c for c in CJK_RE.finditer(tex) if not any(a <= c.start() < b for a, b in texts)), None)
    if cjk:
        problems.append(TexProblem(cjk.start(), f"Chinese text '{cjk.group(0)}' in a formula outside \\text{{…}} "
                                   "cannot be typeset (the math font has no Chinese characters)",
                                   "put the words in \\text{…}, or write them outside the $…$"))
    if problems:
        return problems
    try:
        mathml = to_mathml(tex, display)
    except Exception as exc:  # latex2mathml raises several kinds for malformed TeX
        return [TexProblem(0, f"the formula cannot be read ({type(exc).__name__}: {exc})",
                           "check the TeX; the supported commands are those of LaTeX's amsmath")]
    unknown = set(re.findall(r"<m[io]>\\([A-Za-z]+)</m[io]>", mathml))
    for match in _COMMAND.finditer(tex):
        if match.group(1) in unknown:
            unknown.discard(match.group(1))
            problems.append(TexProblem(match.start(), f"unknown TeX command '\\{match.group(1)}'",
                                       "check its spelling, or write it with \\operatorname{…} or \\text{…}"))
    return problems
