"""Number and value formatting shared by every writer (handout, deck, poster).

Chinese large-number units follow GB/T 15835-2011 usage: 亿 = 10^8, 万亿 = 10^12.
Parameters are stored in billions (10^9), so 7 → 70 亿, 175 → 1750 亿,
1800 → 1.8 万亿. Context lengths are stored in thousands of tokens: 128 → 128K.
"""

from __future__ import annotations

from typing import Literal

from .schema import Model, quantity, raw_values

ESTIMATE_MARK = "≈"
MISSING = "—"


def _trim(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def format_params(billions: float) -> str:
    """Parameters in billions → Chinese units: 0.33 → 3.3 亿, 175 → 1750 亿, 1800 → 1.8 万亿."""
    yi = billions * 10
    if yi >= 10000:
        return f"{_trim(yi / 10000)} 万亿"
    if yi >= 1:
        return f"{_trim(yi)} 亿"
    return f"{_trim(billions * 1000)} 百万"


def format_context(thousands: float) -> str:
    """Context in thousands of tokens → ``128K``; below 1K as plain tokens."""
    if thousands >= 1:
        return f"{_trim(thousands)}K"
    return f"{int(round(thousands * 1000))}"


def field_text(model: Model, column: str) -> str:
    """The display text of ``column`` for ``model``, without estimate marks.

    Returns :data:`MISSING` (—) when the value is unknown.
    """
    if column in ("parameters", "context"):
        fmt = format_params if column == "parameters" else format_context
        values = raw_values(model.parameters_b if column == "parameters" else model.context_k)
        parts = []
        for value in values:
            qualifier, number = quantity(value)
            parts.append(qualifier + fmt(number))
        return " / ".join(parts) if parts else MISSING
    if column == "release":
        return model.release.iso if model.release else MISSING
    if column == "open":
        return MISSING if model.open is None else ("开放" if model.open else "闭源")
    if column in ("modalities", "highlights"):
        values = getattr(model, column)
        return "、".join(values) if values else MISSING
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


def column_title(column: str) -> str:
    """Chinese column heading for a model-table column."""
    return {
        "name": "模型", "family": "系列", "organisation": "机构", "open": "权重", "release": "发布时间",
        "parameters": "参数量", "context": "上下文", "modalities": "模态", "highlights": "特点",
        "url": "链接", "notes": "备注",
    }.get(column, column)
