"""The Jinja environment every HTML writer uses.

Autoescaping is on and undefined names are errors (``StrictUndefined``). Only
HTML produced from the document model by the templates' own macros is markup;
every string from content or data is escaped (see the C25 case).
Templates are looked up in the project's ``templates/`` first, then in the
tool's own ``templates/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:      # Jinja is imported when an environment is made, not by the up-to-date check
    from jinja2 import Environment, FileSystemBytecodeCache


from .cjkspacing import autospace_html  # noqa: F401  (re-exported: the writers apply it to whole pages)

TOOL_ROOT = Path(__file__).resolve().parent.parent

def search_path(root: Path) -> list[str]:
    """Template folders: the project's, then the tool's."""
    paths = [root / "templates", TOOL_ROOT / "templates"]
    seen: list[str] = []
    for p in paths:
        if p.is_dir() and str(p.resolve()) not in seen:
            seen.append(str(p.resolve()))
    return seen


def _bytecode_cache() -> Optional[FileSystemBytecodeCache]:
    """Compiled templates in Jinja's per-user cache folder: compiling them takes ~0.1 s per process.

    Jinja keys each entry by template name and path and checks the source's
    checksum, so an edited template is recompiled. The default folder
    (``_jinja2-cache-<uid>`` in the temporary folder) is created private and
    refused if another user owns it; without a usable folder there is no cache.
    """
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache()
    except RuntimeError:
        return None


@lru_cache(maxsize=8)
def environment(root: Path) -> Environment:
    """A Jinja environment for project ``root`` (cached per root).

    HTML and SVG templates are autoescaped; CSS templates (``*.css.j2``) are not,
    since HTML escaping is wrong in CSS: values put into CSS are validated
    names (font families) or numbers.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(search_path(root)), bytecode_cache=_bytecode_cache(), autoescape=select_autoescape(["html", "html.j2", "svg", "svg.j2", "xml"], default_for_string=True, default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["autospace_html"] = autospace_html
    from . import numbers       # the data layer (pydantic) only when templates are rendered
    from .markdown import is_cjk

    env.filters["params"] = numbers.format_params
    env.filters["context"] = numbers.format_context
    env.globals.update(field_text=numbers.field_text, estimate_note=numbers.estimate_note,
                       column_title=numbers.column_title, ESTIMATE_MARK=numbers.ESTIMATE_MARK,
                       MISSING=numbers.MISSING, is_cjk=is_cjk)
    return env
