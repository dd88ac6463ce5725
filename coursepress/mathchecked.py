"""Formulas already found good, remembered between builds (issue 20).

Loading checks every formula (:func:`coursepress.mathtex.tex_problems`) by converting its TeX to MathML
with latex2mathml: importing latex2mathml and converting the course's 26 formulas cost ≈ 0.055 s of CPU
on each cold build (2026-11-30), though a lecture's formulas rarely change between builds, and the
handout's formula pictures come from their own cache (:mod:`coursepress.mathrender`).

A formula that passed is remembered as an empty file in the private per-user cache (``math-checked`` in
:mod:`coursepress.cachedir`), named by a SHA-256 key of everything the check depends on: the TeX, display
or inline, the latex2mathml version, the source of the modules that check and convert (``mathtex.py``,
``mathtree.py``, ``cjk.py``) and :data:`CHECK_VERSION`. A formula with problems is never remembered, so
its problems are reported at every build; a cache that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import cachedir

CHECK_VERSION = 1
FOLDER = "math-checked"
_CHECKING_MODULES = ("mathtex.py", "mathtree.py", "cjk.py")


@lru_cache(maxsize=1)
def _salt() -> str:
    """What every key shares: the check's version, latex2mathml's and the checking modules' source."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{CHECK_VERSION}|{version('latex2mathml')}|".encode())
    here = Path(__file__).parent
    for name in _CHECKING_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _folder() -> Optional[Path]:
    try:
        return cachedir.cache_folder(FOLDER)
    except OSError:
        return None


def _name(tex: str, display: bool) -> Optional[str]:
    try:
        salt = _salt()
    except (OSError, ImportError):          # a missing source file or distribution: no cache
        return None
    return hashlib.sha256(f"{salt}|{int(display)}|{tex}".encode()).hexdigest()[:40]


def known_good(tex: str, display: bool) -> bool:
    """True if the formula ``tex`` (display style if ``display``) passed the check in an earlier build
    with the same checker (a regular file, not a link, under its key)."""
    folder, name = _folder(), _name(tex, display)
    if folder is None or name is None:
        return False
    try:
        return stat.S_ISREG(os.lstat(folder / name).st_mode)
    except OSError:
        return False


def remember_good(tex: str, display: bool) -> None:
    """Remember that ``tex`` (display style if ``display``) has no problems (see :func:`known_good`)."""
    folder, name = _folder(), _name(tex, display)
    if folder is None or name is None:
        return
    try:
        cachedir.write_private(folder, name, b"")
    except OSError:
        pass            # a full or read-only cache only costs time
