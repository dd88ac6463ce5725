"""Hand-edit protection: an output changed since the build wrote it is kept, never overwritten.

The state file (see :mod:`coursepress.pipeline`) records, under the key
``outputs``, the SHA-256 of each output file as written. Before a build puts a
new file in place, :func:`keep_edited` compares the file on disk with that hash;
when they differ (a lecturer polished ``dist/x.pptx`` in PowerPoint), the edited
file is renamed to ``x.edited-YYYYMMDD-HHMMSS.pptx`` beside it (the time is the
edited file's modification time) and the build says so. A folder output (the
HTML handout, ``html/``) is compared by a hash over all its files, so a page
edited, or a file added or removed, keeps the whole folder as
``html.edited-YYYYMMDD-HHMMSS``. This holds with
``--force`` and in ``watch``. If the edited file cannot be renamed (a read-only
folder), :class:`~coursepress.errors.BuildError` stops the build before anything
is overwritten.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import Optional

from .errors import BuildError

HASHES = "outputs"        # state key: output file name → SHA-256 hex of the file as written


def file_hash(path: Path) -> str:
    """SHA-256 (hex) of the file at ``path``, read in 1 MiB blocks; of a folder output (the HTML handout),
    a SHA-256 over every file in it, by relative path and content (a file edited, added or removed changes it)."""
    if path.is_dir() and not path.is_symlink():
        tree = hashlib.sha256()
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                entry = Path(folder) / name
                if entry.is_file() and not entry.is_symlink():
                    tree.update(f"{entry.relative_to(path).as_posix()}\0{file_hash(entry)}\n".encode())
        return tree.hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_output(state: dict, path: Path) -> None:
    """Remember the hash of ``path`` (an output just put in place) in ``state``."""
    hashes = state.get(HASHES)
    if not isinstance(hashes, dict):
        hashes = state[HASHES] = {}
    hashes[path.name] = file_hash(path)


def forget_output(state: dict, path: Path) -> None:
    """Drop the recorded hash of ``path`` (its output was removed)."""
    hashes = state.get(HASHES)
    if isinstance(hashes, dict):
        hashes.pop(path.name, None)


def edited(state: dict, path: Path) -> bool:
    """True if ``path`` exists and differs from the file the build recorded writing there.

    An output with no recorded hash (written before this check existed) counts as not edited.
    """
    hashes = state.get(HASHES)
    recorded = hashes.get(path.name) if isinstance(hashes, dict) else None
    present = path.is_file() or (path.is_dir() and not path.is_symlink())
    return recorded is not None and present and file_hash(path) != recorded


def edited_name(path: Path) -> Path:
    """``NAME.edited-YYYYMMDD-HHMMSS.EXT`` beside ``path`` (its modification time, local); ``-2``, ``-3`` … if taken."""
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.edited-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def keep_edited(state: dict, path: Path) -> Optional[Path]:
    """If ``path`` was edited by hand, rename it to :func:`edited_name`; returns the new path, or None.

    Raises:
        BuildError: the edited file cannot be renamed (read-only folder …); nothing was overwritten.
    """
    if not edited(state, path):
        return None
    copy = edited_name(path)
    try:
        os.rename(path, copy)
    except OSError as exc:
        raise BuildError(f"{path} was changed since coursepress wrote it, and the edited file cannot be kept "
                         f"as {copy.name} ({exc.strerror}); nothing was overwritten. Make the folder writable "
                         f"or move your edited file elsewhere, then build again") from None
    forget_output(state, path)
    return copy
