"""Text hygiene at the door: characters no output can hold are refused where they are written.

XML 1.0 (§2.2 Char) excludes the C0 control characters other than tab, line
feed and carriage return, the surrogate code points U+D800–U+DFFF and the
non-characters U+FFFE and U+FFFF. A deck (XML inside a ZIP) cannot hold them,
PDF text extraction garbles them, and a reader cannot see them in an editor.
They are refused at their file:line:column in every source (YAML values,
front matter, Markdown), before any writer sees them. The same module turns
undecodable UTF-8 into an error at the line and column of the first bad byte.

One exception: terminal colour and cursor codes (ECMA-48 control sequences, ``ESC [ … m``), which
``jupyter nbconvert --to markdown`` leaves in a notebook's outputs (every traceback is coloured). They
are the terminal's styling, not text: :func:`strip_terminal_codes` removes them from a lecture before the
check, so an exported notebook builds; a lone ESC is still refused.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ContentError, SourcePos

BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# ECMA-48 section 5.4: CSI (ESC [), parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, a final byte.
TERMINAL_CODE = re.compile("\x1b\\[[0-?]*[ -/]*[@-~]")
MAX_REPORTED = 20          # per file: enough to find a pattern, not a wall of text

_NAMES = {0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape", 0x00: "NUL", 0x07: "bell", 0x08: "backspace"}


def describe(char: str) -> str:
    """``U+0007 (bell)``-style name of a refused character."""
    code = ord(char)
    name = _NAMES.get(code) or ("a lone surrogate" if 0xD800 <= code <= 0xDFFF else
                                "a non-character" if code in (0xFFFE, 0xFFFF) else
                                unicodedata.name(char, "a control character").lower())
    return f"U+{code:04X} ({name})"


def strip_terminal_codes(text: str) -> str:
    """``text`` without its terminal control sequences (:data:`TERMINAL_CODE`); lines stay where they were."""
    return TERMINAL_CODE.sub("", text) if "\x1b" in text else text


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]`` (column in characters)."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_text(text: str, file: str, line_offset: int = 0) -> list[ContentError]:
    """Errors for each refused character in ``text`` (at most :data:`MAX_REPORTED`), each at its position.

    ``line_offset`` is added to line numbers (text that starts inside a file).
    """
    errors = []
    for match in BAD_CHARS.finditer(text):
        line, column = line_col(text, match.start())
        errors.append(ContentError(SourcePos(file, line + line_offset, column),
                                   f"invisible character {describe(match.group())} cannot be printed in a handout "
                                   "or deck (XML forbids it)",
                                   "delete it (an editor's 'show invisibles' mode shows where it is)"))
        if len(errors) == MAX_REPORTED:
            break
    return errors


def check_value(value: str, pos: SourcePos) -> None:
    """Refuse a refused character in one parsed value (e.g. made by a YAML escape such as ``"\\x07"``).

    Raises:
        ContentError: at ``pos`` (where the value is written).
    """
    match = BAD_CHARS.search(value)
    if match:
        raise ContentError(pos, f"this text holds {describe(match.group())}, which cannot be printed in a handout "
                                "or deck (XML forbids it)", "remove the escape sequence that makes it")


def decode(data: bytes, file: str) -> str:
    """``data`` as UTF-8 (a leading byte-order mark is kept for the parser to skip).

    Raises:
        ContentError: at the line and column of the first byte that is not UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[:exc.start].decode("utf-8")
        line, column = line_col(good + "?", len(good))
        raise ContentError(SourcePos(file, line, column),
                           f"file is not UTF-8 text (byte 0x{data[exc.start]:02X}: {exc.reason})",
                           "save the file as UTF-8 (most editors: 'Save with encoding')") from None
