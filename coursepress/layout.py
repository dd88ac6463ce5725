"""Where a project keeps its files: the one place that knows the ``content/`` layout.

Layout of a project (see docs/content-format.md)::

    content/course.yaml          course settings
    content/data/models.yaml     the model data (optional)
    content/lectures/NAME.md     one file per lecture
    content/…                    images and other files the lectures name
    templates/  assets/          the project's own templates and fonts (optional)

Paths here are relative to the project root, in POSIX form, as error
messages show them. This module reads nothing but folder listings and, for
:func:`peek_course`, course.yaml's text: the up-to-date check uses it before
anything is loaded, so it imports no parser unless course.yaml needs one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .resources import inside

CONTENT = "content"
COURSE_FILE = "content/course.yaml"
DATA_FILE = "content/data/models.yaml"
LECTURES = "content/lectures"
LECTURE_SUFFIX = ".md"
TEMPLATES = "templates"
ASSETS = "assets"
FONTS = "assets/fonts"
# Folders whose files are sources: watched by ``watch``, and no output folder may lie inside them.
SOURCE_FOLDERS = (CONTENT, TEMPLATES, ASSETS)


def lecture_file(name: str) -> str:
    """The lecture ``name``'s file relative to the project root (``content/lectures/NAME.md``)."""
    return f"{LECTURES}/{name}{LECTURE_SUFFIX}"


def lecture_names(root: Path) -> list[str]:
    """Names (file stems) of the lecture files under ``root/content/lectures``, sorted; [] when the
    folder is missing or a link out of the project (never read here; loading reports it)."""
    folder = root / LECTURES
    if not folder.is_dir() or not inside(root, folder):
        return []
    return sorted(p.stem for p in folder.glob(f"*{LECTURE_SUFFIX}"))


@dataclass(frozen=True)
class Peek:
    """What the up-to-date check needs from course.yaml before loading it.

    ``outputs``: the ``outputs:`` list (None: not given or unreadable, so the
    default applies); ``reference``: ``deck.reference`` as written (None: not given).
    """

    outputs: Optional[tuple[str, ...]] = None
    reference: Optional[str] = None
    readable: bool = True


def peek_course(root: Path) -> Peek:
    """``outputs:`` and ``deck.reference`` of ``root``'s course.yaml, read without validating it.

    Most course files set neither, and then no YAML parser is imported (a
    no-op build stays fast). A file that cannot be read or parsed gives
    ``readable=False``: the build then loads the course, which reports the problem.
    """
    try:
        text = (root / COURSE_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Peek(readable=False)
    if not re.search(r"(?m)^outputs\s*:|^\s+reference\s*:", text):
        return Peek()
    from .errors import ContentError
    from .yamlsource import load_yaml

    try:
        value = load_yaml(text, COURSE_FILE).value
    except ContentError:
        return Peek(readable=False)
    if not isinstance(value, dict):
        return Peek(readable=False)
    outputs = value.get("outputs")
    deck = value.get("deck")
    reference = deck.get("reference") if isinstance(deck, dict) else None
    return Peek(tuple(str(o) for o in outputs) if isinstance(outputs, list) else None,
                reference if isinstance(reference, str) else None,
                readable=outputs is None or isinstance(outputs, list))
