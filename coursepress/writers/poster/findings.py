"""Headline findings of the poster, computed from the model data (issue 17).

Each :class:`Finding` holds the numbers of one message as display text; its
wording is a macro of the same ``key`` in the language catalogue
(``templates/poster/catalogue.<language>.html.j2``), so no sentence lives in
Python and no number is typed into course.yaml. A finding the data cannot
support (too few models with the value, no growth) is left out; the poster
shows the first :data:`MAX_FINDINGS` of those that hold.

Official figures are preferred: a finding uses estimated values (marked ≈)
only when fewer than two models have an official one.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Optional

from ...messages import Messages
from ...numbers import ESTIMATE_MARK, format_context, format_params
from ...schema import Model

MAX_FINDINGS = 4


@dataclass(frozen=True)
class Finding:
    """One message: catalogue ``key`` and its values (display strings, numbers already formatted)."""

    key: str
    values: dict


def _factor(ratio: float, words: Messages) -> str:
    """A growth factor to two significant figures; from 10^``numbers.large_factor_exponent`` on in the
    catalogue's large unit: zh-CN 4615 → 4600, 15385 → 1.5 wan (U+4E07, 10^4); en 15385 → 15,000."""
    digits = max(int(math.floor(math.log10(ratio))) - 1, 0)
    unit = 10 ** words.number("numbers.large_factor_exponent")
    if ratio >= unit:
        return words("numbers.large_factor", n=f"{ratio / unit:.2g}", plain=f"{round(ratio, -digits):,.0f}")
    return f"{round(ratio, -digits):.0f}"


def _points(models: tuple[Model, ...], field: str) -> list[tuple[Model, float, bool]]:
    """(model, largest value, estimated) for models with a value and a release date; official ones
    only when at least two models have one."""
    values = [(m, max(getattr(m, "sizes_b" if field == "parameters_b" else "contexts_k")), field in m.estimated)
              for m in models if m.release and getattr(m, "sizes_b" if field == "parameters_b" else "contexts_k")]
    official = [p for p in values if not p[2]]
    return official if len(official) >= 2 else values


def growth(models: tuple[Model, ...], field: str, words: Messages) -> Optional[Finding]:
    """From the smallest value of the earliest year with data to the largest value of all.

    ``field``: ``parameters_b`` (key ``parameters_growth``) or ``context_k``
    (``context_growth``). None when fewer than two values or no growth.
    """
    points = _points(models, field)
    if len(points) < 2:
        return None
    first_year = min(m.dated.year for m, _, _ in points)
    start = min((p for p in points if p[0].dated.year == first_year), key=lambda p: p[1])
    end = max(points, key=lambda p: (p[1], -p[0].dated.fraction))
    if end[1] <= start[1] or end[0].dated.year < start[0].dated.year:
        return None
    def fmt(value: float) -> str:
        return format_params(value, words) if field == "parameters_b" else format_context(value)
    mark = lambda p: ESTIMATE_MARK if p[2] else ""     # noqa: E731
    key = "parameters_growth" if field == "parameters_b" else "context_growth"
    return Finding(key, {"factor": _factor(end[1] / start[1], words),
                         "from_model": start[0].name, "from_value": mark(start) + fmt(start[1]),
                         "from_year": start[0].dated.year,
                         "to_model": end[0].name, "to_value": mark(end) + fmt(end[1]), "to_year": end[0].dated.year,
                         "estimated": start[2] or end[2]})


def open_share(models: tuple[Model, ...]) -> Optional[Finding]:
    """How many models of the latest release year publish their weights (key ``open_share``)."""
    dated = [m for m in models if m.release and m.open is not None]
    if not dated:
        return None
    year = max(m.dated.year for m in dated)
    of_year = [m for m in dated if m.dated.year == year]
    if len(of_year) < 2:
        return None
    return Finding("open_share", {"year": year, "open": sum(1 for m in of_year if m.open), "count": len(of_year)})


def open_closed_size(models: tuple[Model, ...], words: Messages) -> Optional[Finding]:
    """Median largest size of open-weight against closed models (key ``open_closed_size``).

    Official sizes when each side has at least three, else estimates too (the
    median is then marked ≈). Medians are rounded to two significant figures.
    """
    def median(is_open: bool) -> tuple[Optional[float], bool]:
        sized = [(max(m.sizes_b), "parameters_b" in m.estimated) for m in models if m.open is is_open and m.sizes_b]
        official = [v for v, est in sized if not est]
        if len(official) >= 3:
            return statistics.median(official), False
        if len(sized) >= 2:
            return statistics.median(v for v, _ in sized), any(est for _, est in sized)
        return None, False

    (open_b, open_est), (closed_b, closed_est) = median(True), median(False)
    if open_b is None or closed_b is None or closed_b <= open_b:
        return None
    open_b, closed_b = _round2(open_b), _round2(closed_b)
    return Finding("open_closed_size", {
        "open_value": (ESTIMATE_MARK if open_est else "") + format_params(open_b, words),
        "closed_value": (ESTIMATE_MARK if closed_est else "") + format_params(closed_b, words),
        "factor": _factor(closed_b / open_b, words), "estimated": open_est or closed_est})


def _round2(value: float) -> float:
    """``value`` to two significant figures."""
    return round(value, 1 - int(math.floor(math.log10(abs(value))))) if value else value


def findings(models: tuple[Model, ...], words: Messages) -> tuple[Finding, ...]:
    """The findings the data supports, in poster order (at most :data:`MAX_FINDINGS`)."""
    found = [growth(models, "parameters_b", words), growth(models, "context_k", words),
             open_closed_size(models, words), open_share(models)]
    return tuple(f for f in found if f is not None)[:MAX_FINDINGS]
