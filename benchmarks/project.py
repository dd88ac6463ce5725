"""Temporary copies of the project to benchmark on; the real ``content/`` is never touched.

* :func:`copy_project`: the tool and the course as they are now (build.py,
  coursepress/, content/, templates/, assets/), without outputs or caches.
* :func:`grow`: the course with its lecture ``factor`` times as long (its
  sections repeated, ids, footnotes and cross-references renamed per copy so
  they stay unique) and ``factor`` times the models (renamed copies); each
  copy's charts and tables show that copy's models, so the outputs grow
  ``factor`` times too (not ``factor``² as charts of all models would).
* :func:`edit_lecture`: a one-line change of the lecture, different each call.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPIED = ("build.py", "pyproject.toml", "coursepress", "content", "templates", "assets")
LECTURE = Path("content/lectures/llm-intro.md")
MODELS = Path("content/data/models.yaml")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".build-cache")


def copy_project(into: Path | None = None) -> Path:
    """Copy the project to a new temp folder (or ``into``); returns its root."""
    root = into or Path(tempfile.mkdtemp(prefix="coursepress-bench-"))
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=_IGNORE, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, root / name)
    return root


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
# Anchors and labels that must stay unique per copy: {#id}, ":id: x", [](#x), [^note]; course references (ref-*) are shared.
_LABEL = re.compile(r"(\{#|^:id: |\]\(#|\[\^)(?!ref-)([\w-]+)", re.M)
# Copy k's tables and charts show copy k's models (family "GPT-xk"), so tables grow linearly, not k².
_FAMILIES = re.compile(r"(?m)^(:filter: .*?family=)([^;\n]+)")


# A data directive without a filter shows every model; grown, each copy would show all copies' models.
_UNFILTERED = re.compile(r"(?m)^(```\{(?:chart|model-table)\}\n)((?:(?!```)(?!:filter:).*\n)*?```)")


def _filter_all(body: str, families: list[str]) -> str:
    """Give each unfiltered ``{chart}``/``{model-table}`` the filter ``family=`` every original family,
    so the copies' renaming (:data:`_FAMILIES`) keeps every copy's charts and tables to its own models."""
    def add(m: re.Match) -> str:
        block = m.group(0)
        if ":filter:" in block:
            return block
        return m.group(1) + f":filter: family={','.join(families)}\n" + m.group(2)
    return _UNFILTERED.sub(add, body)


def _grow_lecture(text: str, factor: int, families: list[str]) -> str:
    front = _FRONT.match(text)
    head, body = (front.group(0), text[front.end():]) if front else ("", text)
    body = _filter_all(body, families)
    notes_at = body.find("\n[^")                      # footnote definitions stay at the end
    main, notes = (body[:notes_at], body[notes_at:]) if notes_at >= 0 else (body, "")
    copies_main, copies_notes = [main], [notes]
    for k in range(2, factor + 1):
        rename = lambda m, k=k: f"{m.group(1)}{m.group(2)}-x{k}"
        families = lambda m, k=k: m.group(1) + ",".join(f"{f.strip()}-x{k}" for f in m.group(2).split(","))
        copies_main.append(_FAMILIES.sub(families, _LABEL.sub(rename, main)))
        copies_notes.append(_LABEL.sub(rename, notes))
    return head + "\n".join(copies_main) + "\n" + "\n".join(copies_notes)


def _grow_models(text: str, factor: int) -> str:
    start = text.index("\nmodels:\n") + len("\nmodels:\n")
    head, body = text[:start], text[start:]
    entries = re.split(r"(?m)^(?=  - name: )", body)
    preamble, models = entries[0], entries[1:]
    grown = list(models)
    for k in range(2, factor + 1):
        grown += [re.sub(r"(?m)^(    family: )(.+)$", rf"\g<1>\g<2>-x{k}",
                         re.sub(r"(?m)^(  - name: )(.+)$", rf"\g<1>\g<2>-x{k}", m)) for m in models]
    return head + preamble + "".join(grown)


def grow(factor: int) -> Path:
    """A project copy with ``factor``× the lecture content and ``factor``× the models; returns its root."""
    root = copy_project()
    if factor > 1:
        lecture, models = root / LECTURE, root / MODELS
        data = models.read_text(encoding="utf-8")
        families = sorted(set(re.findall(r"(?m)^    family: (.+?)\s*$", data)))
        lecture.write_text(_grow_lecture(lecture.read_text(encoding="utf-8"), factor, families), encoding="utf-8")
        models.write_text(_grow_models(data, factor), encoding="utf-8")
    return root


def edit_lecture(root: Path, serial: int) -> None:
    """Change one paragraph line of the lecture (appends a marked sentence; ``serial`` keeps each edit distinct)."""
    path = root / LECTURE
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("**大语言模型**"))
    lines[at] = re.sub(r"（修改 \d+）$", "", lines[at]) + f"（修改 {serial}）"
    path.write_text("\n".join(lines), encoding="utf-8")


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
