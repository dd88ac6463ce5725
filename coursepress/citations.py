"""Citations: Pandoc's ``[@key]``, ``[@key, p. 12]``, ``[@a; @b]`` syntax and their numbers.

:func:`citation_plugin` adds a markdown-it inline rule (before ``link``) that
turns a bracketed list of ``@key`` items into one ``citation`` token whose
``meta["items"]`` is a list of ``(key, locator)`` pairs. Anything else in
brackets (links, footnotes, ``[see @a]`` with a prefix) is left to the other rules.

:class:`Citer` numbers the entries of one lecture in citation order (a key
cited again keeps its number), the numeric system of GB/T 7714-2015 §10.1
(sequential numbering), and makes the label printed in the text: ``[1]``, ``[1,3]``,
``[2-4]`` (three or more consecutive numbers), and a locator after the
brackets in superscript, ``[2]¹²`` (§10.1.3: the cited page outside the brackets).
"""

from __future__ import annotations

import difflib
import re
from typing import Optional

from . import model as m
from .errors import Problems, SourcePos

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation :.#$%&-+?<>~/
_KEY = r"\w(?:[\w:.#$%&\-+?<>~/]*\w)?"      # trailing punctuation is not part of the key
_ITEM = re.compile(rf"^\s*@({_KEY})\s*(?:,\s*(.*?))?\s*$", re.S)
_SUPERSCRIPT = str.maketrans("0123456789-–", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")


def parse_citation(inner: str) -> Optional[list[tuple[str, str]]]:
    """``@a, p. 12; @b`` → ``[("a", "p. 12"), ("b", "")]``; None if ``inner`` is not a citation."""
    if "@" not in inner or "[" in inner or "]" in inner:
        return None
    items = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if not match or not match.group(1):
            return None
        items.append((match.group(1), (match.group(2) or "").strip()))
    return items


def _citation_rule(state, silent: bool) -> bool:
    start = state.pos
    if state.src[start] != "[" or start + 1 >= state.posMax or state.src[start + 1] != "@":
        return False
    end = state.src.find("]", start + 1, state.posMax)
    if end < 0 or (end + 1 < state.posMax and state.src[end + 1] in "(["):
        return False                       # [@x](url) or [@x][ref] is a link
    items = parse_citation(state.src[start + 1:end])
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[start:end + 1]
        token.meta = {"items": items}
    state.pos = end + 1
    return True


def citation_plugin(md) -> None:
    """Add the ``citation`` inline rule to the markdown-it parser ``md``."""
    md.inline.ruler.before("link", "citation", _citation_rule)


def _locator(text: str) -> str:
    """``p. 12`` / ``pp. 3-5`` / U+7B2C 12 U+9875 (Chinese "page 12") / ``12`` → superscript page numbers;
    other text stays as written."""
    page = re.sub(r"^(pp?\.?|\u9875|\u7b2c)\s*|\s*\u9875$", "", text.strip())   # U+9875 "page", U+7B2C ordinal prefix
    if re.fullmatch(r"\d+(\s*[-–]\s*\d+)?", page):
        return re.sub(r"\s", "", page).translate(_SUPERSCRIPT)
    return ":" + text.strip()


def _numbers_label(numbers: list[int]) -> str:
    """[1,3] / [2-4]: runs of three or more consecutive numbers collapse to a range (GB/T 7714-2015 §10.1.2)."""
    numbers = sorted(set(numbers))
    parts, run = [], [numbers[0]]
    for number in numbers[1:] + [None]:
        if number is not None and number == run[-1] + 1:
            run.append(number)
            continue
        parts.append(f"{run[0]}-{run[-1]}" if len(run) >= 3 else ",".join(map(str, run)))
        run = [number] if number is not None else []
    return "[" + ",".join(parts) + "]"


class Citer:
    """Numbers the citations of one lecture.

    Args:
        keys: every key the course may cite (from :class:`~coursepress.bibliography.Bibliography`).
        problems: unknown keys are errors here, with the closest key as a hint.
        bibliography_named: whether course.yaml names a bibliography (for the hint).
    """

    def __init__(self, keys, problems: Problems, bibliography_named: bool):
        self.keys = list(keys)
        self.problems = problems
        self.named = bibliography_named
        self.order: list[str] = []

    def number(self, key: str) -> int:
        if key not in self.order:
            self.order.append(key)
        return self.order.index(key) + 1

    def cite(self, items: list[tuple[str, str]], pos: SourcePos) -> Optional[m.XRef]:
        """The cross-reference printed for ``items`` (``[(key, locator)]``), or None if a key is unknown."""
        known = True
        for key, _ in items:
            if key not in self.keys:
                known = False
                close = difflib.get_close_matches(key, self.keys, n=1, cutoff=0.6)
                if close:
                    hint = f"did you mean '@{close[0]}'?"
                elif not self.named:
                    hint = "name your .bib file in content/course.yaml: bibliography: refs.bib"
                else:
                    hint = "add the entry to the bibliography, or correct the key"
                self.problems.error(pos, f"citation of unknown key '@{key}'", hint)
        if not known:
            return None
        numbers = [self.number(key) for key, _ in items]
        label = _numbers_label(numbers)
        locators = [loc for _, loc in items if loc]
        if len(items) == 1 and locators:
            label += _locator(locators[0])
        elif locators:                # several works with pages: each page after its number
            label = "[" + ",".join(f"{n}" + (_locator(loc) if loc else "") for n, (_, loc) in zip(numbers, items)) + "]"
        return m.XRef(f"ref-{items[0][0]}", label)
