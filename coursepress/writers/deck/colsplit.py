"""A table too wide for its slide is split by columns, its key column repeated (new-user test, issue 13).

The rule (docs/content-format.md, "The deck"):

- every column of a slide table must be at least as wide as its longest unbreakable unit (a Latin word
  with its inner hyphens and slashes such as ``C-Eval`` or ``token/s``, a number glued to its unit, one
  Han character; :meth:`coursepress.textmeasure.Measurer.longest_unit_pt`), and at least
  :data:`COLUMN_MIN_EM` wide unless its longest cell is narrower, at the least table text size
  :data:`~.tablefit.TABLE_MIN_PT`; a table whose columns cannot all have that is split by columns
  (:func:`column_parts`): the key column (the first; a model table's ``name``) first on each part, the
  other columns in their order in as few contiguous groups as fit, balanced so the parts are about
  equally full;
- each part is then fitted as a table of its own (:func:`.tablefit.choose`: one slide at the largest size
  that fits, rows split only when they must), starting from the largest size at which its words stay
  whole (:func:`whole_word_size`), so no size is chosen at which a word would have to break;
- a table is never transposed behind the author's back, even one with few rows and many columns: the
  author who wants models as columns writes the table that way.
"""

from __future__ import annotations

from typing import Callable, Sequence

# The least width of a column, in em of its text size, unless its longest cell is narrower: four Chinese
# characters a line, so a column of Chinese words (an organisation, a short phrase) is not set one
# character a line beside wide columns of Latin words (the new-user test's model table).
COLUMN_MIN_EM = 4.0


def column_parts(key: int, minimum_pt: Sequence[float], natural_pt: Sequence[float],
                 total_pt: float) -> list[list[int]]:
    """Column indices of each part of a table ``total_pt`` wide, the ``key`` column first in each.

    ``minimum_pt``: each column's least width in pt (its longest unbreakable unit and the cell margins),
    ``natural_pt``: its width with its longest cell on one line (at least the minimum). One part of
    every column, in order, when the minimum widths fit; else the fewest contiguous groups of the other
    columns whose minimum widths fit beside the key column's (a column too wide even alone beside it is
    a group of its own), balanced: of all groupings into that many parts, the one whose fullest part
    (natural widths, key column included) is the least full.
    """
    count = len(minimum_pt)
    if count <= 2 or sum(minimum_pt) <= total_pt:
        return [list(range(count))]
    others = [c for c in range(count) if c != key]
    room = total_pt - minimum_pt[key]

    def fits(start: int, end: int) -> bool:      # others[start:end] as one group
        return end - start == 1 or sum(minimum_pt[c] for c in others[start:end]) <= room

    def load(start: int, end: int) -> float:
        return natural_pt[key] + sum(natural_pt[c] for c in others[start:end])

    size = len(others)
    # the fewest groups: greedy filling is optimal for contiguous groups under a width limit
    groups, start = 0, 0
    while start < size:
        end = start + 1
        while end < size and fits(start, end + 1):
            end += 1
        groups, start = groups + 1, end
    # best[p][j]: the least possible fullest load of others[:j] in p groups, and where its last group starts
    inf = float("inf")
    best = [[(inf, -1)] * (size + 1) for _ in range(groups + 1)]
    best[0][0] = (0.0, 0)
    for parts in range(1, groups + 1):
        for end in range(1, size + 1):
            for begin in range(parts - 1, end):
                prior = best[parts - 1][begin][0]
                if prior < inf and fits(begin, end):
                    worst = max(prior, load(begin, end))
                    if worst < best[parts][end][0]:
                        best[parts][end] = (worst, begin)
    cuts, end = [], size
    for parts in range(groups, 0, -1):
        begin = best[parts][end][1]
        cuts.append((begin, end))
        end = begin
    return [[key] + others[begin:end] for begin, end in reversed(cuts)]


def whole_word_size(minimum_at: Callable[[float], Sequence[float]], largest_pt: float, floor_pt: float,
                    total_pt: float) -> float:
    """The largest text size, from ``largest_pt`` down in 1 pt steps to ``floor_pt``, at which the columns'
    minimum widths (``minimum_at(size_pt)``, pt) fit ``total_pt``; ``floor_pt`` when none does (a column
    too wide even alone beside the key column)."""
    size = largest_pt
    while size - 1 >= floor_pt - 1e-6 and sum(minimum_at(size)) > total_pt:
        size -= 1
    return size
