"""Code blocks on slides: one paragraph per line in the monospace face, sized, wrapped and split at statements.

Rules (issue 11, case C36): a code block is set at the theme's code size (or
the body size if smaller) and stepped down, never below the theme's minimum
(14 pt), until its widest line fits the frame and, if it can, the whole block
fits one slide. A line still too wide at the minimum is wrapped: its
continuation pieces start at the line's indentation with a wrap mark (↪). A
block taller than a slide is split only where :func:`coursepress.code.break_ranks`
allows, never inside a statement; the next slide's title says ``deck.continued``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ... import model as m
from ...code import COMMENTS, CodeTheme, break_ranks, code_lines, indent_of
from .nodes import CodeBox, Para, Run

WRAP_MARK = "↪ "
SIZE_STEP_PT = 2.0
# Leave a little width for differences between our measure and the viewer's.
WIDTH_SAFETY = 0.97

Rank = Optional[tuple[int, int]]


def code_paras(block: m.CodeBlock) -> list[Para]:
    """One unsized paragraph per source line of ``block`` (coloured runs; output blocks plain)."""
    style = "output" if block.output else "code"
    out = []
    for line in code_lines(block.text, block.language):
        runs = tuple(Run(s.text, code=True, category="" if block.output else s.category) for s in line.spans)
        out.append(Para(runs, 0, "none", style=style, group=block.pos.line))
    return out


def _wrap(para: Para, measurer, width_pt: float, size_pt: float) -> list[Para]:
    """``para`` cut into pieces no wider than ``width_pt``; pieces after the first get the indent and ↪."""
    text = para.plain
    if measurer.code_width_pt(text, size_pt) <= width_pt * WIDTH_SAFETY:
        return [replace(para, size_pt=size_pt)]
    indent = len(text) - len(text.lstrip(" "))
    prefix = " " * indent + WRAP_MARK
    cuts: list[int] = []
    start, limit = 0, width_pt * WIDTH_SAFETY
    while start < len(text):
        room = limit - (measurer.code_width_pt(prefix, size_pt) if cuts else 0.0)
        end, width = start, 0.0
        while end < len(text):
            width += measurer.code_width_pt(text[end], size_pt)
            if width > room and end > start:
                break
            end += 1
        if end < len(text):
            space = text.rfind(" ", start + 1, end)
            if space > start + (end - start) // 2:     # break after a space if that wastes at most half a line
                end = space + 1
        cuts.append(end)
        start = end
    pieces: list[Para] = []
    bounds = [0, *cuts]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        runs = _slice(para.runs, a, b)
        if k:
            runs = (Run(prefix, code=True, category="comment"),) + runs
        pieces.append(replace(para, runs=runs, size_pt=size_pt, continued=bool(k)))
    return pieces


def _slice(runs: tuple[Run, ...], start: int, end: int) -> tuple[Run, ...]:
    """The runs covering characters ``start:end`` of their joined text."""
    out: list[Run] = []
    offset = 0
    for run in runs:
        a, b = max(start, offset), min(end, offset + len(run.text))
        if a < b:
            out.append(replace(run, text=run.text[a - offset:b - offset]))
        offset += len(run.text)
    return tuple(out)


def fit_block(paras: list[Para], measurer, width_pt: float, height_pt: float, body_pt: float,
              theme: CodeTheme) -> tuple[list[Para], list[Rank], bool]:
    """Size and wrap the line paragraphs of one code block for a frame of ``width_pt`` × ``height_pt``.

    Returns the visual lines (sized paragraphs), the split rank of each (None
    inside a statement or on a wrapped piece) and whether any line was wrapped.
    """
    top = min(theme.slide_max_pt, body_pt)
    sizes = []
    size = top
    while size > theme.slide_min_pt:
        sizes.append(size)
        size -= SIZE_STEP_PT
    sizes.append(theme.slide_min_pt)
    widest = max((measurer.code_width_pt(p.plain, 1.0) for p in paras), default=0.0)
    ranks = break_ranks([p.plain for p in paras])
    fits_width = [s for s in sizes if widest * s <= width_pt * WIDTH_SAFETY]

    def fits(lines: int, size_pt: float) -> bool:
        return lines * size_pt * theme.slide_line + 2 * theme.slide_pad_pt <= height_pt

    whole = [s for s in fits_width if fits(len(paras), s)]
    # a block that must be split is set at the minimum: fewest slides, and the most of a statement on each
    size = whole[0] if whole else theme.slide_min_pt
    lines: list[Para] = []
    line_ranks: list[Rank] = []
    for para, rank in zip(paras, ranks):
        pieces = _wrap(para, measurer, width_pt, size)
        lines.extend(pieces)
        line_ranks.extend([rank] + [None] * (len(pieces) - 1))
    return lines, line_ranks, len(lines) > len(paras)


PANEL_GAP_PT = 4.0   # between a text line and a code panel below it (a tight template line spacing: touching)
FILL = 0.75        # a piece ends at a shallower statement only if that fills this share of the room


def choose_split(ranks: list[Rank], heights: list[float], start: int, room_pt: float,
                 top_level_only: bool, min_lines: int = 0, lines: Sequence[Para] = ()) -> Optional[int]:
    """Where to end the piece of a code block that starts at line ``start`` in ``room_pt`` of height.

    Candidates are lines after ``start`` that may start a piece and whose
    preceding lines fit (with ``lines``, not where :func:`_bad_end` says no). The shallowest depth wins if its choice fills :data:`FILL`
    of the room, else a statement one level deeper (between methods, between
    the statements of a function) that does (or, of the two, the fuller); at
    a depth, the last place after a blank line if it uses at least half the room
    the last place would, else the last place. ``top_level_only`` keeps only the
    block's lowest indentation (used when other text already fills part of the
    slide). ``min_lines``: with the block's ``lines``, a piece must hold at least
    this many non-blank lines (so a slide never shows a block's imports alone).
    Returns the index of the first line of the next piece, or None.
    """
    base = min((r[0] for r in ranks if r is not None), default=0)
    used = 0.0
    candidates: dict[int, tuple[int, int]] = {}      # line index → its rank
    filled: dict[int, float] = {}                    # line index → height of the piece ending before it
    for k in range(start + 1, len(ranks)):
        used += heights[k - 1]
        if used > room_pt:
            break
        rank = ranks[k]
        if lines and min_lines and sum(1 for p in lines[start:k] if p.plain.strip()) < min_lines:
            continue
        if lines and _bad_end(lines, start, k):
            continue
        if rank is not None and (not top_level_only or rank[0] == base):
            candidates[k], filled[k] = rank, used
    if not candidates:
        return None
    # the top level, or directly inside a top-level statement (inside a method, for a class); depths are
    # indentations in spaces
    levels = sorted({rank[0] for rank in ranks if rank is not None})
    near = {k: rank for k, rank in candidates.items() if rank[0] in levels[:2]
            or (rank[0] in levels[2:3] and lines and _in_class(lines, k, base))}
    depths = sorted({rank[0] for rank in near.values()})
    choices = [_at_depth(near, depth, start) for depth in depths] or \
        [_at_depth(candidates, min(rank[0] for rank in candidates.values()), start)]
    for choice in choices:
        if filled[choice] >= FILL * room_pt:
            return choice
    # a slide less than FILL full where a deeper statement (inside a loop of a method) would fill it: the
    # shallowest such depth (new-user test: a 60-line block took 5 slides of 8–17 lines where 20 fit)
    for depth in sorted({rank[0] for rank in candidates.values()} - set(depths)):
        choice = _at_depth(candidates, depth, start)
        if filled[choice] >= FILL * room_pt:
            return choice
    return max(choices, key=lambda k: filled[k])


def _in_class(lines: Sequence[Para], line: int, base: int) -> bool:
    """Whether ``line`` of a block whose lowest indentation is ``base`` spaces lies in a ``class``."""
    texts = [para.plain for para in lines]
    base_indent = min((indent_of(t) for t in texts if t.strip()), default=0) + base
    head = next((t for t in reversed(texts[:line + 1]) if t.strip() and indent_of(t) <= base_indent), "")
    return head.lstrip().startswith("class ")


def _at_depth(candidates: dict[int, tuple[int, int]], depth: int, start: int) -> int:
    """The place to cut among ``candidates`` of ``depth``: the last after a blank line if it uses at least
    half the room the last place would, else the last."""
    at_depth = [k for k, rank in candidates.items() if rank[0] == depth]
    after_blank = [k for k in at_depth if candidates[k][1] == 0]
    last = at_depth[-1]
    if after_blank and after_blank[-1] - start >= (last - start) / 2:
        return after_blank[-1]
    return last


def _bad_end(lines: Sequence[Para], start: int, k: int) -> bool:
    """Whether a piece from ``start`` may not end before line ``k``: after a line that opens a block
    (``…:``) or a comment line, or where it would leave fewer than two lines of the enclosing block
    (``class``/``def``/``for`` … and its body) on either side, as a heading never ends a page."""
    texts = [para.plain for para in lines]
    before = [j for j in range(start, k) if texts[j].strip()]
    if not before:
        return True
    last = texts[before[-1]].strip()
    if last.startswith(COMMENTS) or last.split("#", 1)[0].rstrip().endswith(":"):
        return True
    depth = indent_of(texts[k])
    head = next((j for j in reversed(before) if indent_of(texts[j]) < depth), None)
    if head is None:
        return False                      # a top-level statement
    if sum(1 for j in before if j > head) < 2:
        return True
    after = 0
    for text in texts[k:]:
        if text.strip() and indent_of(text) < depth:
            break
        after += bool(text.strip())
    return after < 2


def code_boxes(paras: tuple[Para, ...], heights: list[float], pad_pt: float) -> tuple[CodeBox, ...]:
    """The panels behind the code blocks among ``paras`` (heights in pt, as fitted), top to bottom."""
    boxes: list[CodeBox] = []
    y = 0.0
    k = 0
    while k < len(paras):
        para = paras[k]
        if not para.style:
            y += heights[k]
            k += 1
            continue
        top = y + PANEL_GAP_PT if k else -pad_pt   # the first paragraph of a frame: no space before, panel above it
        y += pad_pt + PANEL_GAP_PT if k else 0.0
        while k < len(paras) and paras[k].style == para.style and paras[k].group == para.group:
            y += heights[k]
            k += 1
        y += pad_pt
        boxes.append(CodeBox(para.style, top, y - top))
    return tuple(boxes)
