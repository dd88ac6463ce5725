"""Where each page starts, carried across a figure move, so that :mod:`.pageflow` re-lays out only the
pages a move changes (issue 20).

WeasyPrint (v70) records where each page starts in ``context.page_maker`` as a *skip stack*: nested
``{child index: deeper skip stack}`` dicts down the box tree (``None`` at the end). When it re-makes a
page it compares where the page now ends with where the next page started before, and keeps the old
next page (and the ones after it) when both agree (``layout.page.remake_page``/``make_all_pages``).
:mod:`.pageflow` moves a figure's box among its siblings, which renumbers the siblings between its old
and new place; :func:`carried` renumbers each page's start the same way, by box identity, so that the
comparison holds again and the pages after the last move are kept instead of laid out again.

Reads and writes WeasyPrint's box tree and page maker (pinned ``weasyprint>=70,<71``; the functions
relied on are hashed in :data:`coursepress.patches.UPSTREAM`).
"""

from __future__ import annotations

from typing import Any, Optional

_LEAVES = ("LineBox", "InlineBox", "TextBox")


def snapshot(parents: list) -> dict[int, tuple[Any, list]]:
    """id(parent box) → (the box, its children before the move) for the parents a move changes."""
    return {id(parent): (parent, list(parent.children)) for parent in parents}


def ancestry(changed: dict, parent_of: dict) -> set[int]:
    """ids of the changed parents and of every box above them (``parent_of``: id(box) → parent box)."""
    found: set[int] = set()
    for parent, _children in changed.values():
        box = parent
        while box is not None and id(box) not in found:
            found.add(id(box))
            box = parent_of.get(id(box))
    return found


def carried(skip: Optional[dict], root_box: Any, changed: dict, above: set[int],
            first: bool = False) -> tuple[bool, Optional[dict]]:
    """The skip stack ``skip`` (where a page started in the box tree before the move) renumbered for the
    tree after it: ``(True, new skip stack)``, or ``(False, None)`` when the page started at or inside a
    box that moved or the stack has a shape this does not follow (several branches at a changed level).

    A page started *at* a box X (not inside it). For a page that is kept or compared with (``first``
    False) the new stack points at X again, so a figure moved in just before X makes the page before
    end elsewhere, and the page is laid out again. For the first page laid out again (``first``), whose
    page before is kept as it is, it points just after the box that came before X and still comes
    before it: a figure moved in there opens the page (the move to the top of a page).

    ``changed``: :func:`snapshot` taken before the move; ``above``: :func:`ancestry` of it. Levels below
    the boxes in ``above`` keep their numbers (nothing under them moved).
    """
    if skip is None:
        return True, None
    if id(root_box) not in above:
        return True, skip
    if len(skip) != 1:
        return False, None
    (index, deeper), = skip.items()
    if id(root_box) in changed:
        before = changed[id(root_box)][1]
        if not isinstance(index, int) or not 0 <= index < len(before):
            return False, None
        child = before[index]
        now = {id(box): k for k, box in enumerate(root_box.children)}
        if id(child) not in now:
            return False, None          # the page started at the figure that moved
        if first and deeper is None:
            earlier = [now[id(box)] for box in before[:index] if id(box) in now]
            return True, {max(earlier) + 1 if earlier else 0: None}
        index = now[id(child)]
    else:
        children = getattr(root_box, "children", None) or ()
        if not isinstance(index, int) or not 0 <= index < len(children):
            return False, None
        child = children[index]
    if type(child).__name__ in _LEAVES:
        return True, {index: deeper}
    ok, inner = carried(deeper, child, changed, above, first)
    return (True, {index: inner}) if ok else (False, None)
