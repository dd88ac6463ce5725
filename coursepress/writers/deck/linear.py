"""Relationship look-ups in constant time, so adding slides is linear in the deck's size.

python-pptx 1.0 (``opc/package.py``, ``_Relationships``) finds a part's
relationships by scanning all of them: ``_get_matching`` (every
``relate_to``, so every new slide related to the presentation part) and
``_rels_by_reltype`` (every ``part_related_by``, e.g. the notes master for
each notes slide) rebuild a list of every relationship of the part on each
call. The presentation part holds one relationship per slide, so a deck of
n slides costs n² steps (500 headings: 1,075 slides, 10 s of a 39 s build).

:func:`index_relationships` gives one part's relationship collection a dict
that keeps an index by type and by (type, target) as relationships are added
and removed; the two methods consult it when it is there. Same answers, same
order (the first matching relationship in insertion order), same rIds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable


def _key(rel) -> tuple:
    external = rel.is_external
    return rel.reltype, external, rel._target if external else id(rel._target)


class IndexedRels(dict):
    """``{rId: _Relationship}`` with ``by_type`` (reltype → {rId: rel}) and ``by_target`` ((reltype,
    external, target) → first rId) kept current through every change python-pptx makes."""

    def __init__(self, items=()) -> None:
        super().__init__()
        self.by_type: defaultdict[str, dict] = defaultdict(dict)
        self.by_target: dict[tuple, str] = {}
        self.update(items)

    def __setitem__(self, rId: str, rel) -> None:
        if rId in self:
            self._forget(rId)
        super().__setitem__(rId, rel)
        self.by_type[rel.reltype][rId] = rel
        self.by_target.setdefault(_key(rel), rId)

    def __delitem__(self, rId: str) -> None:
        self._forget(rId)
        super().__delitem__(rId)

    def pop(self, rId, *default):
        if rId in self:
            self._forget(rId)
        return super().pop(rId, *default)

    def update(self, *items: Any, **more: Any) -> None:
        for rId, rel in dict(*items, **more).items():     # a mapping or (rId, rel) pairs, as dict.update
            self[rId] = rel

    def clear(self) -> None:
        super().clear()
        self.by_type.clear()
        self.by_target.clear()

    def _forget(self, rId: str) -> None:
        rel = dict.__getitem__(self, rId)
        same_type = self.by_type[rel.reltype]
        same_type.pop(rId, None)
        key = _key(rel)
        if self.by_target.get(key) == rId:
            del self.by_target[key]
            for other_id, other in same_type.items():      # the next one in order now matches first
                if _key(other) == key:
                    self.by_target[key] = other_id
                    break


class _ByType(dict):
    """What ``_rels_by_reltype`` returns: reltype → list of relationships (empty for an unknown type)."""

    def __init__(self, index: defaultdict) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, reltype: str) -> list:
        return list(self._index.get(reltype, {}).values())


def indexed_lookups(original_by_type: Any, original_matching: Callable) -> tuple[property, Callable]:
    """Replacements for python-pptx's ``_Relationships._rels_by_reltype`` (a property) and ``_get_matching``
    that consult the index of a part given :func:`index_relationships`, and call the originals otherwise.
    Installed by :func:`coursepress.patches.apply_pptx_speedups`."""
    def rels_by_reltype(self):
        rels = self._rels
        if isinstance(rels, IndexedRels):
            return _ByType(rels.by_type)
        return original_by_type.fget(self)

    def get_matching(self, reltype: str, target, is_external: bool = False):
        rels = self._rels
        if isinstance(rels, IndexedRels):
            return rels.by_target.get((reltype, is_external, target if is_external else id(target)))
        return original_matching(self, reltype, target, is_external)

    return property(rels_by_reltype, doc=original_by_type.__doc__), get_matching


def index_relationships(part) -> None:
    """Give ``part``'s relationships the constant-time index (install once, before slides are added; the
    look-ups use it once :func:`coursepress.patches.apply_pptx_speedups` ran)."""
    rels = part.rels
    current = rels._rels
    if not isinstance(current, IndexedRels):
        rels.__dict__["_rels"] = IndexedRels(current)


MIN_SLIDE_ID = 256      # ECMA-376 Part 1 §19.2.1.33: slide ids are 256 … 2147483647


def add_slide(prs, layout, number: int):
    """Add slide ``number`` (1-based) on ``layout``, as ``prs.slides.add_slide`` does, in constant time.

    python-pptx reads every slide id to choose the next one (``CT_SlideIdList._next_id``);
    the writer starts from an empty slide list, so slide ``number`` gets id 255 + ``number``,
    the id python-pptx would choose.
    """
    rId, slide = prs.part.add_slide(layout)
    slide.shapes.clone_layout_placeholders(layout)
    prs.slides._sldIdLst._add_sldId(id=MIN_SLIDE_ID - 1 + number, rId=rId)
    return slide
