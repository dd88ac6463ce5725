"""JSON Schema files for editors, generated from the pydantic models of :mod:`coursepress.schema`.

``coursepress/schemas/course.schema.json`` (``content/course.yaml``),
``models.schema.json`` (``content/data/models.yaml``) and ``lecture.schema.json``
(a lecture's front matter) let an editor (VS Code with the YAML extension, via a
``# yaml-language-server: $schema=…`` line) complete and check keys. They are
committed; ``python -m coursepress.jsonschemas`` rewrites them and a test checks
they are current.

Where the loader accepts more than pydantic's types say, the schema says what
the loader accepts: release dates are text or a year (``2024-05``, ``2024``),
not the internal year/month/day object; ``line`` and ``extra`` are internal;
a model may carry extra text columns (declared in ``columns``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .schema import CourseMeta, FrontMatter, ModelData

FOLDER = Path(__file__).resolve().parent / "schemas"
_DATE = {"type": ["string", "integer"], "pattern": r"^\d{4}([-/]\d{1,2}([-/]\d{1,2})?)?$",
         "description": "YYYY-MM-DD, YYYY-MM or YYYY"}
_INTERNAL = ("line", "extra")


def _fix(node):
    """Replace references to ReleaseDate with the accepted text form; drop internal fields."""
    if isinstance(node, dict):
        if node.get("$ref", "").endswith("/ReleaseDate"):
            return dict(_DATE)
        props = node.get("properties")
        if isinstance(props, dict):
            for name in _INTERNAL:
                props.pop(name, None)
        return {k: _fix(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_fix(v) for v in node]
    return node


def _schema(model, title: str, file: str) -> dict:
    schema = _fix(model.model_json_schema(mode="validation"))
    schema.get("$defs", {}).pop("ReleaseDate", None)
    model_def = schema.get("$defs", {}).get("Model")
    if model_def is not None:           # extra text columns (declared in the file's `columns`)
        model_def["additionalProperties"] = {"type": ["string", "number", "boolean", "null"]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://coursepress.invalid/schemas/{file}", "title": title, **schema}


def schemas() -> dict[str, dict]:
    """File name → JSON Schema (a dict), for each of the three YAML inputs."""
    return {
        "course.schema.json": _schema(CourseMeta, "coursepress content/course.yaml", "course.schema.json"),
        "models.schema.json": _schema(ModelData, "coursepress content/data/models.yaml", "models.schema.json"),
        "lecture.schema.json": _schema(FrontMatter, "coursepress lecture front matter", "lecture.schema.json"),
    }


def render(schema: dict) -> str:
    """The committed text of a schema: sorted keys, two-space indent, non-ASCII kept, final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write(folder: Path = FOLDER) -> list[Path]:
    """Write every schema into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
