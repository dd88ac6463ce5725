"""The contents page is not made a third time because the page total changed (issue 20; applied by
:func:`coursepress.patches.apply_page_total_sync`).

WeasyPrint 70 lays a document out in passes (``layout.layout_document``): after each it sets the page
total, ``counter(pages)``, in every page's counter values, and makes again the pages marked changed.
A box whose ``content`` waits for page-based counters (the contents page's ``target-counter(attr(href),
page)``) remembers the page's counter values it was last made with, and its page is made again in the
next pass whenever those differ (``layout.page.make_page``, "page based counters" step 2): it compares
*every* page counter, also the total the box never shows. So the course's contents page was made three
times in a cold build: with its targets unknown, with them known (the total having changed from 0 to
19 since the first pass), and once more only because of that total (≈ 0.02 s; the pages are the same).

:func:`syncing` wraps ``layout.make_all_pages``: before a pass after the first, a box that waits for page
counters but not for ``pages`` has the total in its remembered values set to its page's current total,
so it is made again only for a counter it shows. Its text does not depend on the total, so the page
made is the one the third pass made; the PDF is byte-identical. Only look-ups whose targets are filed under
their names (:mod:`.pagetargets`, as the handout's layout files them) are touched: one whose target
WeasyPrint filed under ``None`` learns its targets' pages only in that pass for the total. Pinned ``weasyprint>=70,<71``; the
functions relied on are hashed in :data:`coursepress.patches.UPSTREAM`.
"""

from __future__ import annotations

from typing import Any, Callable


def sync_totals(context: Any) -> int:
    """Set the page total in the remembered counter values of ``context``'s page-counter look-ups that do
    not show it (``weasyprint.layout.LayoutContext``: its target collector and page maker) to the total of
    the page each was made on; returns how many were set."""
    maker = context.page_maker
    changed = 0
    for (_box, token), item in context.target_collector.counter_lookup_items.items():
        cached = item.cached_page_counter_values
        index = item.page_maker_index
        if token != "content" or not cached or "pages" not in cached or index is None or not 0 <= index < len(maker) \
                or "pages" in (item.missing_counters or ()) or None in item.missing_target_counters:
            continue        # (a target filed under None: only the pass for the total makes its page again)
        current = maker[index][3][1].get("pages")
        if current is not None and cached["pages"] != current:
            cached["pages"] = list(current)
            changed += 1
    return changed


def syncing(upstream: Callable[..., Any]) -> Callable[..., Any]:
    """``layout.make_all_pages(context, root_box, html, pages)`` (``upstream``) that first calls
    :func:`sync_totals` when ``pages`` holds an earlier pass's pages."""

    def make_all_pages(context: Any, root_box: Any, html: Any, pages: list) -> Any:
        if pages:
            sync_totals(context)
        return upstream(context, root_box, html, pages)

    return make_all_pages
