"""Code blocks for every writer: highlighting (Pygments), the code theme, and where a block may split.

The handout and the deck set code the same way: each line is a tuple of
:class:`Span` (a colour *category* and its text), coloured from one scheme in
``templates/code/theme.toml`` (project templates first, then the tool's), so
the two outputs agree and the look lives in ``templates/``.

Where a long block may be split (:func:`break_ranks`) follows the rule of issue
11: never inside a statement; before a line at the block's lowest indentation
(a top-level statement) first, preferring one after a blank line, then, when a
top-level statement is itself longer than a page or slide, before a statement
one indentation level deeper, and so on.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .cachedir import cache_folder, read_private, write_private
from .cjk import columns
from .errors import BuildError
from .templating import search_path

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
CACHE_VERSION = 1   # of the cached lexing results (raise it when _CATEGORIES or the file format change)
# Fence languages of notebook and program output: shown as they are, never highlighted.
OUTPUT_LANGUAGES = frozenset({"text", "output", "txt", "plain", "plaintext", "console-output"})
# Pygments token type (by its dotted name, most specific first) → colour category of the theme.
_CATEGORIES = (
    ("Comment", "comment"), ("Literal.String.Doc", "comment"), ("Literal.String", "string"),
    ("Literal.Number", "number"), ("Keyword.Constant", "constant"), ("Keyword", "keyword"),
    ("Operator.Word", "keyword"), ("Name.Builtin.Pseudo", "constant"), ("Name.Builtin", "builtin"),
    ("Name.Function", "function"), ("Name.Class", "function"), ("Name.Decorator", "decorator"),
    ("Name.Exception", "builtin"), ("Generic.Prompt", "keyword"), ("Generic.Error", "error"),
)
# A line ending with one of these continues its statement on the next line (no split after it).
_OPEN_ENDINGS = ("(", "[", "{", ",", "\\", "=")
COMMENTS = ("#", "//", "--", ";")            # a line starting with one of these is a comment line
# A line starting with one of these words continues the statement above it (if/try … else/except).
_CONTINUES = re.compile(r"(else|elif|except|finally|catch)\b")


@dataclass(frozen=True)
class Span:
    """A piece of one code line: ``category`` (a key of the theme's colours, "" for plain text) and ``text``."""

    category: str
    text: str


@dataclass(frozen=True)
class CodeTheme:
    """The code look from ``templates/code/theme.toml``.

    ``colours`` maps category → ``#rrggbb``; ``code``/``output`` hold the
    background and border colours (``#rrggbb`` or "" for none) of code and of
    program output; ``slide_max_pt``/``slide_min_pt`` bound the code size on
    slides (pt); ``slide_line`` is the fixed line pitch on slides as a multiple
    of the size; ``slide_pad_pt`` the panel's margin around code on slides (pt);
    ``page_lines`` is how many handout lines a block may have and
    still be kept on one page; ``piece_lines`` how long a piece of a longer block
    may be before it is split inside (:func:`page_segments`); ``mark_columns`` the width (columns) from which a
    handout line may wrap and so carries the wrap mark.
    """

    colours: dict[str, str]
    code: dict[str, str]
    output: dict[str, str]
    slide_max_pt: float
    slide_min_pt: float
    slide_line: float
    slide_pad_pt: float
    page_lines: int
    mark_columns: int
    piece_lines: int = 10


def code_theme(root: Path) -> CodeTheme:
    """The code theme of project ``root`` (its ``templates/code/theme.toml``, else the tool's).

    Read again when the file changes (``build.py watch`` keeps running while it is edited).

    Raises:
        FileNotFoundError: no theme file in either template folder (a broken installation).
        BuildError: a malformed theme file or a value that is not a ``#rrggbb`` colour.
    """
    for folder in search_path(root):
        path = Path(folder) / "code" / "theme.toml"
        if path.is_file():
            return _read_theme(path, path.stat().st_mtime_ns)
    raise FileNotFoundError("templates/code/theme.toml")


@lru_cache(maxsize=8)
def _read_theme(path: Path, mtime_ns: int) -> CodeTheme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        slides, handout = data["slides"], data["handout"]
        colours = [("colours", k, v) for k, v in data["colours"].items()] + \
            [(part, k, v) for part in ("code", "output") for k, v in data[part].items()]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, AttributeError) as exc:
        raise BuildError(f"{path}: the code theme cannot be read ({type(exc).__name__}: {exc}); "
                         "compare it with templates/code/theme.toml of coursepress") from None
    for part, key, value in colours:
        if not (isinstance(value, str) and _HEX.fullmatch(value)):
            raise BuildError(f'{path}: [{part}] {key} = {value!r} is not a colour; write it as "#rrggbb"')
    return CodeTheme(dict(data["colours"]), dict(data["code"]), dict(data["output"]),
                     float(slides["max_pt"]), float(slides["min_pt"]), float(slides["line"]),
                     float(slides["pad_pt"]), int(handout["page_lines"]), int(handout["mark_columns"]),
                     int(handout.get("piece_lines", CodeTheme.piece_lines)))


def is_output(language: str) -> bool:
    """Whether a fence with info ``language`` holds program or notebook output (not highlighted)."""
    return language.lower() in OUTPUT_LANGUAGES


def known_language(language: str) -> bool:
    """Whether Pygments has a lexer for ``language`` (empty and output languages count as known)."""
    if not language or is_output(language):
        return True
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    try:
        find_lexer_class_by_name(language.lower())
    except ClassNotFound:
        return False
    return True


def _category(token_type) -> str:
    name = str(token_type)[len("Token."):]
    for prefix, category in _CATEGORIES:
        if name == prefix or name.startswith(prefix + "."):
            return category
    return ""


@lru_cache(maxsize=512)
def highlight(text: str, language: str) -> tuple[tuple[Span, ...], ...]:
    """The lines of ``text`` (a code block without its final newline) as spans, one tuple per line.

    ``language`` is the fence's info word; empty, an output language or one
    Pygments does not know gives plain spans (the reader warns about unknown
    ones). Tabs become 4 spaces. Neighbouring spans of one category are merged.
    """
    text = text.rstrip("\n").expandtabs(4)
    pieces: list[tuple[str, str]]
    if known_language(language) and language and not is_output(language):
        from pygments.lexers import get_lexer_by_name

        lexer = get_lexer_by_name(language.lower(), stripnl=False, stripall=False, ensurenl=False)
        pieces = [(_category(t), v) for t, v in lexer.get_tokens(text)]
    else:
        pieces = [("", text)]
    lines: list[list[Span]] = [[]]
    for category, value in pieces:
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if not part:
                continue
            line = lines[-1]
            if line and line[-1].category == category:
                line[-1] = Span(category, line[-1].text + part)
            else:
                line.append(Span(category, part))
    return tuple(tuple(line) for line in lines)


def indent_of(line: str) -> int:
    """Leading spaces of ``line`` (tabs count 4)."""
    line = line.expandtabs(4)
    return len(line) - len(line.lstrip(" "))


def break_ranks(lines: list[str]) -> list[Optional[tuple[int, int]]]:
    """For each line, whether a block may split before it, and how good that place is.

    Returns one entry per line: None where a split is not allowed (the first
    line, blank lines, a line continuing an open bracket or a backslash, the line
    after a decorator, a line that continues the statement above: ``else``,
    ``elif``, ``except``, ``finally``), else ``(depth, not_after_blank)`` where ``depth`` is the
    line's indentation above the block's lowest one: smaller tuples are better
    places (a top-level statement after a blank line is the best).
    """
    ranks: list[Optional[tuple[int, int]]] = []
    base = min((indent_of(s) for s in lines if s.strip()), default=0)
    depth_open = 0
    previous = ""
    blank_before = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        allowed = (index > 0 and stripped and depth_open == 0
                   and not previous.rstrip().endswith(_OPEN_ENDINGS)
                   and not previous.lstrip().startswith("@")
                   and not stripped.startswith((")", "]", "}"))
                   and not _CONTINUES.match(stripped))
        ranks.append((indent_of(line) - base, 0 if blank_before else 1) if allowed else None)
        if stripped:
            code = stripped.split("#", 1)[0] if not stripped.startswith(("'", '"')) else ""
            depth_open = max(0, depth_open + sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}"))
            previous = line
        blank_before = not stripped
    return ranks


@dataclass(frozen=True)
class CodeLine:
    """One source line of a code block: its ``spans`` and its ``indent`` (leading spaces)."""

    spans: tuple[Span, ...]
    indent: int

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def columns(self) -> int:
        """Width in monospace columns: 2 for East Asian wide and full-width characters (UAX #11), else 1."""
        return columns(self.text)


@lru_cache(maxsize=512)
def lex(text: str, language: str) -> tuple[bool, tuple[CodeLine, ...]]:
    """Whether Pygments knows ``language`` (:func:`known_language`) and the highlighted lines of ``text``.

    Kept in memory (the reader calls it while loading, so the writers forked
    after loading reuse it) and in the per-user cache folder, keyed by a hash
    of the text, the language and the Pygments version, so a rebuild does not
    import Pygments' lexers (≈ 0.2 s) again.
    """
    import pygments

    key = hashlib.sha256(f"{CACHE_VERSION}|{pygments.__version__}|{language}|{text}".encode()).hexdigest()[:32]
    try:
        folder: Optional[Path] = cache_folder("code")
    except OSError:
        folder = None
    cached = _read_cache(folder / f"{key}.json") if folder is not None else None
    if cached is not None:
        known, lines = cached
    else:
        known, lines = known_language(language), [list(spans) for spans in highlight(text, language)]
        if folder is not None:
            payload = {"known": known, "lines": [[[s.category, s.text] for s in line] for line in lines]}
            try:
                write_private(folder, f"{key}.json", json.dumps(payload, ensure_ascii=False).encode())
            except OSError:
                pass     # a full or read-only cache only costs time
    return known, tuple(CodeLine(tuple(spans), indent_of("".join(s.text for s in spans))) for spans in lines)


def _read_cache(path: Path) -> Optional[tuple[bool, list[list[Span]]]]:
    """A cached :func:`lex` result, or None when missing or unreadable."""
    try:
        data = json.loads(read_private(path))
        return bool(data["known"]), [[Span(str(c), str(t)) for c, t in line] for line in data["lines"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def code_lines(text: str, language: str) -> tuple[CodeLine, ...]:
    """The highlighted lines of a code block (see :func:`highlight`, :func:`lex`) with their indentation."""
    return lex(text, language)[1]


def page_segments(lines: tuple[CodeLine, ...], piece_lines: int = 0) -> list[tuple[CodeLine, ...]]:
    """``lines`` cut into the pieces a page break may fall between (the handout keeps each piece whole).

    The cuts are the best places :func:`break_ranks` allows: before every line
    of the shallowest depth that allows any, after a blank line where there is
    one at that depth. A piece longer than ``piece_lines`` lines (0: no limit)
    is cut the same way one depth further in (between the methods of a class,
    then between the statements of a body), so a page never ends more than about
    ``piece_lines`` lines early because the next piece does not fit; the head of
    such a piece (``class …:`` and its docstring, a line ending in ``:``, anything
    under 3 lines) stays with what follows it, as a heading stays with its text.
    """
    ranks = break_ranks([line.text for line in lines])
    bounds = _pieces(lines, ranks, 0, len(lines), 0, piece_lines or len(lines), top=True)
    return [lines[a:b] for a, b in bounds if b > a]


def _pieces(lines: tuple[CodeLine, ...], ranks: list[Optional[tuple[int, int]]], start: int, end: int,
            depth: int, limit: int, top: bool = False) -> list[tuple[int, int]]:
    """(start, end) line ranges of ``lines[start:end]`` cut at depth ``depth`` or deeper (see
    :func:`page_segments`); the whole block (``top``) is always cut at its best depth."""
    if not top and end - start <= limit:
        return [(start, end)]
    # a comment line stays with the code it comments
    inner = [(k, rank) for k, rank in enumerate(ranks[start + 1:end], start + 1) if rank is not None
             and rank[0] >= depth and not lines[k - 1].text.lstrip().startswith(COMMENTS)]
    if not inner:
        return [(start, end)]
    best = min(rank[0] for _k, rank in inner)
    after_blank = [k for k, rank in inner if rank == (best, 0)]
    cuts = after_blank or [k for k, rank in inner if rank[0] == best]
    bounds = list(zip([start, *cuts], [*cuts, end]))
    while not top and len(bounds) > 1 and _is_head(lines[bounds[0][0]:bounds[0][1]]):
        bounds[:2] = [(bounds[0][0], bounds[1][1])]
    if len(bounds) == 1 and not top:
        return _pieces(lines, ranks, start, end, best + 1, limit)
    return [piece for a, b in bounds for piece in _pieces(lines, ranks, a, b, best + 1, limit)]


def _is_head(piece: tuple[CodeLine, ...]) -> bool:
    """Whether ``piece`` is too short to end a page on: under 3 non-blank lines, or its last one opens a
    block (``…:``)."""
    text = [line.text.split("#", 1)[0].rstrip() for line in piece if line.text.strip()]
    return len(text) < 3 or text[-1].endswith(":")
