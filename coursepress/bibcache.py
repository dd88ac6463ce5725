"""Formatted bibliographies kept between builds (issue 20).

Formatting a lecture's references (:meth:`coursepress.bibliography.Bibliography.format`) imports
citeproc-py and lxml and runs the CSL style: ≈ 0.03–0.05 s of CPU on each cold build of the course
(2026-11-30), for entries that rarely change between builds. The formatted texts (before
:func:`~coursepress.bibliography.bilingual`, which runs every time) are kept in the private per-user
cache (``bibliography`` in :mod:`coursepress.cachedir`) as JSON, under a SHA-256 key of everything they
depend on: the CSL JSON items in citation order, the style file's bytes, the locale, the citeproc-py
version and :data:`CACHE_VERSION`. Only a formatting that succeeded is kept (a failed one raises before),
so problems are reported at every build; a cache that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

from . import cachedir
from .cachedir import read_private

CACHE_VERSION = 1
FOLDER = "bibliography"


def key(items: list[dict], style: Path, locale: str) -> Optional[str]:
    """The cache key of ``items`` (CSL JSON, citation order) formatted with the style file ``style`` in
    ``locale``; None when it cannot be made (an unreadable style, items that are not JSON)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        text = json.dumps([CACHE_VERSION, version("citeproc-py"), locale,
                           hashlib.sha256(Path(style).read_bytes()).hexdigest(), items],
                          sort_keys=True, ensure_ascii=False)
    except (OSError, TypeError, ValueError, PackageNotFoundError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _folder() -> Optional[Path]:
    try:
        return cachedir.cache_folder(FOLDER)
    except OSError:
        return None


def lookup(name: Optional[str], count: int) -> Optional[list[str]]:
    """The formatted texts stored under ``name`` (a :func:`key`), if there are ``count`` of them."""
    folder = _folder()
    if name is None or folder is None:
        return None
    try:
        texts = json.loads(read_private(folder / f"{name}.json").decode("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(texts, list) and len(texts) == count and all(isinstance(t, str) for t in texts):
        return texts
    return None


def store(name: Optional[str], texts: list[str]) -> None:
    """Keep ``texts`` under ``name`` (a :func:`key`; None: nothing is kept)."""
    folder = _folder()
    if name is None or folder is None:
        return
    try:
        cachedir.write_private(folder, f"{name}.json", json.dumps(texts, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass            # a full or read-only cache only costs time
