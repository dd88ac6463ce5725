"""Errors with source positions, reported to people rather than as tracebacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


QUOTE_CHARS = 40        # characters of the author's text a message quotes before shortening it


def excerpt(text: str, limit: int = QUOTE_CHARS) -> str:
    """The author's ``text`` as a message quotes it: whole when at most ``limit`` characters, else its
    first characters up to a TeX command, space or brace boundary near ``limit`` and an ellipsis
    U+2026. Nothing is added but the ellipsis (no closing ``$`` or quote the author did not type)."""
    text = " ".join(text.split()) if "\n" in text else text
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind("\\"), head.rfind(" "), head.rfind("}") + 1, head.rfind("{") + 1)
    if cut >= limit * 2 // 3:
        head = head[:cut]
    return head.rstrip() + "\u2026"


@dataclass(frozen=True)
class SourcePos:
    """A position in a content file.

    ``file`` is the path relative to the project root (POSIX form), ``line`` and
    ``column`` are 1-based; 0 means "unknown".
    """

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        parts = [self.file]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


class ContentError(Exception):
    """One problem in the content, with where it is and what to do.

    Args:
        pos: where the problem is (file, line, column).
        message: what is wrong, in one sentence.
        hint: what to do about it (optional).
    """

    def __init__(self, pos: SourcePos, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.hint = hint

    def __reduce__(self):
        # rebuilt from its fields when it crosses from a build worker process (pickle)
        return (type(self), (self.pos, self.message, self.hint))

    def __str__(self) -> str:
        text = f"{self.pos}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class ContentErrors(Exception):
    """Several :class:`ContentError` collected during one load, reported together.

    ``warnings`` are the warnings of the same run, shown with the errors so one
    run reports every problem (a failed build prints them too).
    """

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] | None = None) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
        self.warnings = list(warnings or [])

    def __reduce__(self):
        return (type(self), (self.errors, self.warnings))


class BuildError(Exception):
    """A problem that is not in one content file (a missing layout, a page overflow …).

    The message is written for the person running the build.
    """


class Problems:
    """Collects errors and warnings of one load so they can be reported together.

    ``strict`` turns warnings into errors (``--strict``).
    """

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def error(self, pos: SourcePos, message: str, hint: str = "") -> None:
        """Record an error at ``pos``."""
        self.errors.append(ContentError(pos, message, hint))

    def warn(self, pos: SourcePos, message: str, hint: str = "") -> None:
        """Record a warning at ``pos`` (an error under ``--strict``)."""
        target = self.errors if self.strict else self.warnings
        target.append(ContentError(pos, message, hint))

    def raise_if_any(self) -> None:
        """Raise :class:`ContentErrors` if any error was recorded."""
        if self.errors:
            raise ContentErrors(list(self.errors), list(self.warnings))


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as a POSIX string (or the absolute path if outside)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class InternalError(BuildError):
    """A bug: an exception no check foresaw, named with the file being processed.

    ``detail`` is the formatted traceback (shown with ``-v``); it survives the
    trip back from a build process, where the traceback object does not.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail

    def __reduce__(self):
        return (type(self), (str(self), self.detail))


def internal_error(exc: BaseException, processing: str) -> InternalError:
    """An :class:`InternalError` for ``exc`` raised while ``processing`` (a file, and what of it)."""
    import traceback

    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return InternalError(f"internal error: {type(exc).__name__}: {exc} while processing {processing}; "
                         "this is a bug, please report it with this message (run with -v for details)", detail)


_POSITION = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+)(?::(?P<column>\d+))?: ")


def ordered_warnings(warnings) -> list[str]:
    """Each distinct warning of ``warnings`` (ContentErrors or strings) once, sorted by file, line and column.

    Warnings without a ``file:line`` position (a whole-project note) come first, in the order given. Several
    outputs planned from one lecture (deck, slides, notes) find the same problem; a run reports it once.
    """
    def key(text: str) -> tuple[str, int, int]:
        found = _POSITION.match(text)
        if found is None:
            return ("", 0, 0)
        return (found["file"], int(found["line"]), int(found["column"] or 0))

    return sorted(dict.fromkeys(str(w) for w in warnings), key=key)


def position_file(text: str) -> str:
    """The file of a printed problem ``file[:line[:column]]: message`` ("" when it names none)."""
    found = _POSITION.match(text) or re.match(r"^(?P<file>[^\s:]+\.\w+): ", text)
    return found["file"] if found else ""
