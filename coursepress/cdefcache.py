"""WeasyPrint's C declarations parsed once and kept between builds (issue 20).

WeasyPrint 70 uses cffi's in-line ABI mode (``weasyprint/text/ffi.py``): at every import, ``ffi.cdef``
parses 16 kB of C declarations for Pango, HarfBuzz, fontconfig and GObject with pycparser: ≈ 25 ms of
CPU in each cold build that makes a PDF, besides ≈ 12 ms importing pycparser (2026-11-30). cffi's
own way around that, out-of-line ABI mode (a module generated from the declarations ahead of time), is a
choice WeasyPrint would have to make; cffi offers no cache for in-line mode.

So the parser's result is kept: what :meth:`cffi.cparser.Parser._internal_parse` leaves in a fresh
parser (its declarations, the integer constants, the types still to complete: cffi's own model objects)
is pickled into the private per-user cache (``cffi-cdefs`` in :mod:`coursepress.cachedir`) under a
SHA-256 key of everything the result depends on: the declarations' text, the parse options, the source
of cffi's ``cparser.py`` and ``model.py`` and of pycparser's ``__init__.py`` (which holds its version),
the Python version and :data:`FORMAT`. A later parse of the same text by a fresh parser takes the kept
result (≈ 1 ms; pycparser itself is still imported, by cffi's ``cparser`` module). A parser that has
declarations already, a file that cannot be read or unpickled, or one that is not what this module wrote
is a miss: cffi parses as usual. The folder is private to the user (0700), so the pickle read back is
one this user's builds wrote.
The patch that routes cffi through here is :func:`coursepress.patches.cached_cdefs`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from . import cachedir

FORMAT = 1
FOLDER = "cffi-cdefs"
# What a cffi 2.x Parser holds after parsing (cparser.Parser.__init__ sets each; _structnode2type maps the
# parse's own syntax-tree nodes weakly and is empty once they are gone; _options is restored by parse()).
STATE = ("_declarations", "_included_declarations", "_anonymous_counter", "_int_constants", "_recomplete",
         "_uses_new_feature")


@lru_cache(maxsize=1)
def _salt() -> Optional[bytes]:
    """What every key shares (see the module text); None when a source file cannot be found or read."""
    import cffi

    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}|{cffi.__version__}|".encode())
    try:
        here = Path(cffi.__file__).parent
        sources = [here / "cparser.py", here / "model.py"]
        spec = importlib.util.find_spec("pycparser")
        if spec is None or spec.origin is None:
            return None
        sources.append(Path(spec.origin))
        for path in sources:
            digest.update(path.read_bytes())
    except (OSError, ImportError, ValueError):
        return None
    return digest.digest()


def key(csource: str, options: dict) -> Optional[str]:
    """The cache key of parsing ``csource`` with the parser options ``options`` (override, packed,
    dllexport), as 40 hex digits; None when no key can be made (no cache then)."""
    salt = _salt()
    if salt is None:
        return None
    text = f"{sorted(options.items())!r}|{csource}"
    return hashlib.sha256(salt + text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def fresh(parser: Any) -> bool:
    """Whether ``parser`` (a ``cffi.cparser.Parser``) has parsed nothing yet: only then is a kept result
    the whole truth about it."""
    return not (parser._declarations or parser._included_declarations or parser._int_constants
                or parser._recomplete or parser._anonymous_counter)


def _folder() -> Optional[Path]:
    try:
        return cachedir.cache_folder(FOLDER)
    except OSError:
        return None


def restore(parser: Any, name: str) -> bool:
    """Put the kept result ``name`` (a :func:`key`) into the fresh ``parser``; False (parser untouched) on a miss."""
    folder = _folder()
    if folder is None:
        return False
    try:
        state = pickle.loads(cachedir.read_private(folder / name))
    except Exception:                   # noqa: BLE001 — missing, unreadable, truncated, another format: a miss
        return False
    if not isinstance(state, dict) or set(state) != set(STATE):
        return False
    for attribute in STATE:
        setattr(parser, attribute, state[attribute])
    return True


def keep(parser: Any, name: str) -> None:
    """Keep what ``parser`` holds after its first parse under ``name``; a cache that cannot be written is
    left alone (the next build parses again)."""
    folder = _folder()
    if folder is None:
        return
    try:
        data = pickle.dumps({attribute: getattr(parser, attribute) for attribute in STATE},
                            protocol=pickle.HIGHEST_PROTOCOL)
        cachedir.write_private(folder, name, data)
    except Exception:                   # noqa: BLE001 — an object that does not pickle, a full disk: no cache
        pass
