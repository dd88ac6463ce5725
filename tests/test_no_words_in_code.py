"""The look and the words live in templates/, not in Python (issue 10, item 4).

No ``coursepress/**/*.py`` may hold a Han character or CJK punctuation anywhere
in its text, comments and docstrings included: words an output prints belong in
``templates/locale/*.yaml``; a character the code must recognise is written as a
``\\u`` escape, and documentation describes it in English, by its code point
(U+3001 IDEOGRAPHIC COMMA) or by the catalogue key that holds the word
(``numbering.lecture``). Each file is also read token by token: no string
literal or name may hold a hex colour or a font family name (the look belongs in
``templates/theme.yaml``, the CSS or the reference deck); comments and docstrings
may name those. Only :mod:`coursepress.messages`, the catalogue loader, is
exempt as a whole.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "coursepress"
EXEMPT = {"messages.py"}      # the catalogue loader (relative to coursepress/)

# Han ideographs (CJK Unified Ideographs, Extension A, Compatibility, Extensions B–F and the
# Supplement: Unicode 15 blocks), CJK Symbols and Punctuation and the full-width forms
HAN = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                 "\U00020000-\U0003134f]")
# #rgb / #rrggbb (also #rrggbbaa) in a string, python-pptx colours, and bare six-hex colour strings
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\b|RGBColor\(\s*0x")
BARE_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")


def _families() -> set[str]:
    """Font families the project ships (read from assets/fonts) or that systems commonly have."""
    from fontTools.ttLib import TTFont

    found = {"Calibri", "Cambria", "Arial", "Helvetica", "Times New Roman", "SimSun", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Hiragino Sans GB", "Source Han Sans", "Source Han Serif", "Noto Sans", "Noto Serif",
             "DejaVu Sans", "Liberation Sans", "Courier New", "Consolas", "Menlo", "monospace", "sans-serif"}
    for path in (REPO / "assets" / "fonts").iterdir():
        if path.suffix.lower() in (".otf", ".ttf"):
            font = TTFont(path, lazy=True)
            found |= {str(n) for n in font["name"].names if n.nameID in (1, 16)}
    return found


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def problems(path: Path, families: set[str], shown: str = "") -> list[str]:
    """Every line of ``path`` that holds a Han character or CJK punctuation (code, comment or docstring),
    and every string literal or name (docstrings and comments aside) that holds a hex colour or a font
    family; each problem is named ``shown:line`` (``shown`` defaults to the path relative to the repository)."""
    text = path.read_text(encoding="utf-8")
    docstrings = _docstring_lines(ast.parse(text))
    family = re.compile("|".join(re.escape(f) for f in sorted(families, key=len, reverse=True)))
    name = shown or path.relative_to(REPO).as_posix()
    found = [f"{name}:{number}: Han or CJK punctuation {line.strip()[:40]!r}"
             for number, line in enumerate(text.split("\n"), 1) if HAN.search(line)]
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE) or tok.start[0] in docstrings:
            continue
        where = f"{name}:{tok.start[0]}"
        if tok.type == tokenize.NAME and tok.string == "RGBColor" and HEX_COLOUR.search(tok.line):
            found.append(f"{where}: colour {tok.line.strip()[:40]!r}")
        if tok.type == tokenize.STRING:
            body = tok.string.lstrip("rbuRBUfF").strip("\"'")
            if HEX_COLOUR.search(tok.string) or BARE_HEX.match(body):
                found.append(f"{where}: colour {tok.string[:40]!r}")
            if family.search(tok.string):
                found.append(f"{where}: font family {tok.string[:40]!r}")
    return found


# Colour values that are facts of a file format, not a look: the slides writer resolves a reference deck's
# DrawingML colours (ECMA-376 Part 1 §20.1.2.3: prstClr "white", and black where a colour is missing).
FORMAT_COLOURS = {"coursepress/writers/slides/look.py": {"#000000", "000000", "#ffffff"}}


def _allowed(problem: str) -> bool:
    name = problem.split(":")[0]
    return "colour" in problem and any(f"'\"{c}\"'" in problem for c in FORMAT_COLOURS.get(name, ()))


def test_no_words_colours_or_fonts_in_python() -> None:
    families = _families()
    found = [problem for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE).as_posix() not in EXEMPT
             for problem in problems(path, families) if not _allowed(problem)]
    assert not found, "words or looks in Python (move them to templates/locale or templates/theme.yaml; in a " \
        "comment or docstring, say it in English or as U+XXXX):\n" + "\n".join(found)


@pytest.mark.parametrize("source, kind", [
    ('TITLE = "目录"\n', "Han"), ('SEP = "、"\n', "Han"), ('INK = "#1b1b1b"\n', "colour"),
    ('RED = RGBColor(0xFF, 0, 0)\n', "colour"), ('FILL = "1F4E79"\n', "colour"),
    ('FACE = "Noto Sans CJK SC"\n', "font family"), ('FACE = "Calibri"\n', "font family"),
])
def test_the_scan_finds_each_kind(tmp_path: Path, source: str, kind: str) -> None:
    """The scanner itself: each kind of word or look is caught in code; a docstring or comment may name a
    colour or a font, and may write a Han character as an escape or a code point."""
    probe = tmp_path / "probe.py"
    probe.write_text('"""U+76EE U+5F55 #1b1b1b Calibri in a docstring."""\n'
                     f'# \\u8c22 #fff Calibri in a comment\n{source}', encoding="utf-8")
    found = problems(probe, _families(), "probe.py")
    assert len(found) == 1 and kind in found[0] and found[0].startswith("probe.py:3:"), found


@pytest.mark.parametrize("source, line", [
    ('"""The contents page (目录)."""\nX = 1\n', 1), ('X = 1\n# a heading like 第一章\n', 2),
    ('def f():\n    """Split at the full-width comma\n    (，) too."""\n', 3), ('X = 1   # 、\n', 1),
])
def test_han_is_caught_in_comments_and_docstrings(tmp_path: Path, source: str, line: int) -> None:
    """Han characters and CJK punctuation are caught in comments and docstrings too (issue 10: "a Han
    character" anywhere in a ``.py`` file)."""
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    found = problems(probe, _families(), "probe.py")
    assert len(found) == 1 and "Han" in found[0] and found[0].startswith(f"probe.py:{line}:"), found
