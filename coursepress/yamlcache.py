"""Parsed YAML documents kept in the private per-user cache, so an unchanged file is not parsed again.

:func:`coursepress.yamlsource.load_yaml` keeps line and column of every value
(ruamel's round-trip composer and our walk over its nodes): ≈ 0.1 s for the
course's models.yaml, paid by every cold build and every build process. The
:class:`~coursepress.yamlsource.YamlDoc` of a successful parse is pickled into
:func:`coursepress.cachedir.cache_folder` ``"yaml"`` (0700, owner checked,
read without following links: the same trust as the compiled templates
there), keyed by the SHA-256 of the text, the file name, the line offset, the
depth limit, ruamel.yaml's version and the source of the parser modules (an
edited yamlsource.py parses again). Errors are never cached; a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .cachedir import cache_folder, read_private, write_private

if TYPE_CHECKING:
    from .yamlsource import YamlDoc

CACHE_NAME = "yaml"


@lru_cache(maxsize=1)
def _parser_version() -> str:
    """ruamel.yaml's version and the SHA-256 of yamlsource.py and this module: an edited parser parses again."""
    from ruamel.yaml import __version__ as ruamel_version

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("yamlsource.py", "yamlcache.py"):
        digest.update((here / name).read_bytes())
    return f"{ruamel_version}:{digest.hexdigest()}"


def _key(text: str, file: str, line_offset: int, max_depth: int) -> str:
    digest = hashlib.sha256()
    for part in (_parser_version(), file, str(line_offset), str(max_depth), text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def cached_doc(text: str, file: str, line_offset: int, max_depth: int) -> Optional[YamlDoc]:
    """The document parsed before from exactly this ``text`` with these arguments, or None."""
    from .yamlsource import YamlDoc

    try:
        doc = pickle.loads(read_private(cache_folder(CACHE_NAME) / _key(text, file, line_offset, max_depth)))
    except Exception:       # noqa: BLE001 — a miss, a planted link (never followed), a damaged entry
        return None
    return doc if isinstance(doc, YamlDoc) else None


def remember_doc(text: str, file: str, line_offset: int, max_depth: int, doc: YamlDoc) -> None:
    """Keep ``doc``, parsed from ``text``; a cache that cannot be written is skipped."""
    try:
        data = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
        write_private(cache_folder(CACHE_NAME), _key(text, file, line_offset, max_depth), data)
    except Exception:       # noqa: BLE001 — an unpicklable value or no writable folder: parsed again next time
        pass
