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
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:      # Jinja is imported when an environment is made, not by the up-to-date check
    from jinja2 import Environment, FileSystemBytecodeCache


TOOL_ROOT = Path(__file__).resolve().parent.parent

_LATIN = r"A-Za-z0-9\u00C0-\u024F"
_HAN = "\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF"
AUTOSPACE = "\u2005"   # four-per-em space: the ¼ em gap of W3C clreq §3.2 (mapped in the shipped CJK fonts)


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_LATIN_CHAR = re.compile(rf"[{_LATIN}]")
_SKIP_TAGS = {"pre", "code", "style", "script", "svg", "title", "head"}
_BLOCK_TAGS = {"p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "br", "dt", "dd",
               "ul", "ol", "table", "tr", "blockquote", "aside", "section", "nav", "main", "figure", "body", "sup", "img"}


def autospace_html(html: str) -> str:
    """Put a ¼ em space (U+2005) between Han characters and Latin letters or digits, across inline markup: ``为 <strong>Claude</strong>`` gets the
    fixed ¼ em gap too, while text in pre, code, svg, style and across block boundaries
    is left alone. Works on serialised HTML from the templates (tags never contain text).
    An inline formula (``<img class="math">``) counts as a Latin word.

    Every single word space in running text becomes U+2005 (¼ em, the width of the
    CJK fonts' own space): WeasyPrint justifies by stretching U+0020 only, so in
    Chinese lines with one or two Latin words those few spaces would open into
    holes several characters wide. Fixed spaces keep the colour of the line even;
    the line end is then at most one character short of the measure.
    """
    parts = _TAG.split(html)
    visible: list[tuple[int, int] | None] = []      # (part, index) of each visible character; None: boundary
    skip = 0
    for index, part in enumerate(parts):
        if index % 2:
            match = _TAG_NAME.match(part)
            if match:
                name = match.group(2).lower()
                if name in _SKIP_TAGS and not part.endswith("/>"):
                    skip += -1 if match.group(1) else 1
                    skip = max(skip, 0)
                    visible.append(None)
                elif name == "img" and 'class="math' in part and not skip:
                    visible.append((index, -1))      # an inline formula spaces like a Latin word
                elif name in _BLOCK_TAGS:
                    visible.append(None)
            continue
        if not skip:
            visible.extend((index, k) for k in range(len(part)))
    chars = [None if v is None else "x" if v[1] < 0 else parts[v[0]][v[1]] for v in visible]
    edits: dict[tuple[int, int], str] = {}
    for k, place in enumerate(visible):
        if place is None:
            continue
        char, prev = chars[k], chars[k - 1] if k else None
        nxt = chars[k + 1] if k + 1 < len(chars) else None
        if char == " " and prev and nxt and not prev.isspace() and not nxt.isspace():
            edits[place] = AUTOSPACE     # every word space fixed at ¼ em: see the docstring
        elif prev and ((_HAN_CHAR.match(prev) and _LATIN_CHAR.match(char))
                       or (_LATIN_CHAR.match(prev) and _HAN_CHAR.match(char))):
            edits[place] = AUTOSPACE + char
    if not edits:
        return html
    out = list(parts)
    for index in {p for p, _ in edits}:
        text = parts[index]
        if index % 2:        # a formula's <img> tag: the gap goes before it
            out[index] = AUTOSPACE + text
            continue
        out[index] = "".join(edits.get((index, k), c) for k, c in enumerate(text))
    return "".join(out)


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
