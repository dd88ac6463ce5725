"""A kept page's margin boxes kept too, in a ``watch`` round that lays out only some pages (issue 20).

WeasyPrint (v70) makes every page's margin boxes again at the end of every layout
(``layout_document``: ``make_margin_boxes`` for each page), also for the pages a ``watch`` round keeps
(:mod:`.relayout`): 0.07 s CPU of a round on the 60-page benchmark chapter. What a page's margin boxes
show depends only on the page box (its size, margins and page type), the page's counters (``counter(page)``,
``counter(pages)`` and the rest of the page state WeasyPrint hands ``make_margin_boxes``) and the named
strings the page would show (``string(name, first|start|last|first-except)``). :class:`MarginKeeper` makes
them as WeasyPrint does, remembering for each page those inputs and the boxes made; in the next round a page
box with the same inputs gets the same margin boxes back instead of new ones (laid out from the same inputs,
they would be the same). Always made: margin boxes when the layout has running elements (``element()``,
not compared), and a page's when they show an image or a ``target-counter()``/``target-text()`` (these
follow other pages).

The PDF of a round stays a cold build's (``tests/test_watch_relayout.py``, ``tests/test_watch_drawing.py``).
Swaps ``weasyprint.layout.make_margin_boxes`` while the round lays out (pinned ``weasyprint>=70,<71``; the
functions relied on are hashed in :data:`coursepress.patches.UPSTREAM`).
"""

from __future__ import annotations

from typing import Any, Callable

_KEYWORDS = ("first", "start", "last", "first-except", "all-once")


def frozen(value: Any) -> Any:
    """``value`` (nested dicts, lists, tuples, sets of plain values) as nested tuples that compare equal
    exactly when the values do (sets and dicts sorted by the text of their items)."""
    if isinstance(value, dict):
        return ("d", tuple(sorted(((repr(k), frozen(v)) for k, v in value.items()), key=lambda item: item[0])))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(frozen(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("s", tuple(sorted((frozen(v) for v in value), key=repr)))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("o", type(value).__name__, repr(value))


def _pictured(boxes: tuple) -> bool:
    """Whether a box under ``boxes`` shows an image (its object is the round's: not kept)."""
    stack = list(boxes)
    while stack:
        box = stack.pop()
        if getattr(box, "replacement", None) is not None:
            return True
        stack.extend(getattr(box, "children", None) or ())
    return False


class MarginKeeper:
    """Margin boxes by page box, kept from one round's layout for the next (see the module docstring)."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, Any, tuple]] = {}    # id(page box) → (page box, inputs, margin boxes)
        self.kept = self.made = 0

    def make_margin_boxes(self, real: Callable[..., Any]) -> Callable[..., Any]:
        """WeasyPrint's ``make_margin_boxes(context, page, state)`` (``real``) that gives a page box its last
        margin boxes when their inputs are the same, and remembers what it made for the next round.
        Call once per round: what the last round remembered is what this one may use."""
        earlier, self._kept = self._kept, {}
        self.kept = self.made = 0

        def make(context: Any, page: Any, state: Any) -> tuple:
            if any(context.running_elements.values()):
                self.made += 1
                return tuple(real(context, page, state))
            strings = tuple((name, keyword, frozen(context.get_string_set_for(page, name, keyword)))
                            for name in sorted(context.string_set) for keyword in _KEYWORDS)
            inputs = (context.current_page, frozen(state), strings)
            old = earlier.get(id(page))
            if old is not None and old[0] is page and old[1] == inputs:
                self.kept += 1
                self._kept[id(page)] = old
                return old[2]
            lookups = len(context.target_collector.counter_lookup_items)
            boxes = tuple(real(context, page, state))
            self.made += 1
            if len(context.target_collector.counter_lookup_items) == lookups and not _pictured(boxes):
                self._kept[id(page)] = (page, inputs, boxes)     # else made again every round
            return boxes

        return make
