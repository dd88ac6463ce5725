"""Source-level checks and repairs of a lecture's Markdown, before and after markdown-it parses it.

- Table rows (C32): GFM splits a row at every unescaped ``|``, even inside a
  code span, and silently drops cells beyond the header's count
  (markdown-it/markdown-it#808). GitHub's renderer keeps a ``|`` inside a code
  span in its cell; :func:`protect_table_pipes` does the same by escaping those
  pipes as ``\\|`` (which the table rule turns back into ``|``; the math rule
  keeps ``$…$`` whole itself), and reports a row that still has more cells than
  its header.
- Fences (``` and ~~~) left open swallow the rest of the file as code;
  :func:`unclosed_fences` reports them at the opening line with where the
  closing fence probably belongs.

Only backslashes are inserted, never lines, so every line number stays the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from markdown_it.token import Token

from .errors import excerpt
from .mathsyntax import math_span_at

_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_CONTAINER = re.compile(r"^\s{0,3}:{3,}\s*\w")


@dataclass(frozen=True)
class SourceProblem:
    """A problem found in the source text: 1-based ``line``, what is wrong, what to do."""

    line: int
    message: str
    hint: str


def _protected_spans(row: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_math) character ranges of the code spans and ``$…$`` math of one table row.

    Code spans follow CommonMark §6.1 (a run of n backticks up to the next run of
    exactly n): the range is the span's content. Formulas are found by the math
    parser's own rule (:func:`coursepress.mathsyntax.math_span_at`): the range
    holds the dollars.
    """
    spans: list[tuple[int, int, bool]] = []
    i, n = 0, len(row)
    while i < n:
        ch = row[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = len(row[i:]) - len(row[i:].lstrip("`"))
            match = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(row, i + run)
            if match:
                spans.append((i + run, match.start(), False))
                i = match.end()
                continue
            i += run
            continue
        if ch == "$":
            stop = math_span_at(row, i)
            if stop > 0:
                spans.append((i, stop, True))
                i = stop
                continue
        i += 1
    return spans


def _escape_pipes(row: str) -> str:
    """``row`` with every unescaped ``|`` inside a code span written ``\\|`` (the math rule of
    :mod:`coursepress.markdown` already keeps a ``$…$`` in its cell, and TeX's ``\\|`` means ‖)."""
    out, last = [], 0
    for start, end, is_math in _protected_spans(row):
        if is_math:
            continue
        out.append(row[last:start])
        out.append(re.sub(r"(?<!\\)\|", r"\\|", row[start:end]))
        last = end
    out.append(row[last:])
    return "".join(out)


def _cells(row: str) -> int:
    """Number of cells the table rule finds in ``row`` (pipes outside escapes, code spans and ``$…$``;
    outer pipes optional)."""
    for start, end, _ in reversed(_protected_spans(row)):
        row = row[:start] + row[start:end].replace("|", "") + row[end:]
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return len(re.findall(r"(?<!\\)\|", body)) + 1


def fence_after(line: str, fence: str) -> Optional[str]:
    """The open code fence after ``line`` when ``fence`` was open before it ("" for none), or None if
    ``line`` is no fence line (CommonMark: a closing fence uses the opening character, is at least as
    long and has nothing after it). Source pre-passes use it to leave fenced code alone."""
    match = _FENCE.match(line)
    if not match:
        return None
    marker = match.group(1)
    if not fence:
        return marker
    if marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
        return ""
    return fence


def protect_table_pipes(text: str) -> tuple[str, list[SourceProblem]]:
    """Keep pipes inside code spans and ``$…$`` of table rows in their cell; report rows with surplus cells.

    Args:
        text: the lecture's Markdown source.

    Returns:
        The source with those pipes escaped (same lines), and one problem per
        table row that still has more cells than its header (GFM would drop them).
    """
    lines = text.split("\n")
    problems: list[SourceProblem] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        after = fence_after(line, fence)
        if after is not None:
            fence = after
            i += 1
            continue
        if fence or "|" not in line or i + 1 >= len(lines) or not _DELIMITER_ROW.match(lines[i + 1]) \
                or "-" not in lines[i + 1]:
            i += 1
            continue
        lines[i] = _escape_pipes(line)
        header = _cells(lines[i])
        j = i + 2
        while j < len(lines) and lines[j].strip() and not _HEADING.match(lines[j]) and not _FENCE.match(lines[j]) \
                and not lines[j].lstrip().startswith(">"):
            lines[j] = _escape_pipes(lines[j])
            count = _cells(lines[j])
            if count > header:
                problems.append(SourceProblem(
                    j + 1, f"table row has {count} cells but the header has {header}, so the last "
                    f"{count - header} would be dropped",
                    "write a | that belongs inside a cell as \\|, or add a column to the header"))
            j += 1
        i = j
    return "\n".join(lines), problems


def probable_end(lines: list[str], start: int) -> str:
    """Where a block opened on 0-based line ``start`` probably ends: the next heading or ``:::`` opener.

    Returns a phrase for a hint ("before line 12 ('## Fine-tuning')"), or "" when no such line follows.
    """
    for k in range(start + 1, len(lines)):
        if _HEADING.match(lines[k]) or _CONTAINER.match(lines[k]):
            shown = lines[k].strip()
            return f" (probably before line {k + 1}: '{excerpt(shown, 40)}')"
    return ""


def _lines(count: int) -> str:
    return f"{count} line" + ("" if count == 1 else "s")


def unclosed_fences(tokens: list[Token], lines: list[str]) -> list[SourceProblem]:
    """A problem for each code fence that runs to the end of the file without its closing fence.

    Args:
        tokens: markdown-it block tokens of the whole file (maps are 0-based line ranges).
        lines: the source lines.
    """
    problems = []
    for tok in tokens:
        if tok.type != "fence" or not tok.map:
            continue
        start, end = tok.map
        last = lines[end - 1].strip() if start < end - 1 < len(lines) else ""
        marker = tok.markup
        if last and set(last) == {marker[0]} and len(last) >= len(marker):
            continue
        problems.append(SourceProblem(
            start + 1, f"code block opened with {marker} is never closed, so the rest of the file "
            f"({_lines(len(lines) - start - 1)}) is printed as code",
            f"add a line {marker} where the code ends{probable_end(lines, start)}"))
    return problems


def closed_too_late(tokens: list[Token], i: int) -> "SourceProblem | None":
    """For an unclosed container at ``i`` inside another of the same ``:::`` length: the problem, at the outer one.

    markdown-it's containers do not count nesting: in ``::: note`` … ``::: tip`` …
    ``:::`` the one ``:::`` closes the note, leaving the tip open. Authors nest by
    using more colons for the outer block, so the likelier fault is a missing
    ``:::`` before the inner opener. None when the container is not nested so.
    """
    tok = tokens[i]
    for k in range(i - 1, -1, -1):
        outer = tokens[k]
        if outer.type == "container_div_open" and matching_close(tokens, k) > i:
            if outer.markup != tok.markup or not outer.map or not tok.map:
                return None
            name = outer.info.strip().partition(" ")[0]
            inner = tok.info.strip().partition(" ")[0]
            line = tok.map[0] + 1
            return SourceProblem(outer.map[0] + 1,
                                 f"'::: {name}' is not closed before '::: {inner}' on line {line}, so the ':::' "
                                 f"meant for '::: {inner}' closes it and '::: {inner}' stays open",
                                 f"add a line ':::' before line {line}; to put one block inside another, open the "
                                 f"outer one with more colons (':::: {name}')")
    return None


def matching_close(tokens: list[Token], i: int) -> int:
    """Index of the token closing the one at ``i`` (by nesting); the last token when none does."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1
