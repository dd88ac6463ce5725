"""Data directives in Markdown: ``{model-table}`` and ``{chart}`` fences.

A directive is a fenced block whose info string is ``{name}``; its body holds
``:key: value`` option lines. Options are checked here, with the line of each.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .errors import Problems, SourcePos
from .schema import Model, ModelData

DIRECTIVES = {
    "model-table": {"id", "caption", "filter", "columns", "sort", "slide-columns"},
    "chart": {"id", "caption", "filter", "kind", "alt"},
}
CHART_KINDS = ("parameters", "context", "timeline", "family")
BASE_COLUMNS = ("name", "family", "organisation", "open", "release", "parameters", "context",
                "modalities", "highlights", "url", "notes")
DEFAULT_COLUMNS = ("name", "organisation", "open", "release", "parameters", "context", "highlights")
FILTER_KEYS = ("name", "family", "organisation", "open")


@dataclass(frozen=True)
class DirectiveCall:
    """A parsed directive: its ``name``, ``options`` and the line of each option."""

    name: str
    options: dict[str, str]
    option_lines: dict[str, int]
    pos: SourcePos


def parse_directive(name: str, body: str, pos: SourcePos, problems: Problems) -> DirectiveCall | None:
    """Parse the option lines of directive ``name`` whose fence starts at ``pos``.

    Returns None (with errors recorded) for an unknown directive or bad options.
    """
    if name not in DIRECTIVES:
        problems.error(pos, f"unknown directive '{{{name}}}'",
                       f"use one of: {', '.join('{' + d + '}' for d in DIRECTIVES)}")
        return None
    options: dict[str, str] = {}
    lines: dict[str, int] = {}
    ok = True
    for offset, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        line_pos = SourcePos(pos.file, pos.line + offset, 1)
        match = re.match(r"^\s*:([\w-]+):\s*(.*?)\s*(?:#.*)?$", line)
        if not match:
            problems.error(line_pos, f"cannot read directive option '{line.strip()}'", "write options as ':key: value'")
            ok = False
            continue
        key, value = match.groups()
        if key not in DIRECTIVES[name]:
            problems.error(line_pos, f"unknown option ':{key}:' for {{{name}}}",
                           f"known options: {', '.join(sorted(DIRECTIVES[name]))}")
            ok = False
            continue
        options[key] = value
        lines[key] = pos.line + offset
    return DirectiveCall(name, options, lines, pos) if ok else None


def option_pos(call: DirectiveCall, key: str) -> SourcePos:
    """Position of option ``key`` (or of the directive when absent)."""
    return SourcePos(call.pos.file, call.option_lines.get(key, call.pos.line), 1)


def select_models(call: DirectiveCall, data: ModelData, problems: Problems) -> tuple[Model, ...]:
    """Apply ``:filter: key=v1,v2; key2=v`` to the data, keeping the file's order.

    Keys: name, family, organisation, open. Values compare as text, ignoring
    case (``open`` as true/false; yes/no accepted). A value that no model of the
    data file has is a warning (an error under ``--strict``) with the closest
    known value, since it silently drops rows (a typo such as ``Claud``); a
    value that looks like another filter (``family=GPT,name=X``: a comma where
    a ``;`` belongs) and an ``open`` value other than true/false are errors.
    """
    spec = call.options.get("filter", "").strip()
    models = list(data.models)
    if not spec:
        return tuple(models)
    pos = option_pos(call, "filter")
    unknown = False           # a value no model has was reported: "selects no models" would say it again
    for clause in filter(None, (c.strip() for c in spec.split(";"))):
        key, sep, values = clause.partition("=")
        key = key.strip()
        if not sep or key not in FILTER_KEYS:
            problems.error(pos, f"cannot read filter '{clause}'",
                           f"write key=value with key one of {', '.join(FILTER_KEYS)}")
            return ()
        written = [v.strip() for v in values.split(",") if v.strip()]
        stray = [v for v in written if "=" in v]
        if stray:
            problems.error(pos, f"filter value '{stray[0]}' looks like another filter",
                           "separate filters with ';', e.g. family=GPT; open=true")
            return ()
        wanted = {v.lower() for v in written}
        if key == "open":
            wrong = wanted - {"true", "false", "yes", "no"}
            if wrong:
                problems.error(pos, f"open={sorted(wrong)[0]}: open takes true or false", "write open=true or open=false")
                return ()
            wanted = {"true" if v in ("true", "yes") else "false" for v in wanted}
        else:
            known = {str(v).lower(): str(v) for v in (getattr(m, key) for m in data.models) if v is not None}
            for value in written:
                if value.lower() not in known:
                    unknown = True
                    close = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.6)
                    hint = (f"did you mean '{known[close[0]]}'?" if close else
                            f"known values of {key}: {', '.join(sorted(set(known.values()))[:12])}"
                            + (" …" if len(set(known.values())) > 12 else ""))
                    problems.warn(pos, f"filter {key}={value}: no model in content/data/models.yaml has this "
                                       f"{key}, so it selects nothing", hint)
        models = [m for m in models if str(getattr(m, key)).lower() in wanted]
    if not models and not unknown:
        problems.warn(pos, f"filter '{spec}' selects no models", "check the filter values")
    return tuple(models)


SORT_KEYS = ("name", "family", "organisation", "open", "release", "parameters", "context")


def sort_models(call: DirectiveCall, models: tuple[Model, ...], problems: Problems) -> tuple[Model, ...]:
    """Apply ``:sort: KEY`` (ascending) or ``:sort: -KEY`` (descending) to ``models``.

    Keys: :data:`SORT_KEYS`; ``parameters``/``context`` sort by the largest
    size, ``release`` by date. Models without the value go last either way;
    ties keep the data file's order (the sort is stable). No ``:sort:``: the
    data file's order.
    """
    spec = call.options.get("sort", "").strip()
    if not spec:
        return models
    descending = spec.startswith("-")
    key = spec.lstrip("-+ ").strip()
    if key not in SORT_KEYS:
        close = difflib.get_close_matches(key, SORT_KEYS, n=1)
        problems.error(option_pos(call, "sort"), f"cannot sort by '{key}'",
                       (f"did you mean '{close[0]}'? " if close else "") + f"sort keys: {', '.join(SORT_KEYS)}; "
                       "put - before the key for descending order")
        return models

    def value(model: Model):
        if key == "parameters":
            return max(model.sizes_b) if model.sizes_b else None
        if key == "context":
            return max(model.contexts_k) if model.contexts_k else None
        if key == "release":
            return model.release.sort_key if model.release else None
        raw = getattr(model, key)
        return None if raw is None else (raw if isinstance(raw, bool) else str(raw).lower())

    present = [m for m in models if value(m) is not None]
    missing = [m for m in models if value(m) is None]
    return tuple(sorted(present, key=value, reverse=descending)) + tuple(missing)


def table_columns(call: DirectiveCall, data: ModelData, problems: Problems, key: str = "columns") -> tuple[str, ...]:
    """The ``:columns:`` list (or, with ``key`` "slide-columns", the ``:slide-columns:`` list: the
    columns the deck shows, empty when not given), checked against the known and declared columns."""
    text = call.options.get(key, "")
    if not text.strip():
        return DEFAULT_COLUMNS if key == "columns" else ()
    known = BASE_COLUMNS + tuple(data.columns)
    columns = tuple(c.strip() for c in re.split(r"[,\uff0c]", text) if c.strip())   # or the full-width comma
    for column in columns:
        if column not in known:
            problems.error(option_pos(call, key), f"unknown column '{column}'",
                           f"known columns: {', '.join(known)}")
            return ()
    return columns
