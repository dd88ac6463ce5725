"""The Jinja environment every HTML writer uses.

Autoescaping is on and undefined names are errors (``StrictUndefined``). Only
HTML produced from the document model by the templates' own macros is markup;
every string from content or data is escaped (see the C25 case).
Templates are looked up in the project's ``templates/`` first, then in the
tool's own ``templates/``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import numbers
from .markdown import is_cjk

TOOL_ROOT = Path(__file__).resolve().parent.parent

_LATIN = r"A-Za-z0-9\u00C0-\u024F"
_HAN = "\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF"
_CJK_LATIN = re.compile(rf"([{_HAN}]) ?([{_LATIN}])")
_LATIN_CJK = re.compile(rf"([{_LATIN}%]) ?([{_HAN}])")
AUTOSPACE = "\u2005"   # four-per-em space: the ¼ em gap of W3C clreq §3.2 (mapped in the shipped CJK fonts)


def autospace(text: str) -> str:
    """Put a ¼ em space (U+2005) between Han characters and Latin letters or digits.

    A space the author typed there is replaced by the same fixed gap: justification
    (which WeasyPrint does by stretching U+0020 only) then never widens it into a hole.

    Source: W3C "Requirements for Chinese Text Layout" (clreq) on mixed text:
    a gap of about a quarter em separates Han from Western words and numerals.
    """
    return _LATIN_CJK.sub(rf"\1{AUTOSPACE}\2", _CJK_LATIN.sub(rf"\1{AUTOSPACE}\2", text))


def search_path(root: Path) -> list[str]:
    """Template folders: the project's, then the tool's."""
    paths = [root / "templates", TOOL_ROOT / "templates"]
    seen: list[str] = []
    for p in paths:
        if p.is_dir() and str(p.resolve()) not in seen:
            seen.append(str(p.resolve()))
    return seen


@lru_cache(maxsize=8)
def environment(root: Path) -> Environment:
    """A Jinja environment for project ``root`` (cached per root).

    HTML and SVG templates are autoescaped; CSS templates (``*.css.j2``) are not,
    since HTML escaping is wrong in CSS: values put into CSS are validated
    names (font families) or numbers.
    """
    env = Environment(loader=FileSystemLoader(search_path(root)), autoescape=select_autoescape(["html", "html.j2", "svg", "svg.j2", "xml"], default_for_string=True, default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["autospace"] = autospace
    env.filters["params"] = numbers.format_params
    env.filters["context"] = numbers.format_context
    env.globals.update(field_text=numbers.field_text, estimate_note=numbers.estimate_note,
                       column_title=numbers.column_title, ESTIMATE_MARK=numbers.ESTIMATE_MARK,
                       MISSING=numbers.MISSING, is_cjk=is_cjk)
    return env
