"""The message catalogue: every word an output prints, per language, read from ``templates/locale/``.

``templates/locale/<language>.yaml`` holds the words (目录, 图, 表, 谢谢, axis
titles, units …) as nested mappings; a key is the dotted path to a value
(``deck.agenda``). A value is a string with ``str.format`` fields (``{n}``), or
a list (month names, unit steps). The tool's file for the language is read
first; a project's ``templates/locale/<language>.yaml`` (through the resource
gate) then replaces the keys it names, so a lecturer overrides one word without
copying the rest.

The language is course.yaml's ``language:``: the catalogue is the first of
``<language>.yaml``, ``<primary subtag>.yaml`` (``en-GB`` → ``en``) and
``zh-CN.yaml`` that the tool ships. Python code gets words through one
:class:`Messages` value (:func:`messages_for`); templates through the Jinja
global ``t`` (:mod:`coursepress.templating`).
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from .errors import ContentError, SourcePos

DEFAULT_LANGUAGE = "zh-CN"
FOLDER = "locale"


@dataclass(frozen=True)
class Messages:
    """The words of one language.

    ``language`` is the catalogue's language tag (``zh-CN``, ``en``);
    ``table`` maps dotted keys to strings (``str.format`` patterns), lists or
    whole numbers; ``digest`` names where it came from (the project folder and
    the stamp of its override file). Compared and hashed by language and digest,
    so it can key caches (a Jinja environment per catalogue).
    """

    language: str
    table: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    digest: tuple = field(default=(), repr=False)

    def __call__(self, key: str, /, **values: Any) -> str:
        """The message ``key`` with its ``{fields}`` filled from ``values``; without values, the pattern
        itself (for a caller that fills the fields, as the CSS ``content`` filter does).

        Raises:
            KeyError: an unknown key or a field without a value (a bug in the caller).
        """
        text = self.table[key]
        if not isinstance(text, str):
            raise KeyError(f"message '{key}' is a list, not a string")
        return text.format_map(values) if values else text

    def list(self, key: str) -> tuple:
        """The list value ``key`` (month names, unit steps) as a tuple."""
        value = self.table[key]
        if not isinstance(value, list):
            raise KeyError(f"message '{key}' is not a list")
        return tuple(tuple(v) if isinstance(v, list) else v for v in value)

    def number(self, key: str) -> int:
        """The whole-number value ``key`` (an exponent)."""
        value = self.table[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise KeyError(f"message '{key}' is not a whole number")
        return value

    def has(self, key: str) -> bool:
        """Whether the catalogue holds ``key``."""
        return key in self.table

    def date(self, year: int, month: int | None = None, day: int | None = None) -> str:
        """A calendar date in words: ``date.full``, ``date.month`` or ``date.year`` by what is known
        (zh-CN: 2023 年 3 月 14 日; en: 14 March 2023); ``{month_name}`` from ``date.month_names``."""
        name = self.list("date.month_names")[month - 1] if month and self.has("date.month_names") else ""
        key = "date.full" if month and day else "date.month" if month else "date.year"
        return self(key, year=year, month=month, day=day, month_name=name)

    def numeral(self, n: int) -> str:
        """``n`` (≥ 1) as a part number's numeral: ``numbering.numerals`` chinese (1 → 一, 10 → 十,
        12 → 十二, 23 → 二十三; from 100 on digit by digit, 105 → 一〇五, as years and long numbers
        are written) or arabic (1, 2 …)."""
        if self("numbering.numerals") != "chinese":
            return str(n)
        digits, ten = self("numbering.digits"), self("numbering.ten")
        if n < 10:
            return digits[n]
        if n >= 100:
            return "".join(self("numbering.zero_in_long") if d == "0" else digits[int(d)] for d in str(n))
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")

    @property
    def part_suffix(self) -> str:
        """What follows a part's numeral in its number (zh-CN 、, en .): tells a part number (一、)
        from a chapter-style one (3.1)."""
        return self("numbering.part", numeral="")

    def numbered(self, number: str, text: str, gap: str = " ") -> str:
        """A heading ``text`` after its ``number``: a part number (一、) is followed by
        ``numbering.part_gap``, any other by ``gap``; no number, the text alone."""
        if not number:
            return text
        return number + (self("numbering.part_gap") if number.endswith(self.part_suffix) else gap) + text


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Nested mappings → ``out[dotted.key] = value``."""
    if isinstance(value, dict):
        for k, v in value.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict):
                _flatten(v, key, out)
            else:
                out[key] = v


def _tool_folder() -> Path:
    from .templating import TOOL_ROOT
    return TOOL_ROOT / "templates" / FOLDER


def catalogue_language(language: str) -> str:
    """The shipped catalogue for course.yaml's ``language``: itself, its primary subtag, else zh-CN."""
    folder = _tool_folder()
    for name in (language, language.split("-")[0]):
        if (folder / f"{name}.yaml").is_file():
            return name
    return DEFAULT_LANGUAGE


def _read(file: str, text: str) -> tuple[dict[str, Any], dict[str, SourcePos]]:
    """The YAML ``text`` of ``file`` as (dotted key → value, dotted key → position)."""
    from .yamlsource import load_yaml

    doc = load_yaml(text, file)
    if not isinstance(doc.value, dict):
        raise ContentError(doc.pos(()), f"{file} must be a mapping of keys to values",
                           "copy the tool's file and keep only the keys you change")
    flat: dict[str, Any] = {}
    _flatten(doc.value, "", flat)
    return flat, {key: doc.pos(tuple(key.split("."))) for key in flat}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _merge(base: dict[str, Any], extra: dict[str, Any], positions: dict[str, SourcePos]) -> None:
    """Put the project's values (words, theme settings) over the tool's, each checked against the tool's
    key, kind of value and ``{fields}``."""
    for key, value in extra.items():
        pos = positions[key]
        if key not in base:
            raise ContentError(pos, f"unknown key '{key}'",
                               "use a key of the tool's file of the same name (docs/customising.md, 'Words' and 'Theme')")
        if isinstance(base[key], str):
            if not isinstance(value, str):
                raise ContentError(pos, f"'{key}' must be text", "write the words in quotes")
            try:
                extra_fields = _fields(value)
            except ValueError as exc:
                raise ContentError(pos, f"'{key}' has a broken {{field}} ({exc})",
                                   "write literal braces as {{ and }}") from None
            unknown = extra_fields - _fields(base[key])
            if unknown:
                raise ContentError(pos, f"'{key}' uses {{{sorted(unknown)[0]}}}, which it is not given",
                                   f"use only {', '.join('{' + f + '}' for f in sorted(_fields(base[key]))) or 'no fields'}")
        elif isinstance(base[key], list):
            if not isinstance(value, list) or len(value) != len(base[key]):
                raise ContentError(pos, f"'{key}' must be a list of {len(base[key])} entries",
                                   "keep the shape of the tool's list")
        elif type(value) is not type(base[key]) and not (isinstance(base[key], float) and type(value) is int):
            kind = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(
                type(base[key]).__name__, type(base[key]).__name__)
            raise ContentError(pos, f"'{key}' must be {kind}, as in the tool's file",
                               "keep the kind of value the tool's file has")
        base[key] = value


CACHE_VERSION = 1


@lru_cache(maxsize=8)
def _tool_table(relative: str) -> dict[str, Any]:
    """The tool's own ``templates/<relative>`` as a flat table. Parsing YAML with positions takes
    30–50 ms for the catalogue, so the table is kept as JSON in the private per-user cache
    (:mod:`coursepress.cachedir`, folder "templates") under a key of the file's path, size and mtime;
    a cache that cannot be read or written only costs time."""
    import hashlib
    import json

    from .cachedir import cache_folder, read_private, write_private
    from .templating import TOOL_ROOT

    path = TOOL_ROOT / "templates" / relative
    info = path.stat()
    key = hashlib.sha1(f"{path}|{info.st_size}|{info.st_mtime_ns}|{CACHE_VERSION}".encode()).hexdigest()[:20]
    try:
        folder: Optional[Path] = cache_folder("templates")
    except OSError:
        folder = None
    if folder is not None:
        try:
            cached = json.loads(read_private(folder / f"{key}.json"))
            if isinstance(cached, dict):
                return cached
        except (OSError, ValueError):
            pass
    table, _ = _read(relative, path.read_text(encoding="utf-8"))
    if folder is not None:
        try:
            write_private(folder, f"{key}.json", json.dumps(table, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass
    return table


def layered(root: Optional[Path], relative: str, what: str, project_file: bool) -> dict[str, Any]:
    """The tool's ``templates/<relative>`` YAML as a flat table of dotted keys, with the project's file of
    the same name (read through the resource gate, when ``project_file``) put over it key by key.

    Raises:
        ContentError: the project's file is unreadable, not UTF-8 or not YAML, names a key the
            tool's file lacks or gives a value of another kind (see :func:`_merge`).
    """
    from .limits import DEFAULTS, check_bytes
    from .resources import read_project_file

    table = dict(_tool_table(relative))
    if project_file and root is not None:
        path = root / "templates" / relative
        file = path.relative_to(root).as_posix()
        data = read_project_file(root, path, SourcePos(file), what, DEFAULTS.bytes("data_mb"),
                                 lambda size: check_bytes(SourcePos(file), what, size, DEFAULTS, "data_mb"))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContentError(SourcePos(file), f"the {what} is not UTF-8 text", "save it as UTF-8") from None
        extra, positions = _read(file, text)
        _merge(table, extra, positions)
    return table


def stamp(root: Path, relative: str) -> tuple:
    """What identifies the project's ``templates/<relative>`` for caching: (mtime, size), or () if absent
    or if it is the tool's own file (the tool's source checkout as the project)."""
    from .templating import TOOL_ROOT

    path = root / "templates" / relative
    if os.path.realpath(path) == os.path.realpath(TOOL_ROOT / "templates" / relative):
        return ()
    if path.exists() or path.is_symlink():
        info = path.lstat()
        return (info.st_mtime_ns, info.st_size)
    return ()


@lru_cache(maxsize=16)
def _load(root: Optional[Path], language: str, project_file: tuple) -> Messages:
    name = catalogue_language(language)
    table = layered(root, f"{FOLDER}/{name}.yaml", "message catalogue", bool(project_file))
    return Messages(name, table, (str(root),) + project_file)


def default_messages() -> Messages:
    """The tool's own catalogue of the default language (zh-CN), without project overrides."""
    return _load(None, DEFAULT_LANGUAGE, ())


def messages_for(root: Path, language: str) -> Messages:
    """The catalogue of ``language`` for the project at ``root`` (cached per process).

    Args:
        root: the project folder; its ``templates/locale/<catalogue>.yaml``, if any, overrides keys.
        language: course.yaml's ``language`` (``zh-CN``, ``en``, ``en-GB`` …).

    Raises:
        ContentError: the project's catalogue is unreadable, not YAML, names an
            unknown key, gives a list where a word is expected, or uses a
            ``{field}`` its message is not given.
    """
    return _load(root, language, stamp(root, f"{FOLDER}/{catalogue_language(language)}.yaml"))


@lru_cache(maxsize=1)
def layout_names() -> dict[str, tuple[str, ...]]:
    """Role → the layout names a reference deck's layouts go by (PowerPoint's, WPS's, LibreOffice's, in
    English and Simplified Chinese), from the tool's ``templates/deck/layout-names.yaml``."""
    from .templating import TOOL_ROOT
    from .yamlsource import load_yaml

    path = TOOL_ROOT / "templates" / "deck" / "layout-names.yaml"
    doc = load_yaml(path.read_text(encoding="utf-8"), "templates/deck/layout-names.yaml")
    return {str(role): tuple(str(n) for n in names) for role, names in doc.value.items()}
