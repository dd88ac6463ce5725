"""The Jinja environment every HTML writer uses.

Autoescaping is on and undefined names are errors (``StrictUndefined``). Only
HTML produced from the document model by the templates' own macros is markup;
every string from content or data is escaped (see the C25 case).
Templates are looked up in the project's ``templates/`` first, then in the
tool's own ``templates/``; project templates pass the resource gate and every
template renders sandboxed (:mod:`coursepress.sandbox`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:      # Jinja is imported when an environment is made, not by the up-to-date check
    from jinja2 import Environment, FileSystemBytecodeCache


from .cjkspacing import autospace_html  # noqa: F401  (re-exported: the writers apply it to whole pages)

_PACKAGE = Path(__file__).resolve().parent
# The folder holding the tool's own templates/ and assets/: inside the package when installed
# (package data, see pyproject.toml), else the source checkout's top level.
TOOL_ROOT = _PACKAGE / "_tool" if (_PACKAGE / "_tool" / "templates").is_dir() else _PACKAGE.parent


def search_path(root: Path) -> list[str]:
    """Template folders: the project's (only if its real path is inside the project), then the tool's."""
    paths = [root / "templates", TOOL_ROOT / "templates"]
    seen: list[str] = []
    for p in paths:
        if p == paths[0] and not _inside(root, p):
            continue        # a templates/ link out of the project: refused by the loader, never searched
        if p.is_dir() and str(p.resolve()) not in seen:
            seen.append(str(p.resolve()))
    return seen


def _inside(root: Path, path: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def _bytecode_cache() -> Optional[FileSystemBytecodeCache]:
    """Compiled templates in the private per-user cache: compiling them takes ~0.1 s per process.

    Jinja keys each entry by template name and path and checks the source's
    checksum, so an edited template is recompiled. The folder is
    :func:`coursepress.cachedir.cache_folder` ("jinja"): mode 0700, owner
    checked, never a predictable folder in the shared temporary folder (a
    compiled template is code this process runs).
    """
    from jinja2 import FileSystemBytecodeCache

    from .cachedir import cache_folder

    try:
        return FileSystemBytecodeCache(str(cache_folder("jinja")))
    except OSError:
        return None


@lru_cache(maxsize=8)
def environment(root: Path) -> Environment:
    """A sandboxed Jinja environment for project ``root`` (cached per root).

    Every template, the tool's and the project's, renders in Jinja's
    ``ImmutableSandboxedEnvironment`` (see :mod:`coursepress.sandbox`): only
    the filters and globals set here, no attribute starting with ``_``, no
    method that changes a list or dict, nothing of a file path but its name;
    a template that reaches further fails with its file and line.

    HTML and SVG templates are autoescaped; CSS templates (``*.css.j2``) are not,
    since HTML escaping is wrong in CSS: values put into CSS are validated
    names (font families) or numbers. Undefined names are errors (``StrictUndefined``).
    """
    from jinja2 import StrictUndefined, select_autoescape

    from .sandbox import ProjectLoader, SafeEnvironment

    env = SafeEnvironment(root, loader=ProjectLoader(root, search_path(root)), bytecode_cache=_bytecode_cache(),
                          autoescape=select_autoescape(["html", "html.j2", "svg", "svg.j2", "xml"],
                                                       default_for_string=True, default=False),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["autospace_html"] = autospace_html
    from . import numbers       # the data layer (pydantic) only when templates are rendered
    from .cjk import is_wide

    env.filters["params"] = numbers.format_params
    env.filters["context"] = numbers.format_context
    env.globals.update(field_text=numbers.field_text, estimate_note=numbers.estimate_note,
                       column_title=numbers.column_title, ESTIMATE_MARK=numbers.ESTIMATE_MARK,
                       MISSING=numbers.MISSING, is_cjk=is_wide)
    return env
