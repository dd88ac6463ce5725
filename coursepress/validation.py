"""Validation of a positioned YAML document against a schema of :mod:`coursepress.schema`.

pydantic does the checking; each of its errors becomes a
:class:`~coursepress.errors.ContentError` at the line of the offending value or
key, with a hint (an unknown key gets the closest known one).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

from .errors import Problems
from .yamlsource import YamlDoc


# Fields whose values are text even when YAML sees a number or boolean.
_TEXT_FIELDS = {"name", "organisation", "family", "version", "title", "subtitle", "author",
                "header", "footer", "notes", "license", "country"}


def _text_as_written(value: Any, doc: YamlDoc, path: tuple) -> Any:
    if isinstance(value, dict):
        return {k: (doc.raw.get(path + (k,), v) if k in _TEXT_FIELDS and not isinstance(v, (dict, list, type(None)))
                    else _text_as_written(v, doc, path + (k,))) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_as_written(v, doc, path + (i,)) for i, v in enumerate(value)]
    return value


def validate(doc: YamlDoc, schema: type[M], problems: Problems, prepare=None) -> Optional[M]:
    """Validate ``doc.value`` against ``schema``; report each error at its line.

    Args:
        doc: the loaded YAML with positions.
        schema: a pydantic model class.
        problems: where errors go.
        prepare: optional function ``(value, problems) -> value`` run first.

    Returns:
        The validated model, or None if there were errors.
    """
    value = _text_as_written(doc.value, doc, ())
    if value is None:
        value = {}
    if not isinstance(value, dict):
        problems.error(doc.pos(()), "expected a mapping of key: value pairs at the top level",
                       "see docs/content-format.md for the expected layout")
        return None
    if prepare is not None:
        value = prepare(value, doc, problems)
    try:
        return schema.model_validate(value)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            report_error(doc, schema, loc, err, problems)
        return None


def report_error(doc: YamlDoc, schema: type[BaseModel], loc: tuple, err: Mapping[str, Any], problems: Problems) -> None:
    """Turn one pydantic error into a positioned, human message."""
    # Pydantic adds union-branch names ("float", "list[float]") to loc; drop them.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("float", "int", "str", "bool", "none"))) )
    where = ".".join(str(p) for p in loc) or "document"
    if len(loc) >= 3 and loc[0] == "models" and isinstance(loc[1], int):
        try:
            name = doc.value["models"][loc[1]].get("name", f"#{loc[1] + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            name = f"#{loc[1] + 1}"
        where = f"model '{name}', field '{'.'.join(str(p) for p in loc[2:])}'"
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = loc[-1]
        known = _known_keys(schema, loc[:-1])
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(known))}"
        pos = doc.key_positions.get(loc, doc.pos(loc))
        problems.error(pos, f"unknown key '{key}'", hint)
    elif kind == "missing":
        problems.error(doc.pos(loc[:-1]), f"required field '{loc[-1]}' is missing", f"add '{loc[-1]}:' here")
    elif kind == "literal_error":
        problems.error(doc.pos(loc), f"{where}: {msg}", "use one of the listed values")
    else:
        hint = "write a number (billions of parameters / thousands of tokens), a list of numbers, or null" \
            if loc and loc[-1] in ("parameters_b", "context_k") else "correct the value"
        if isinstance(loc[-1] if loc else None, int) and len(loc) > 1 and loc[-2] in ("parameters_b", "context_k"):
            hint = "write a positive number"
        problems.error(doc.pos(loc), f"{where}: {msg}", hint)


def _known_keys(schema: type[BaseModel], path: tuple) -> list[str]:
    cls: Any = schema
    for part in path:
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part) if hasattr(cls, "model_fields") else None
        if field is None:
            return []
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        cls = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if cls is None:
            return []
    return [k for k in cls.model_fields if k not in ("extra", "line")]
