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

    from .messages import Messages


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


def css_content(message: str, **counters: str) -> str:
    """A catalogue message as a CSS ``content`` value: its text quoted, each ``{field}`` named in
    ``counters`` replaced by that CSS expression (``page="counter(page)"``).

    ``"p. {page} /"`` with ``page="counter(page)"`` → ``"p. " counter(page) " /"`` (zh-CN's page number has
    text on both sides, U+7B2C before and U+9875 "page" after).
    """
    import string

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'

    parts = []
    for literal, name, _, _ in string.Formatter().parse(message):
        if literal:
            parts.append(quoted(literal))
        if name:
            parts.append(counters[name])
    return " ".join(parts) or '""'


@lru_cache(maxsize=8)
def environment(root: Path, words: Optional[Messages] = None) -> Environment:
    """A sandboxed Jinja environment for project ``root`` and catalogue ``words`` (cached per both).

    Every template, the tool's and the project's, renders in Jinja's
    ``ImmutableSandboxedEnvironment`` (see :mod:`coursepress.sandbox`): only
    the filters and globals set here, no attribute starting with ``_``, no
    method that changes a list or dict, nothing of a file path but its name;
    a template that reaches further fails with its file and line.

    HTML and SVG templates are autoescaped; CSS templates (``*.css.j2``) are not,
    since HTML escaping is wrong in CSS: values put into CSS are validated
    names (font families) or numbers. Undefined names are errors (``StrictUndefined``).

    The catalogue is the global ``t``: ``t("handout.contents")``, ``t("numbering.table", n=2)``,
    ``t.date(y, m, d)``; the number filters and helpers print its units and words.
    """
    from jinja2 import StrictUndefined, select_autoescape

    from .sandbox import ProjectLoader, SafeEnvironment

    env = SafeEnvironment(root, loader=ProjectLoader(root, search_path(root)), bytecode_cache=_bytecode_cache(),
                          autoescape=select_autoescape(["html", "html.j2", "svg", "svg.j2", "xml"],
                                                       default_for_string=True, default=False),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["autospace_html"] = autospace_html
    from functools import partial

    from . import numbers       # the data layer (pydantic) only when templates are rendered
    from .cjk import is_wide
    from .messages import default_messages

    words = words if words is not None else default_messages()
    env.filters["params"] = partial(numbers.format_params, words=words)
    env.filters["context"] = numbers.format_context
    env.filters["css_content"] = css_content
    env.globals.update(field_text=partial(numbers.field_text, words=words), estimate_note=numbers.estimate_note,
                       column_title=partial(numbers.column_title, words=words), ESTIMATE_MARK=numbers.ESTIMATE_MARK,
                       MISSING=numbers.MISSING, is_cjk=is_wide, t=words)
    return env
