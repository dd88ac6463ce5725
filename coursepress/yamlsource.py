"""YAML loading that keeps a position for every value and avoids YAML's traps.

The text is *composed* (parsed into nodes) by ruamel.yaml, then turned into plain
Python values here with the YAML 1.2 core schema for plain scalars: only
``true``/``false`` are booleans, ``null``/``~``/empty is None, integers and floats
as in YAML 1.2. Everything else, including ``no``, ``on``, ``3.10``-looking
versions when quoted and dates such as ``2024-05-13``, stays a string and is typed
later by the schema, which knows what each field means. Duplicate keys, tabs and
syntax errors become :class:`~coursepress.errors.ContentError` with file and line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .cjk import is_wide
from .errors import ContentError, SourcePos
from .hygiene import check_text, check_value
from .limits import DEFAULTS as LIMITS, over

# YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1032-tag-resolution
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")

Path_ = tuple[Any, ...]
_CORE_TAGS = {"str", "int", "float", "bool", "null", "timestamp", "map", "seq"}    # YAML 1.2 core schema + dates
MAX_NUMBER = 1e15          # larger numbers are typos (or units mixed up); charts and tables cannot show them


@dataclass
class YamlDoc:
    """A loaded YAML document: its value and the position of every value in it.

    ``positions`` maps a path of keys and indexes (``("models", 3, "release")``)
    to the :class:`SourcePos` of that value; the empty path is the document.
    ``key_positions`` does the same for mapping keys, and ``raw`` keeps the text of
    every plain (unquoted) scalar as written, so a string field can take ``3.10``
    as "3.10" rather than the number 3.1.
    """

    value: Any
    file: str
    positions: dict[Path_, SourcePos] = field(default_factory=dict)
    key_positions: dict[Path_, SourcePos] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)

    def pos(self, path: Path_) -> SourcePos:
        """Position of the value at ``path``, or of its closest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), SourcePos(self.file, 1, 1))


def _plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT.match(text):
        try:
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        except ValueError:      # more digits than Python converts (sys.get_int_max_str_digits): keep the text
            return text
    if _FLOAT.match(text):
        return float(text.replace("inf", "Inf").replace("INF", "Inf").replace(".Inf", "inf").replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    return text


def _unfold(value: str) -> str:
    """Folded scalar (``>``): ruamel marks each fold with BEL + space; a fold between
    two CJK characters joins them without a space (Chinese has no word spaces)."""
    parts = value.split("\a")
    out = parts[0]
    for part in parts[1:]:
        rest = part[1:] if part.startswith(" ") else part
        wide = bool(out) and bool(rest) and is_wide(out[-1]) and is_wide(rest[0])
        out += ("" if wide else " ") + rest
    return out.replace("\a", "")


@dataclass(frozen=True)
class _Mark:
    """A 0-based line and column, like ruamel's marks."""

    line: int
    column: int


def _quote_marks(line: str, quote: str) -> list[int]:
    """Columns of the unescaped ``quote`` marks of one YAML line, before a comment."""
    marks, inside, k = [], None, 0
    while k < len(line):
        char = line[k]
        if inside is None and char == "#" and (k == 0 or line[k - 1] in " \t"):
            break
        if char == "\\" and inside == '"':
            k += 2
            continue
        if char in "'\"" and (inside is None or inside == char):
            if inside == "'" and line[k + 1:k + 2] == "'":      # '' is a quote inside single quotes
                k += 2
                continue
            inside = None if inside else char
            if char == quote:
                marks.append(k)
        k += 1
    return marks


def _unclosed_quote_above(text: str, problem_line: int) -> Optional[tuple[int, int]]:
    """(line, column), 0-based, of the nearest quote above ``problem_line`` that is opened and not closed on
    its own line (YAML then reads on to the next quote mark, lines later, and fails there); None if none."""
    lines = text.split("\n")[:problem_line]
    for number in range(len(lines) - 1, -1, -1):
        for quote in ('"', "'"):
            marks = _quote_marks(lines[number], quote)
            if len(marks) % 2:
                return number, marks[-1]
    return None


# ruamel's parser context for an opened bracket or quote → (what to call it, what to do)
_OPENERS = {"flow sequence": ("the list '[' opened", "close the list with ']' on this line"),
            "flow mapping": ("the mapping '{' opened", "close the mapping with '}' on this line"),
            "quoted scalar": ("the quoted text opened", "close the quoted text with the same quote mark")}


def load_yaml(text: str, file: str, line_offset: int = 0, max_depth: int = LIMITS.yaml_depth) -> YamlDoc:
    """Parse ``text`` (one YAML document) into a :class:`YamlDoc`, from :mod:`coursepress.yamlcache` when the
    same text was parsed before (ruamel's position-keeping parser takes ≈ 0.1 s for models.yaml).
    Arguments and errors as :func:`parse_yaml` (errors are never cached: a bad file is parsed again).
    """
    from .yamlcache import cached_doc, remember_doc

    found = cached_doc(text, file, line_offset, max_depth)
    if found is not None:
        return found
    doc = parse_yaml(text, file, line_offset, max_depth)
    remember_doc(text, file, line_offset, max_depth, doc)
    return doc


def parse_yaml(text: str, file: str, line_offset: int = 0, max_depth: int = LIMITS.yaml_depth) -> YamlDoc:
    """Parse ``text`` (one YAML document) into a :class:`YamlDoc`.

    Args:
        text: the YAML source.
        file: the file name to report (relative to the project root).
        line_offset: added to every line number (for front matter inside a Markdown file).
        max_depth: most levels of nested mappings and lists (limit ``yaml_depth``,
            :mod:`coursepress.limits`); checked while composing, before deeper
            nesting can exhaust the parser's recursion.

    Raises:
        ContentError: syntax errors, tabs used for indentation, duplicate keys,
            anchors/aliases (not needed for content, and a way to blow up memory),
            nesting deeper than ``max_depth``.
    """
    doc = YamlDoc(None, file)
    bad = check_text(text, file, line_offset)
    if bad:
        raise bad[0]
    if "\t" in text:
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise ContentError(SourcePos(file, number + line_offset, len(line) - len(stripped) + 1),
                                   "tab character used for indentation", "indent YAML with spaces only")
    def too_deep(line: int, column: int) -> ContentError:
        return over(SourcePos(file, line + line_offset, column), "the nesting of mappings and lists",
                    max_depth + 1, replace(LIMITS, yaml_depth=max_depth), "yaml_depth", "flatten the structure")

    yaml = YAML(typ="rt")
    yaml.max_depth = max_depth + 1          # ruamel counts the scalar at the bottom as a level too
    try:
        node = yaml.compose(text)
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise too_deep(mark.line + 1 if mark else 1, mark.column + 1 if mark else 0) from None
    except RecursionError:                  # an older ruamel without max_depth
        raise too_deep(1, 0) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "check indentation, colons and quotes on this line"
        context = (exc.context or "").strip()
        opener, close = next((v for key, v in _OPENERS.items() if key in context), (None, hint))
        if exc.context_mark is not None and (opener or "<stream end>" in problem) and (
                exc.problem_mark is None or exc.problem_mark.line != exc.context_mark.line):
            # an unclosed bracket or quote: point at where it was opened, not where YAML gave up
            found = f", found at line {exc.problem_mark.line + 1 + line_offset}" if exc.problem_mark else ""
            problem = f"{opener or 'what starts'} here is never closed ({problem}{found})"
            hint, mark = close, exc.context_mark
        if opener is None and exc.problem_mark is not None:
            quote = _unclosed_quote_above(text, exc.problem_mark.line)
            if quote is not None:
                # a quote left open on an earlier line: YAML read on to the next quote mark and gave up here
                problem = (f"the quoted text opened here is never closed on its line (YAML read on to line "
                           f"{exc.problem_mark.line + 1 + line_offset}: {problem})")
                hint = "close the quoted text with the same quote mark on this line"
                mark = _Mark(*quote)
        row = mark.line + 1 + line_offset if mark else 0
        column = mark.column + 1 if mark else 0
        raise ContentError(SourcePos(file, row, column), f"YAML syntax error: {problem}", hint) from None
    except YAMLError as exc:
        raise ContentError(SourcePos(file, 1 + line_offset), f"YAML error: {exc}", "fix the YAML syntax") from None
    if node is None:
        doc.value = None
        doc.positions[()] = SourcePos(file, 1 + line_offset, 1)
        return doc

    def pos_of(n: Any) -> SourcePos:
        return SourcePos(file, n.start_mark.line + 1 + line_offset, n.start_mark.column + 1)

    def build(n: Any, path: Path_, depth: int) -> Any:
        if depth > max_depth:
            raise too_deep(n.start_mark.line + 1, n.start_mark.column + 1)
        doc.positions[path] = pos_of(n)
        if getattr(n, "anchor", None):
            raise ContentError(pos_of(n), "YAML anchors and aliases are not supported in content files",
                               "write the value out in full")
        tag = str(n.tag or "")
        if tag and tag.removeprefix("tag:yaml.org,2002:") not in _CORE_TAGS:
            shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            raise ContentError(pos_of(n), f"YAML tag '{shown}' is not allowed in content files (they hold data: "
                               "text, numbers, dates, lists and mappings; nothing is ever run)",
                               f"remove '{shown}' and write the value itself")
        if isinstance(n, ScalarNode):
            if n.style == '"':
                check_value(n.value, pos_of(n))      # an escape such as "\x07" or "\ud800"
            if n.style == ">":
                return _unfold(n.value)
            if n.style in ("'", '"', "|"):
                return n.value
            doc.raw[path] = n.value
            value = _plain(n.value)
            # NaN and infinity are left to the schema, which names each field's rule
            if isinstance(value, (int, float)) and not isinstance(value, bool) and MAX_NUMBER <= abs(value) < math.inf:
                raise ContentError(pos_of(n), f"the number {n.value} is too large to draw or print "
                                   f"(the limit is {MAX_NUMBER:.0e})", "check the value and its unit")
            return value
        if isinstance(n, SequenceNode):
            return [build(item, path + (i,), depth + 1) for i, item in enumerate(n.value)]
        if isinstance(n, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, ScalarNode):
                    raise ContentError(pos_of(key_node), "mapping keys must be plain strings", "use a simple name as key")
                key = key_node.value
                check_value(key, pos_of(key_node))
                if key in result:
                    first = doc.key_positions[path + (key,)]
                    raise ContentError(pos_of(key_node), f"duplicate key '{key}' (first defined on line {first.line})",
                                       "remove one of the two entries")
                doc.key_positions[path + (key,)] = pos_of(key_node)
                result[key] = build(value_node, path + (key,), depth + 1)
            return result
        raise ContentError(pos_of(n), "unsupported YAML node", "use plain mappings, lists and scalars")

    doc.value = build(node, (), 0)
    return doc
