"""Page numbers that point at other pages (``target-counter(attr(href), page)``: the contents page) follow
their targets when pages are laid out again (issue 20).

WeasyPrint (v70) re-makes a page whose ``target-counter()`` reads a target's page once that target lands
on another page: ``TargetCollector.cache_target_page_counters`` looks up the boxes that asked for the
target's counters by the target's name and marks their pages ``content_changed``. But
``formatting_structure.build.compute_content_list`` files a lookup written with ``attr()`` (the
contents page's ``target-counter(attr(href), page)``) under the name ``None``:
it names the anchor from the unresolved ``attr()`` token, while ``lookup_target`` resolves it. So no
target ever finds the contents page. A cold layout still prints the right numbers by another path: the
contents page is made again once the page total is known (its own lookup also lists ``page``, and the
total changes its page counters), and then reads each target's latest page. A later partial re-layout
(:func:`.pageflow._relayout`: the page-float pass, a ``watch`` round) keeps the total or re-makes the
contents page before the moved targets, so the contents page kept the first layout's numbers.

:func:`name_targets` files each such lookup under the anchor names its ``attr()`` resolves to, as
``lookup_target`` resolves them, before pagination; WeasyPrint's own mechanism then re-makes the
contents page (and only it) when a heading moves, in cold builds and in ``watch`` rounds alike.

Relies on WeasyPrint internals (pinned ``weasyprint>=70,<71``; hashed in
:data:`coursepress.patches.UPSTREAM`): the collector's ``counter_lookup_items`` and each item's
``missing_target_counters``, and the ``content`` value's ``target-counter()`` tokens.
"""

from __future__ import annotations

from typing import Any

_TARGETS = ("target-counter()", "target-counters()")


def _anchor_name(token: tuple, box: Any) -> Any:
    """The anchor name ``token`` (a ``target-counter()`` target: string, url or ``attr()``) points at
    from ``box``, as ``TargetCollector.lookup_target`` resolves it; None when it names none."""
    from weasyprint.css.targets import anchor_name_from_token
    from weasyprint.urls import get_url_tuple

    if token[0] == "attr()":
        attr_name, kind, fallback = token[1]
        value = box.element.get(attr_name, fallback) if box.element is not None else fallback
        if kind == "string":
            token = ("string", value)
        elif kind == "url":
            token = ("url", get_url_tuple(value, box.style.base_url))
        else:
            return None
    return anchor_name_from_token(token)


def name_targets(collector: Any) -> int:
    """File the page-counter lookups of ``collector`` (a ``weasyprint.css.targets.TargetCollector``, after
    box building) that WeasyPrint filed under ``None`` under the anchor names their ``content`` resolves
    to; returns how many lookups were renamed. Idempotent; lookups of other properties (string-set,
    bookmark-label: read after layout) and lookups that name no anchor are left as they are."""
    renamed = 0
    for (box, css_token), item in collector.counter_lookup_items.items():
        missing = item.missing_target_counters
        if css_token != "content" or None not in missing:
            continue
        content = box.style["content"]
        if not isinstance(content, (list, tuple)):
            continue
        names = [_anchor_name(value[0], box) for kind, value in content if kind in _TARGETS]
        names = [name for name in dict.fromkeys(names) if name is not None]
        if not names:
            continue
        counters = missing.pop(None)           # one list: WeasyPrint shares it with ``missing_counters``
        for name in names:
            kept = missing.setdefault(name, counters)
            kept.extend(c for c in counters if c not in kept)
        renamed += 1
    return renamed
