"""Parsed lectures kept across ``watch`` rounds: a save re-reads only the lecture that changed (issue 20).

A lecture's document model depends on its own Markdown file and on what reading it consults: course.yaml,
the model data, the bibliography, included files and images (all under ``content/``), and the words and
theme under ``templates/`` (and pictures a lecture may take from ``assets/``). :func:`read_kept` keeps each
lecture read in a round, with the warnings its reading gave, under a key made of the lecture file's bytes
and a digest of every other file in those three folders (:func:`context_digest`; each file hashed again only
when its size or times change). A later round whose key is equal takes the kept lecture (the model is
frozen) and repeats its warnings; any other round reads the lecture again. A lecture whose reading gave an
error is never kept, and a load with errors keeps none (:func:`forget_after_errors`).

Other lectures' Markdown files are not in the key: reading a lecture never consults another lecture (a
change there re-reads only that one), as the up-to-date check of :mod:`coursepress.stamps` also assumes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Optional

from .errors import Problems
from .layout import ASSETS, CONTENT, LECTURES, TEMPLATES
from .model import Lecture

KEPT = "lectures"            # the keys used in the caller's ``parsed`` dict
DIGESTS = "file digests"


def _digest(path: Path, memo: dict) -> str:
    """SHA-256 of the file at ``path``, from ``memo`` while its inode, size and times are unchanged."""
    info = path.stat()
    key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    entry = memo.get(path)
    if entry is None or entry[0] != key:
        entry = (key, hashlib.sha256(path.read_bytes()).hexdigest())
        memo[path] = entry
    return entry[1]


def context_digest(root: Path, parsed: dict) -> str:
    """Digest of every file under ``content/``, ``templates/`` and ``assets/`` of ``root`` but the lecture
    files themselves (``content/lectures/*.md``): path and content. Unreadable files count as a marker."""
    memo = parsed.setdefault(DIGESTS, {})
    lectures = root / LECTURES
    digest = hashlib.sha256()
    for folder in (root / CONTENT, root / TEMPLATES, root / ASSETS):
        for base, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = Path(base) / name
                if path.parent == lectures and path.suffix == ".md":
                    continue
                try:
                    value = _digest(path, memo)
                except OSError as exc:
                    value = f"unreadable:{exc.errno}"
                digest.update(f"{path}:{value}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def read_kept(path: Path, context: str, parsed: Optional[dict], problems: Problems,
              read: Callable[[], Optional[Lecture]]) -> Optional[Lecture]:
    """The lecture at ``path``: kept in ``parsed`` from an earlier round when its file's bytes and
    ``context`` (:func:`context_digest`) are unchanged, else ``read()`` (and kept if that added no error
    to ``problems``). ``parsed`` None: always ``read()``. Raises what ``read`` raises."""
    if parsed is None:
        return read()
    try:
        key = hashlib.sha256(path.read_bytes() + context.encode()).hexdigest()
    except OSError:
        return read()                       # the reader reports the file
    kept = parsed.setdefault(KEPT, {})
    entry = kept.get(path)
    if entry is not None and entry[0] == key:
        problems.warnings.extend(entry[2])
        return entry[1]
    warnings, errors = len(problems.warnings), len(problems.errors)
    kept.pop(path, None)
    lecture = read()
    if lecture is not None and len(problems.errors) == errors:
        kept[path] = (key, lecture, list(problems.warnings[warnings:]))
    return lecture


def forget_after_errors(parsed: Optional[dict], problems: Problems) -> None:
    """Drop every kept lecture when the load has errors: some are found only after a lecture was read and
    kept (an image decoded on a thread, :mod:`coursepress.imagecheck`), and must be found again next round."""
    if parsed is not None and problems.errors:
        parsed.pop(KEPT, None)


def forget_gone(parsed: Optional[dict], paths: list[Path]) -> None:
    """Drop the kept lectures whose file is not among ``paths`` (the lecture files this round read): a
    deleted or renamed lecture's model (with the bytes of its pictures) is not held for the rest of a watch."""
    kept = parsed.get(KEPT) if parsed is not None else None
    if kept:
        for path in set(kept) - set(paths):
            del kept[path]
