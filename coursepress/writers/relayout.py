"""Lay out again only the handout pages a ``watch`` edit changes (issue 20).

A ``watch`` round builds a lecture's handout from new HTML that differs from the last round's in a few
blocks. :func:`render_again` keeps the last round's layout (WeasyPrint's box tree before pagination, its
layout context with the page maker and the target collector, the page boxes) and, for the new HTML:

1. compares the new document with the kept one block by block: the children of each flow container
   (the ``<main>`` and ``<section>`` children of ``<body>``: the preamble, the parts, the references,
   the cover) by their markup (source ``data-line`` numbers left out), everything else (head, contents
   page, running strings) as one piece;
2. builds the new box tree (WeasyPrint's cascade and box building, as a cold build does) and puts the new
   boxes of the changed, inserted and following blocks into the kept tree in place of the old ones (the
   block after a change too: ``:first-child`` and sibling selectors may style it differently);
3. marks the pages that held a changed block as changed and lets WeasyPrint re-make pages from the first
   of them, keeping each page after it once a page ends where it ended before
   (:func:`.pageflow._relayout` and :mod:`.pageresume`, the float pass's own partial re-layout: page
   starts are carried across the changed siblings by box identity). Counters of the page (page numbers,
   the total of pages) and the contents page's ``target-counter`` page numbers are WeasyPrint's own:
   a heading that moves to another page marks the contents page to be made again.

The result must be the PDF a cold build makes. Where that cannot be carried safely the round lays the
handout out in full (:class:`Refused` from :func:`render_again`; the reason is given for ``-v``): anything
outside the flow containers changed (the contents page lists a changed heading, the CSS, a running
string); a changed
block holds a footnote (footnote numbers and the kept footnote boxes follow document order); the kept
layout's float pass moved a figure at or near the pages laid out again, or the new pages have a hole the
float pass would fill (a cold build's page floats would differ); a container holds boxes that do not
map one to one onto its children. A layout is not kept (the round after it lays out in full) when its
float pass ended on a move it did not take (its box tree holds that move). A layout whose float pass
moved headings to other pages is kept: the contents page follows them in the cold build and in a round
alike (:mod:`.pagetargets`).

Reaches into WeasyPrint's layout internals as :mod:`.pageflow` does (pinned ``weasyprint>=70,<71``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Optional
from xml.etree import ElementTree

from ..patches import swapped
from .marginkeep import MarginKeeper
from .pageflow import _keeping, _Layout, _parents, _relayout
from .pageholes import elements as elements_of, find_holes, flow_blocks
from .pageresume import ancestry, snapshot

_LINE = re.compile(r' data-line="\d+"')
_FLOWS = ("main", "section")         # <body>'s children whose children are compared one by one


def _digest(element) -> str:
    """The markup of ``element`` (with its tail) without source line numbers, as a digest."""
    text = _LINE.sub("", ElementTree.tostring(element, encoding="unicode"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _flows(root) -> list:
    """The flow containers of the document ``root`` (an ElementTree element): ``<body>``'s ``<main>`` and
    ``<section>`` children, in order."""
    body = next((e for e in root if _local(e.tag) == "body"), None)
    return [e for e in body if _local(e.tag) in _FLOWS] if body is not None else []


def _outside(root, flows: list) -> str:
    """Digest of everything in ``root`` except the children of the containers ``flows`` (the containers'
    own tags and attributes in)."""
    inner = {id(e) for e in flows}
    digest = hashlib.blake2b(digest_size=16)
    stack = [root]
    while stack:
        element = stack.pop()
        container = id(element) in inner
        digest.update(repr((element.tag, sorted((k, v) for k, v in element.attrib.items() if k != "data-line"),
                            None if container else element.text, element.tail)).encode("utf-8"))
        if not container:
            stack.extend(reversed(list(element)))
    return digest.hexdigest()


def _has_footnote(element) -> bool:
    return any("footnote" in (e.get("class") or "").split() for e in element.iter())


def _boxes_of(root_box, elements: list) -> dict:
    """element → its box in the unlaid tree ``root_box``, for the block boxes of ``elements``."""
    wanted = {id(e) for e in elements}
    found: dict = {}
    stack = [root_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and id(element) in wanted and element not in found \
                and type(box).__name__ not in ("LineBox", "InlineBox", "TextBox"):
            found[element] = box
            continue
        stack.extend(reversed(getattr(box, "children", None) or ()))
    return found


def _children_boxes(box, children: list) -> dict:
    """child element → its box among ``box``'s children; Refused when they do not map one to one."""
    found: dict = {}
    members = {id(e) for e in children}
    for child in box.children:
        element = getattr(child, "element", None)
        if element is None or element in found or id(element) not in members:
            raise Refused(f"<{box.element_tag}> holds boxes that do not map one to one onto its children")
        found[element] = child
    return found


class Refused(Exception):
    """This round's edit cannot be carried over the kept layout; the message says why (``-v``)."""


@dataclass
class Flow:
    """One flow container of a kept layout: its children in document order and their boxes."""

    box: Any                       # the container's box in the unlaid tree
    digests: list[str]             # of its children, in document order
    children: list                 # those elements (the ones the kept boxes were built from)
    boxes: list                    # each child's box in the unlaid tree (None: it makes no box)


@dataclass
class KeptLayout:
    """A handout's last layout, kept between ``watch`` rounds (see the module docstring)."""

    layout: Any                    # pageflow._Layout of the final layout
    stable: Optional[int]          # first page (0-based) the float pass looked at or moved; None: no hole
    outside: str                   # digest of the document outside the flow containers' children
    flows: list[Flow]
    drawn: Any = None              # the pages' drawings of the last round (.pagedraws.DrawnPages), carried along
    margins: Any = None            # the pages' margin boxes of the last round (.marginkeep.MarginKeeper)


def _flows_of(root, root_box) -> tuple[list, list[Flow]]:
    """(flow container elements, a :class:`Flow` of each) of the document ``root`` laid out as ``root_box``.

    Raises:
        Refused: a container has no box, or boxes that do not map one to one onto its children.
    """
    elements = _flows(root)
    boxes = _boxes_of(root_box, elements)
    flows = []
    for element in elements:
        if element not in boxes:
            raise Refused(f"<{_local(element.tag)}> makes no box")
        children = list(element)
        by_element = _children_boxes(boxes[element], children)
        flows.append(Flow(boxes[element], [_digest(e) for e in children], children,
                          [by_element.get(e) for e in children]))
    return elements, flows


def keep(state: dict) -> Optional[KeptLayout]:
    """A :class:`KeptLayout` of the state ``render_flowing(…, keep=state)`` left, or None when it left
    none or a container's boxes do not map one to one onto its children."""
    if not state:
        return None
    layout = _Layout(state["html"], state["root_box"], state["context"], state["footnotes"], state["pages"],
                     state["children"])
    root = layout.html.etree_element
    try:
        elements, flows = _flows_of(root, layout.root_box)
    except Refused:
        return None
    for flow in flows:
        if [b for b in flow.boxes if b is not None] != list(flow.box.children) and state["stable"] is None:
            return None               # moved without the float pass saying so
    return KeptLayout(layout, state["stable"], _outside(root, elements), flows)


def _image_cache(context) -> dict:
    """url → image object of the layout context ``context`` (WeasyPrint keeps one per build)."""
    fetch = context.get_image_from_uri
    return getattr(fetch, "keywords", {}).get("cache") or {}


def _fresh_images(layout, context, pages: list) -> None:
    """Give every replaced box of the kept tree and of ``pages`` the image object the new build made for
    its URL (``context``: the new layout context). Drawing an SVG changes its node tree (positions,
    text cursors), so an image drawn in an earlier round would draw differently than in a cold build."""
    old = {id(image): url for url, image in _image_cache(layout.context).items()}
    new = _image_cache(context)
    stack = [layout.root_box, *pages]
    while stack:
        box = stack.pop()
        image = getattr(box, "replacement", None)
        if image is not None and id(image) in old and old[id(image)] in new:
            box.replacement = new[old[id(image)]]
        stack.extend(getattr(box, "children", None) or ())
    layout.context.get_image_from_uri = context.get_image_from_uri


def _graft(flow: Flow, new: Flow) -> tuple[Optional[list], set, Flow]:
    """Plan one container's change: (its new list of child boxes, or None when nothing in it changed; the
    old elements whose pages must be laid out again; the container as it will be kept).

    Raises:
        Refused: a changed block holds a footnote, or lies among figures the float pass moved.
    """
    codes = SequenceMatcher(None, flow.digests, new.digests, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in codes):
        return None, set(), flow
    take = [False] * len(new.children)      # new blocks that take their new box
    gone: set[int] = set()                  # old blocks replaced or removed
    anchors: set[int] = set()               # old blocks an insertion follows
    at_end = False
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            continue
        gone.update(range(i1, i2))
        take[j1:j2] = [True] * (j2 - j1)
        if i1 > 0:
            anchors.add(i1 - 1)
        at_end = at_end or i2 == len(flow.children)
        if j2 < len(new.children) and i2 < len(flow.children):   # the block after: sibling selectors
            take[j2] = True
            gone.add(i2)
    if any(take[j] and _has_footnote(e) for j, e in enumerate(new.children)) or \
            any(_has_footnote(flow.children[i]) for i in gone):
        raise Refused("a changed block holds a footnote")
    old_of = {j1 + k: i1 + k for tag, i1, i2, j1, _j2 in codes if tag == "equal" for k in range(i2 - i1)
              if not take[j1 + k]}
    for j, i in old_of.items():        # kept blocks: the source lines the overflow check reports are the new ones
        for old_element, new_element in zip(flow.children[i].iter(), new.children[j].iter()):
            line = new_element.get("data-line")
            if line is not None:
                old_element.set("data-line", line)
    boxes = [flow.boxes[old_of[j]] if j in old_of else new.boxes[j] for j in range(len(new.children))]
    # The container's boxes are in document order up to the first box the float pass moved; every change
    # must lie before it.
    current = list(flow.box.children)
    in_order = [b for b in flow.boxes if b is not None]
    prefix = 0
    while prefix < min(len(current), len(in_order)) and current[prefix] is in_order[prefix]:
        prefix += 1
    position = {id(b): k for k, b in enumerate(current)}
    for i in gone | anchors:
        box = flow.boxes[i]
        if box is not None and position[id(box)] >= prefix:
            raise Refused("the edit is among figures the float pass moved")
    if at_end and prefix < len(current):
        raise Refused("the edit is at the end, after figures the float pass moved")
    tail = current[prefix:]
    in_tail = {id(b) for b in tail}
    head = [b for b in boxes if b is not None and id(b) not in in_tail]
    if len(head) + len(tail) != sum(b is not None for b in boxes):
        raise Refused("the edit reaches the moved figures")
    changed = {flow.children[i] for i in gone | anchors}
    children_now = [flow.children[old_of[j]] if j in old_of else e for j, e in enumerate(new.children)]
    return head + tail, changed, Flow(flow.box, new.digests, children_now, boxes)


def render_again(engine, html: str, images, kept: KeptLayout) -> tuple[Any, KeptLayout, int]:
    """Lay out ``html`` (the new HTML of the handout ``kept`` was laid out from) re-making only the
    pages its changed blocks touch; returns ``(weasyprint.Document, KeptLayout of it, pages made
    again)``. ``engine``, ``images``: as for :func:`.pageflow.render_flowing`.

    The kept layout is changed in place: after any outcome the caller must not use ``kept`` again.

    Raises:
        Refused: the edit cannot be carried safely (see the module docstring); lay out in full.
        ContentErrors: as :meth:`PdfEngine.render`.
    """
    import weasyprint.document as document_module
    import weasyprint.layout as layout_module

    built: dict = {}

    def build_only(html_object, root_box, context, *args, **kwargs):
        built.update(html=html_object, root_box=root_box, context=context)
        return []

    with swapped(document_module, "layout_document", build_only):
        shell = engine.render(html, images)       # cascade and box tree of the new HTML, no layout
    new_root = built["html"].etree_element
    elements, news = _flows_of(new_root, built["root_box"])
    if len(news) != len(kept.flows) or _outside(new_root, elements) != kept.outside:
        raise Refused("something outside the lecture's text changed (contents, cover, styles or running strings)")
    plans = [_graft(flow, new) for flow, new in zip(kept.flows, news)]
    changed_elements = set().union(*(changed for _children, changed, _flow in plans))
    parents = [flow.box for flow, (children, _c, _f) in zip(kept.flows, plans) if children is not None]
    if not parents:
        raise Refused("no block of the lecture's text changed")
    layout = kept.layout
    laid = [elements_of(flow_blocks(page)) for page in layout.pages]
    changed = {n for n, found in enumerate(laid) if changed_elements & found} or {0}
    # WeasyPrint caches table widths by table box in the layout context kept across rounds: the boxes replaced
    # (each holding its round's styles) would stay alive for the rest of the watch; the cache is pure
    layout.context.tables.clear()
    moved = snapshot(parents)
    for flow, (children, _changed, _flow) in zip(kept.flows, plans):
        if children is not None:
            flow.box.children = children
    above = ancestry(moved, _parents(layout.root_box))
    before = {id(page) for page in layout.pages}
    capture: dict = {}
    margins = kept.margins or MarginKeeper()
    with _keeping(layout_module, capture), \
            swapped(layout_module, "make_margin_boxes", margins.make_margin_boxes(layout_module.make_margin_boxes)):
        pages = _relayout(layout, changed, moved, above, layout_module)
    made = [n for n, page in enumerate(pages) if id(page) not in before]
    last = max(made) if made else -1
    if kept.stable is not None and last >= kept.stable - 1:
        raise Refused(f"pages up to {last + 1} were laid out again, near where the float pass moved figures")
    if any(hole.page <= last for hole in find_holes(capture.get("pages") or [])):
        raise Refused("the pages laid out again leave a hole the float pass would fill")
    _fresh_images(layout, built["context"], pages)
    from weasyprint.document import Document, Page

    document = Document([Page(page) for page in pages], shell.metadata, shell.url_fetcher, shell.font_config,
                        shell.color_profiles, shell.output_intent)
    document._html = getattr(shell, "_html", None)
    again = _Layout(layout.html, layout.root_box, layout.context, layout.footnotes, capture["pages"],
                    capture["children"])
    return document, KeptLayout(again, kept.stable, kept.outside, [flow for _c, _ch, flow in plans], kept.drawn,
                                margins), len(made)
