"""Content hashes of the files a build depends on, with a cache that cannot go stale.

Fingerprints hash file *contents*: a file replaced by another of the same
size with the old time stamp (``cp -p``, ``touch -r``, a restored backup) is
seen as changed. Hashing the shipped fonts (≈ 35 MB) on every no-op build
would cost ≈ 0.07 s, so each digest is kept in ``<out>/.coursepress-hashes.json``
(written when a build commits outputs; a no-op build writes nothing)
keyed by the file's inode, size, modification *and change* time: the change
time (``st_ctime``) is set by the kernel on every write, rename or ``utime``
and cannot be set back by any user tool, so a file ``cp -p`` replaced has a
new one. As in git's "racy clean" rule, a digest is not kept for a file
changed less than two seconds before it was hashed (a write in the same
clock tick would keep the same times).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from .output import atomic_write

CACHE_FILE = ".coursepress-hashes.json"
RACY_S = 2.0


class FileHashes:
    """SHA-256 digests (hex) of files, cached in ``out_dir`` (None: no cache)."""

    def __init__(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self._cache: dict[str, list] = {}
        self._dirty = False
        if out_dir is not None:
            try:
                cache = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
                if isinstance(cache, dict):
                    self._cache = cache
            except (OSError, ValueError):
                pass

    def digest(self, path: Path) -> str:
        """SHA-256 of the bytes of ``path`` (hex).

        Raises:
            OSError: the file cannot be read.
        """
        stat = path.stat()
        key = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        entry = self._cache.get(str(path))
        if isinstance(entry, list) and entry[:4] == key and len(entry) == 5:
            return entry[4]
        value = hashlib.sha256(path.read_bytes()).hexdigest()
        if time.time() - max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9 > RACY_S:
            self._cache[str(path)] = key + [value]
            self._dirty = True
        return value

    def save(self) -> None:
        """Write the cache if it changed and the output folder exists; a failure to write is harmless."""
        if not self._dirty or self.out_dir is None or not self.out_dir.is_dir():
            return
        try:
            atomic_write(self.out_dir / CACHE_FILE, json.dumps(self._cache, separators=(",", ":")).encode())
            self._dirty = False
        except OSError:
            pass


def hash_tree(digest, hashes: FileHashes, folders: list[Path], skip=lambda path: False, pattern: str = "*") -> None:
    """Feed each file under ``folders`` (sorted; matching ``pattern``; not ``skip``ped) into ``digest``
    as its path and content hash. Unreadable files (a symlink loop, no permission) feed a marker
    instead, so the build itself reports them."""
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(_files(folder, pattern)):
            if skip(path):
                continue
            try:
                value = hashes.digest(path)
            except OSError as exc:
                value = f"unreadable:{exc.errno}"
            digest.update(f"{path}:{value}\n".encode("utf-8", "surrogateescape"))


def _files(folder: Path, pattern: str) -> list[Path]:
    found = []
    for path in folder.rglob(pattern):
        try:
            if path.is_file():
                found.append(path)
        except OSError:                     # a symlink loop: is_file() raises ELOOP on some Pythons
            found.append(path)
    return found
