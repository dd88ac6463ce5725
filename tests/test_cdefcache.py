"""Issue 20: cffi's parse of C declarations is kept between builds (coursepress.cdefcache through
patches.cached_cdefs) and used only for the same declarations, parse options and cffi. In process, with
a private cache folder; cffi's own parser is counted to see whether it ran."""

from __future__ import annotations

import pytest
from cffi import FFI, cparser

from coursepress import cdefcache, patches

DECLARATIONS = "typedef struct { int a; double b; } pair_t; enum colour { RED = 2, BLUE = 7 }; int abs(int);"


@pytest.fixture
def parsed(tmp_path, monkeypatch) -> list[str]:
    """The declarations cffi really parsed (in order), with the per-user cache under ``tmp_path``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    texts: list[str] = []
    upstream = cparser.Parser._internal_parse

    def counting(self, csource):
        texts.append(csource)
        upstream(self, csource)

    monkeypatch.setattr(cparser.Parser, "_internal_parse", counting)
    cdefcache._salt.cache_clear()
    yield texts
    cdefcache._salt.cache_clear()


def declared(text: str, **options) -> FFI:
    """A new FFI given ``text`` under :func:`patches.cached_cdefs`."""
    ffi = FFI()
    with patches.cached_cdefs():
        ffi.cdef(text, **options)
    return ffi


def kept_files(tmp_path) -> list:
    return sorted((tmp_path / "cache/coursepress" / cdefcache.FOLDER).iterdir())


def test_declarations_parsed_once_are_taken_from_the_cache_and_work(parsed, tmp_path):
    first = declared(DECLARATIONS)
    assert parsed == [DECLARATIONS] and len(kept_files(tmp_path)) == 1
    second = declared(DECLARATIONS)
    assert parsed == [DECLARATIONS]                      # not parsed again
    assert second.sizeof("pair_t") == first.sizeof("pair_t") == 16
    assert second.dlopen(None).BLUE == 7
    pair = second.new("pair_t *", {"a": 3, "b": 0.5})
    assert (pair.a, pair.b) == (3, 0.5)
    assert second.dlopen(None).abs(-4) == 4              # functions resolve from the kept declarations


def test_changed_declarations_or_options_are_parsed_again(parsed, tmp_path):
    declared(DECLARATIONS)
    changed = DECLARATIONS.replace("BLUE = 7", "BLUE = 8")
    assert declared(changed).dlopen(None).BLUE == 8
    declared(DECLARATIONS, packed=True)
    assert declared(DECLARATIONS, packed=True).sizeof("pair_t") == 12
    assert parsed == [DECLARATIONS, changed, DECLARATIONS]
    assert len(kept_files(tmp_path)) == 3


def test_another_cffi_version_parses_again(parsed, monkeypatch):
    import cffi

    declared(DECLARATIONS)
    ffi = FFI()                                          # FFI() itself refuses a version that is not its own
    monkeypatch.setattr(cffi, "__version__", cffi.__version__ + ".post1")
    cdefcache._salt.cache_clear()
    with patches.cached_cdefs():
        ffi.cdef(DECLARATIONS)
    assert parsed == [DECLARATIONS, DECLARATIONS]


def test_a_damaged_cache_file_is_a_miss_and_a_second_cdef_is_never_cached(parsed, tmp_path):
    declared(DECLARATIONS)
    (kept,) = kept_files(tmp_path)
    kept.write_bytes(kept.read_bytes()[:50])             # truncated
    assert declared(DECLARATIONS).dlopen(None).RED == 2
    ffi = declared(DECLARATIONS)                          # rewritten by the parse above: a hit
    with patches.cached_cdefs():
        ffi.cdef("int labs_twice(int);")                 # the parser holds declarations: parsed, not cached
    assert parsed == [DECLARATIONS, DECLARATIONS, "int labs_twice(int);"]
    assert len(kept_files(tmp_path)) == 1
