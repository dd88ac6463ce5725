"""Page floats for the handout: a figure or table that does not fit at the end of a page no longer
leaves a hole there.

WeasyPrint (v70) has no page floats (CSS GCPM ``float: top/bottom`` is not implemented): a
``<figure>`` too tall for the rest of a page moves to the next page and leaves the rest of the page
empty (issue 16: a 6.5 cm hole). A typesetter (LaTeX's ``[tp]`` placement, a publisher's make-up)
lets the text run on and sets the figure where it fits. :func:`render_flowing` does that after
layout:

1. lay the document out once, keeping WeasyPrint's box tree and layout context; while it is made, a
   page that ends with a hole before a figure is made again with the figure moved after the text that
   fills it (:mod:`.pagefill`: most holes never reach the steps below);
2. find each *hole*: a page (not a part's last) whose text ends more than :data:`HOLE_LINES` lines
   above the bottom of its text area (footnotes counted; where the text ends is read from its last
   line, as a list, quote or code block split at the break is stretched to the page's foot) while the
   next page begins with a figure or table, also one that opens a list item or quote there
   (:mod:`.pageholes`);
3. move that figure's box in the box tree: *forward*, after just enough of the paragraphs, lists
   and code that follow it to fill the hole (never past a heading, another figure or table); or, when
   its section ends before that, *backward* to the top of the page with the hole, if it fits there
   (LaTeX's ``t``); a figure inside a list item or quote goes after the outermost list or quote, so the
   items after it run up; when no text can fill the hole, as far forward as its part's text goes (never
   right under a head), so the hole is as small as the text allows; numbering is by figure, so the
   text pointing at it ("see figure 3") is unchanged;
4. lay out again from the first page with a hole only (WeasyPrint re-makes pages marked changed
   and keeps the others; see :func:`_relayout`), at most :data:`ROUNDS` times.

Only the box tree moves: the HTML, its order for screen readers (the PDF's structure tree follows
the boxes) and the source lines are otherwise unchanged. This reaches into WeasyPrint's layout
internals (``layout_document``, ``make_all_pages``, the page maker and the layout context), pinned by
``weasyprint>=70,<71`` in pyproject.toml, swapped through :func:`coursepress.patches.swapped` and
hashed in :data:`coursepress.patches.UPSTREAM`; ``tests/test_handout_flow.py`` fails if they change. Any
surprise falls back to the first layout, so the worst case is today's output.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from ..patches import page_box, swapped
from .pagedrop import drop_page
from .pagefill import MOVABLE, Filled, filling, glued
from .pageholes import CONTAINERS, FLOATS, HOLE_LINES, Hole, elements, find_holes, flow_blocks, text_bottom
from .pageresume import ancestry, carried, snapshot
from .pagetargets import name_targets

ROUNDS = 2              # re-layouts at most (each from the first page with a hole)
_MOVABLE = MOVABLE             # what a figure may move past
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SUBHEADS = ("h3", "h4", "h5", "h6")          # h2 is a part's head (handout: level 1 → h2)


@dataclass
class _Layout:
    """What WeasyPrint's first layout leaves behind, kept for a partial re-layout."""

    html: Any                      # weasyprint.HTML
    root_box: Any                  # the box tree before pagination (kept by WeasyPrint)
    context: Any                   # weasyprint.layout.LayoutContext
    footnotes: list                # every footnote box, before any was placed
    pages: list                    # page boxes as make_all_pages returned them (before margin boxes)
    children: list                 # (page.children, root.children) of each, before margin boxes


def _places(root_box) -> dict:
    """element → (parent box, index) of the first box each element generates in the unlaid tree."""
    found: dict = {}
    _place_children(root_box, found)
    return found


def _place_children(box, found: dict) -> None:
    """:func:`_places` below ``box`` (a module function: a closure calling itself is a reference cycle that
    would keep ``found``, and with it the box tree, until the paused collector runs)."""
    for index, child in enumerate(getattr(box, "children", None) or ()):
        element = getattr(child, "element", None)
        if element is not None and element not in found and not child.element_tag.endswith(")") \
                and "::" not in child.element_tag:
            found[element] = (box, index)
        if hasattr(child, "children") and type(child).__name__ not in ("LineBox", "InlineBox", "TextBox"):
            _place_children(child, found)


def _parents(root_box) -> dict:
    """id(box) → its parent box, for the block boxes of the unlaid tree."""
    found: dict = {}
    stack = [root_box]
    while stack:
        box = stack.pop()
        if type(box).__name__ in ("LineBox", "InlineBox", "TextBox"):
            continue
        for child in getattr(box, "children", None) or ():
            found[id(child)] = box
            stack.append(child)
    return found


def _laid_heights(pages: list, start: int) -> dict:
    """element → total height (px, margins included) of its boxes on pages ``start`` onwards."""
    heights: dict = defaultdict(float)
    for page in pages[start:]:
        for block in flow_blocks(page):
            heights[block.element] += float(block.margin_height())
    return heights


def _forward(parent, index: int, heights: dict, need: float, past_heads: bool, moved: float = 0.0,
             partial: bool = False, limit: float = float("inf")) -> Optional[int]:
    """The sibling index after which the figure at ``index`` fills ``need`` px (``moved`` px of it
    filled already), or None; with ``partial``, the furthest it may go when nothing fills ``need``.
    Never past more than ``limit`` px of text (:func:`_reach`): a float goes to the next page at most, so
    never past a block that runs on beyond it (a code block of many pages)."""
    movable = _MOVABLE + (_SUBHEADS if past_heads else ())
    furthest = None
    for after in range(index + 1, len(parent.children)):
        sibling = parent.children[after]
        if sibling.element_tag not in movable or sibling.element not in heights \
                or moved + heights[sibling.element] > limit:
            break
        moved += heights[sibling.element]
        if moved >= need:
            return glued(parent.children, after)
        if sibling.element_tag not in _HEADINGS:        # a figure never lands right under a head
            furthest = glued(parent.children, after)
    return furthest if partial else None


def _reach(hole: Hole, layout: _Layout) -> float:
    """How much text (px) a float leaving ``hole`` may move past: what fills the hole and the rest of the
    next page beside the float, so it lands on the next page at the latest (the page it would open)."""
    if hole.page + 1 >= len(layout.pages):
        return float("inf")
    return hole.gap_px + float(layout.pages[hole.page + 1].height) - hole.float_px


def _backward(hole: Hole, layout: _Layout, places: dict, parent, index: int, height: float) -> Optional[int]:
    """The index before which the figure fits at the top of the page with the hole (after the heads that
    open it, never past a heading, figure or table), or None."""
    page = layout.pages[hole.page]
    before = {b.element for b in flow_blocks(layout.pages[hole.page - 1])} if hole.page else set()
    for block in flow_blocks(page):
        if block.element in before:
            continue                             # continued from the page before
        if block.element not in places or places[block.element][0] is not parent:
            return None
        if block.element_tag in _HEADINGS:
            continue                             # a head stays with the text it opens
        target = places[block.element][1]
        between = parent.children[target:index]
        if any(box.element_tag in _HEADINGS or box.element_tag in FLOATS for box in between):
            return None
        return target if height <= text_bottom(page) - block.position_y else None
    return None


def _plan_move(hole: Hole, layout: _Layout, places: dict, parents: dict) -> Optional[tuple]:
    """(from parent, figure box, to parent, anchor box, after the anchor?) that fills ``hole``, or None
    when no move can.

    In order of preference: forward past the paragraphs, lists and code of its own section; back to
    the top of its page; forward past subsection heads too (as LaTeX floats drift). Never past a
    part's head (a new part starts a page), another figure or table (their numbers stay in order). A
    figure inside a list item or quote leaves it as LaTeX's floats do: it goes after the outermost list
    or quote (and past what follows it, as above), and the items after it run up into the hole.
    """
    if hole.element not in places:
        return None
    parent, index = places[hole.element]
    box = parent.children[index]
    heights = _laid_heights(layout.pages, hole.page + 1)
    reach = _reach(hole, layout)
    # best, enough text to run over onto the next page (with "almost enough", paragraph spacing, orphans
    # and widows leave a hole of their own); else enough to leave less than the allowed hole, with room
    # to spare for that spacing
    need = hole.gap_px + 1
    tries = ((need, False), (hole.gap_px - (HOLE_LINES - 0.5) * hole.line_px, False), (need, True))
    if parent.element_tag not in CONTAINERS:
        top = parent
        while id(top) in parents and parents[id(top)].element_tag not in CONTAINERS:
            top = parents[id(top)]
        outer = parents.get(id(top))
        if outer is None:
            return None
        at = next(k for k, child in enumerate(outer.children) if child is top)
        rest = heights.get(top.element, 0.0) - hole.float_px        # what of the list follows the figure
        for enough, past_heads in tries:
            if enough <= rest <= reach:
                return parent, box, outer, top, True
            after = _forward(outer, at, heights, enough, past_heads, rest, limit=reach)
            if after is not None:
                return parent, box, outer, outer.children[after], True
        after = _forward(outer, at, heights, need, True, rest, partial=True, limit=reach)
        if after is None:
            return (parent, box, outer, top, True) if hole.line_px <= rest <= reach else None
        return parent, box, outer, outer.children[after], True
    for enough, past_heads in tries[:2]:
        after = _forward(parent, index, heights, enough, past_heads, limit=reach)
        if after is not None:
            return parent, box, parent, parent.children[after], True
    target = _backward(hole, layout, places, parent, index, heights.get(hole.element, 0.0))
    if target is not None:
        return parent, box, parent, parent.children[target], False
    # nothing fills it: as far as the text of its part goes (to the next figure, table or part head), so
    # the hole is as small as the text allows; the page's float drifts as LaTeX's do
    after = _forward(parent, index, heights, need, past_heads=True, partial=True, limit=reach)
    if after is None or sum(heights[c.element] for c in parent.children[index + 1:after + 1]) < hole.line_px:
        return None
    head = parent.children[index + 1]
    if head.element_tag in _HEADINGS and heights[head.element] + 2 * hole.line_px > hole.gap_px:
        return None          # a head that cannot end a page (two lines of its text with it) fills nothing here
    return parent, box, parent, parent.children[after], True


def _apply(moves: list) -> None:
    """Move each figure box of ``moves`` (see :func:`_plan_move`) in the unlaid box tree."""
    for source, box, target, anchor, after in moves:
        source.children = [child for child in source.children if child is not box]
        kids = list(target.children)
        kids.insert(next(k for k, child in enumerate(kids) if child is anchor) + after, box)
        target.children = kids


@contextlib.contextmanager
def _keeping(layout_module, capture: dict) -> Iterator[None]:
    """Record the arguments of ``layout_document`` and the page boxes ``make_all_pages`` makes. A page made
    here that a later pass of the same layout (page-based counters) made again is dropped
    (:func:`.pagedrop.drop_page`); pages handed in from elsewhere (a re-layout's first layout) are not."""
    real_layout, real_pages = layout_module.layout_document, layout_module.make_all_pages
    made_here: set[int] = set()        # ids of the pages made here that are in the last pass's list

    def make_all_pages(context, root_box, html, pages):
        made = list(real_pages(context, root_box, html, pages))
        before = {id(page) for page in pages or ()}
        now = {id(page) for page in made}
        for page in pages or ():
            if id(page) in made_here and id(page) not in now:
                drop_page(page)
        mine = {key for key in now if key in made_here or key not in before}
        made_here.clear()
        made_here.update(mine)
        capture["pages"] = made
        capture["children"] = [(p.children, p.children[0].children) for p in made]
        yield from made

    def layout_document(html, root_box, context, *args, **kwargs):
        capture.update(html=html, root_box=root_box, context=context, footnotes=list(context.footnotes))
        name_targets(context.target_collector)      # the contents page follows headings a re-layout moves
        return real_layout(html, root_box, context, *args, **kwargs)

    import weasyprint.document as document_module

    with swapped(layout_module, "make_all_pages", make_all_pages), \
            swapped(document_module, "layout_document", layout_document):
        yield


def _reported_into(page_box) -> bool:
    """True if ``page_box`` carries a footnote whose call is on an earlier page."""
    area = [c for c in page_box.children if type(c).__name__ == "FootnoteAreaBox"]
    notes = {c.element for c in (area[0].children if area else ())}
    if not notes:
        return False
    calls = set()
    stack = [c for c in page_box.children if type(c).__name__ not in ("MarginBox", "FootnoteAreaBox")]
    while stack:
        box = stack.pop()
        if box.element_tag.endswith("::footnote-call"):
            calls.add(box.element)
        stack.extend(getattr(box, "children", None) or ())
    return bool(notes - calls)


def _relayout(layout: _Layout, changed: set[int], moved: dict, above: set, layout_module) -> list:
    """Lay the pages ``changed`` (0-based: those a move touches) out again over the changed box tree, and
    each page after one of them until a page ends where it ended before (WeasyPrint keeps the others;
    see :mod:`.pageresume`); returns WeasyPrint's finished page boxes (margin boxes added). ``moved``,
    ``above``: :func:`.pageresume.snapshot` and :func:`.pageresume.ancestry` of the moves.

    Raises:
        ValueError: where page ``start`` began can no longer be found in the box tree.
    """
    import weasyprint.layout.page as page_module

    context = layout.context
    start = min(changed)
    for page, (children, root_children) in zip(layout.pages, layout.children):
        page.children, page.children[0].children = children, root_children
    placed: set = set()
    for page in layout.pages[:start]:
        for child in page.children:
            if type(child).__name__ == "FootnoteAreaBox":
                placed.update(note.element for note in child.children)
    context.footnotes = [note for note in layout.footnotes if note.element not in placed]
    context.reported_footnotes = []
    context.current_page_footnotes = []
    context.broken_out_of_flow = {}
    context.string_set = defaultdict(lambda: defaultdict(list))
    for number, item in enumerate(context.page_maker[start:], start):
        ok, resume_at = carried(item[0], layout.root_box, moved, above, first=number == start)
        if not ok and number == start:
            raise ValueError("the page to lay out again starts at a moved box")
        context.page_maker[number] = (resume_at if ok else item[0], *item[1:])
        if not ok or number in changed:
            item[-1]["content_changed"] = True
    real_pages, real_remake = layout_module.make_all_pages, page_module.remake_page
    old = list(layout.pages)

    def make_all_pages(context, root_box, html, pages):
        return real_pages(context, root_box, html, pages or old)

    def remake_page(index, context, root_box, html):
        made = real_remake(index, context, root_box, html)
        if context.reported_footnotes and index + 1 < len(context.page_maker):
            context.page_maker[index + 1][-1]["content_changed"] = True   # its notes carry over: never kept
        return made

    with swapped(layout_module, "initialize_page_maker", lambda context, root_box: None), \
            swapped(layout_module, "make_all_pages", make_all_pages), \
            swapped(page_module, "remake_page", remake_page):
        return list(layout_module.layout_document(layout.html, layout.root_box, context))


def _text_size(pages: list) -> int:
    """The visible characters of the text boxes of ``pages`` (running headers and footers excluded, and
    text made from page numbers: the contents page's numbers follow the headings a move carries to
    another page): a re-layout that moved a figure must show every one of them again, no more, no fewer."""
    count = 0
    stack = [child for page in pages for child in page.children if type(child).__name__ != "MarginBox"]
    while stack:
        box = stack.pop()
        if getattr(box, "missing_link", None) is not None:
            continue
        if type(box).__name__ == "TextBox":
            count += sum(not c.isspace() for c in box.text)
        stack.extend(getattr(box, "children", None) or ())
    return count


def _drop_replaced(documents: list, best, boxes: bool = False) -> None:
    """Drop (:func:`.pagedrop.drop_page`) each page box of ``documents`` (each a ``weasyprint.Document``, or with
    ``boxes``, lists of page boxes) that the document ``best`` does not show: a page made again."""
    shown = {id(page_box(page)) for page in best.pages}
    for document in documents:
        if document is not best:
            for page in (document if boxes else [page_box(page) for page in document.pages]):
                if id(page) not in shown:
                    drop_page(page)


def render_flowing(engine, html: str, images=None, keep: Optional[dict] = None):
    """Lay out ``html`` with :class:`~coursepress.writers.pdfengine.PdfEngine` ``engine`` and move
    figures and tables that would leave a hole (see the module docstring). ``images``: the prepared
    pictures the HTML names by URL (see :meth:`PdfEngine.render`). ``keep``: when a dict, it receives
    the final layout's state for :mod:`.relayout` (keys of :class:`_Layout`, and ``stable``: the first
    page, 0-based, the float pass moved a figure for or laid out again (a hole no move can fill leaves
    its page as made), or one after the first page
    :mod:`.pagefill` made again or left with a hole: :mod:`.relayout` re-makes pages only before
    ``stable - 1``; None when neither found a hole); left empty when the returned layout is not the last
    one laid out.

    Returns a ``weasyprint.Document``. Raises what :meth:`PdfEngine.render` raises.
    """
    import weasyprint.layout as layout_module
    from weasyprint.document import Document, Page

    capture: dict = {}
    filled = Filled()
    with _keeping(layout_module, capture), filling(filled):
        document = engine.render(html, images)
    _drop_replaced([filled.made], document, boxes=True)     # pages filling made again
    filled.made.clear()
    if "pages" not in capture:
        return document
    first_footnotes = capture["footnotes"]       # every footnote box (a re-layout's capture holds fewer)
    best = document
    expected: Optional[int] = None      # the first layout's text (_text_size), counted once a hole is planned for
    final: Optional[dict] = dict(capture)       # the state of the layout `best` is, for `keep`
    # a page before the first one pagefill looked at is made the same with or without it
    stable: Optional[int] = None if filled.first_page is None else filled.first_page + 1
    candidates: list = []               # the re-layouts' documents, accepted or not
    try:
        for _round in range(ROUNDS):
            layout = _Layout(capture["html"], capture["root_box"], capture["context"], capture["footnotes"],
                             capture["pages"], capture["children"])
            holes = find_holes(layout.pages)
            if not holes:
                break
            places, parents = _places(layout.root_box), _parents(layout.root_box)
            planned = [(hole, move) for hole in holes if (move := _plan_move(hole, layout, places, parents))]
            # a hole no move can fill leaves its page as the first layout made it (for relayout, stable)
            if planned:
                stable = min([h.page for h, _move in planned] + ([stable] if stable is not None else []))
            if not planned:
                break
            if expected is None:
                expected = _text_size([page_box(page) for page in document.pages])
            moves = [move for _hole, move in planned]
            moved = snapshot([parent for move in moves for parent in (move[0], move[2])])
            _apply(moves)
            laid = [elements(flow_blocks(page)) for page in layout.pages]
            changed: set[int] = set()
            for hole, move in planned:       # from the page with the hole to the last page the move touches
                first = hole.page
                while first and _reported_into(layout.pages[first]):
                    first -= 1
                last = max([first] + [n for n, found in enumerate(laid) if {move[1].element, move[3].element} & found])
                changed.update(range(first, last + 1))
            stable = min(changed | {stable} if stable is not None else changed)
            final = None                     # the box tree moves: only an accepted layout is kept
            finished = [(page.children, page.children[0].children) for page in layout.pages]
            try:
                with _keeping(layout_module, capture):
                    pages = _relayout(layout, changed, moved, ancestry(moved, parents), layout_module)
            except Exception:
                for page, (children, root_children) in zip(layout.pages, finished):
                    page.children, page.children[0].children = children, root_children
                raise
            kept = {id(page) for page in pages}
            for page, (children, root_children) in zip(layout.pages, finished):
                if id(page) not in kept:        # laid out again: the first layout's page as it was, for `best`
                    page.children, page.children[0].children = children, root_children
            candidate = Document([Page(page) for page in pages], best.metadata, best.url_fetcher,
                                 best.font_config, best.color_profiles, best.output_intent)
            candidate._html = getattr(best, "_html", None)
            candidates.append(candidate)
            if sum(h.gap_px for h in find_holes(capture["pages"])) >= sum(h.gap_px for h in holes) \
                    or _text_size(pages) != expected:
                break
            best = candidate
            final = dict(capture)
    except Exception:      # noqa: BLE001 - an internal surprise keeps the first layout (today's output)
        return document
    _drop_replaced([document, *candidates], best)
    if keep is not None and final is not None:
        keep.update(final, footnotes=first_footnotes, stable=stable)
    return best
