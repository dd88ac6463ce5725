"""Number and value formatting shared by every writer (handout, deck, poster).

Parameters are stored in billions (10^9) and written in the units of the
language's catalogue (``numbers.parameters`` in ``templates/locale/``): zh-CN
follows GB/T 15835-2011 (yi U+4EBF = 10^8, wan yi U+4E07 U+4EBF = 10^12: 7 → 70
yi, 1800 → 1.8 wan yi), en writes 7B, 1.8T. Context lengths are stored in
thousands of tokens: 128 → 128K.
"""

from __future__ import annotations

from typing import Literal

from .messages import Messages
from .schema import Model, quantity, raw_values

ESTIMATE_MARK = "≈"
MISSING = "—"


def _trim(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def _in_unit(billions: float, exponent: int) -> float:
    """``billions`` × 10^9 in units of 10^``exponent`` (175 → 1750 for 10^8); larger units are reached
    through 10^8 (× 10, then ÷ a power of ten), so the float rounding matches the 10^8 (yi) column."""
    return billions * 10 ** (9 - exponent) if exponent <= 9 else billions * 10 / 10 ** (exponent - 8)


def format_params(billions: float, words: Messages) -> str:
    """Parameters in billions in the catalogue's units (``numbers.parameters``, largest first, the
    last for anything smaller): zh-CN 0.33 → 3.3 yi (U+4EBF, 10^8), 175 → 1750 yi, 1800 → 1.8 wan yi
    (10^12); en 175 → 175B."""
    steps = words.list("numbers.parameters")
    for exponent, pattern in steps:
        if _in_unit(billions, exponent) >= 1 or (exponent, pattern) == steps[-1]:
            return pattern.format(n=_trim(_in_unit(billions, exponent)))
    raise KeyError("numbers.parameters is empty")


def format_context(thousands: float) -> str:
    """Context in thousands of tokens → ``128K``; below 1K as plain tokens."""
    if thousands >= 1:
        return f"{_trim(thousands)}K"
    return f"{int(round(thousands * 1000))}"


def field_text(model: Model, column: str, words: Messages) -> str:
    """The display text of ``column`` for ``model``, without estimate marks.

    Returns :data:`MISSING` (—) when the value is unknown.
    """
    if column in ("parameters", "context"):
        def fmt(value: float) -> str:
            return format_params(value, words) if column == "parameters" else format_context(value)
        values = raw_values(model.parameters_b if column == "parameters" else model.context_k)
        parts = []
        for value in values:
            qualifier, number = quantity(value)
            parts.append(qualifier + fmt(number))
        return " / ".join(parts) if parts else MISSING
    if column == "release":
        return model.release.iso if model.release else MISSING
    if column == "open":
        return MISSING if model.open is None else words("numbers.open" if model.open else "numbers.closed")
    if column in ("modalities", "highlights"):
        values = getattr(model, column)
        return words("list.separator").join(values) if values else MISSING
    if column in model.extra:
        return model.extra[column] or MISSING
    raw = getattr(model, column, None)
    return MISSING if raw in (None, "") else str(raw)


ESTIMATE_FIELDS: dict[str, Literal["parameters_b", "context_k", "release"]] = {
    "parameters": "parameters_b", "context": "context_k", "release": "release"}


def estimate_note(model: Model, column: str) -> str:
    """The estimate note for ``column`` of ``model``, or "" when the value is official."""
    key = ESTIMATE_FIELDS.get(column)
    return model.estimated.get(key, "") if key else ""


def note_mark(index: int) -> str:
    """The mark of the ``index``-th (0-based) estimate note of a table: a–z, then 27, 28 … (the number)."""
    return chr(ord("a") + index) if index < 26 else str(index + 1)


def column_title(column: str, words: Messages) -> str:
    """The heading of a model-table column (catalogue ``columns.<column>``); a data field the
    catalogue does not name is headed by its own name."""
    key = f"columns.{column}"
    return words(key) if words.has(key) else column
