"""Pseudo-element styles computed when a box asks for them, not for every element (issue 20; applied by
:func:`coursepress.patches.apply_lazy_pseudo_styles`).

WeasyPrint 70's user-agent stylesheet (``css/html5_ua.css``) has six rules with no element part:
``::marker``, ``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker`` and
``::note-callback``, and our ``handout.css`` two more. Each matches every element, so the cascade
(``css.StyleFor.__init__``) weighed their declarations for every element and made a computed style of
each of the six pseudo-elements of every element: on the course's handout 9,714 pseudo-element styles
and 30,000 weighed declarations for 1,619 elements, of which the boxes use a few dozen (markers of list
items, calls and markers of the nine footnotes, ``::before``/``::after`` of a few classes).
``StyleFor.__init__`` was ≈ 0.09 s of the build process's critical path, ≈ 0.04 s of it this.

:func:`cascade` is ``StyleFor.__init__`` with two changes. It does not walk into an inline ``<svg>``
(:mod:`.inlinesvg`: WeasyPrint draws it from its elements). And the declarations that match a pseudo-element are
kept, in the order the cascade meets them, and weighed only when a box first asks for that pseudo-element
(:func:`style_for`: ``StyleFor.__call__``). The order of declarations within one (element,
pseudo-element) is the only order the cascade's ``<=`` between equal weights depends on, so each style is
the same; a pseudo-element whose declarations set ``anchor`` is made at once, as upstream does, so the
target collector learns its anchors in the same order. The key that lets elements with the same parent
style and the same matched rules share one computed style still lists the pseudo-element rules, so the
same styles are shared. Same boxes, same PDF bytes. Pinned ``weasyprint>=70,<71``; the upstream
functions are hashed in :data:`coursepress.patches.UPSTREAM`.
"""

from __future__ import annotations

from math import inf
from typing import Any, Optional

from weasyprint.css import declaration_precedence     # imported only once WeasyPrint is (patches.py)

from .inlinesvg import elements


def cascade(self: Any, html: Any, sheets: list, presentational_hints: bool, font_config: Any,
            target_collector: Any) -> None:
    """``StyleFor.__init__`` (WeasyPrint 70.0) with pseudo-element declarations kept for :func:`style_for`
    (see the module docstring); ``self``: the ``weasyprint.css.StyleFor`` being made."""
    from weasyprint.css import find_style_attributes
    from weasyprint.css.validation import preprocess_declarations
    from weasyprint.logger import PROGRESS_LOGGER

    cascaded_styles: dict = {}
    computed_styles: dict = {}
    pending: dict = {}          # (element, pseudo type) → [(declarations, origin, layer order, specificity), …]
    self._cascaded_styles, self._computed_styles, self._pending_pseudo = cascaded_styles, computed_styles, pending
    self.initial_page_sizes = {'box': None, 'area': None}
    self._sheets = sheets
    self.font_config = font_config

    PROGRESS_LOGGER.info('Step 3 - Applying CSS')
    layer_order = inf
    elements_declarations = {}
    for specificity, element, declarations, base_url in find_style_attributes(
            html.etree_element, presentational_hints, html.base_url):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        _weigh(style, preprocess_declarations(base_url, declarations), 'author', layer_order, specificity)

    computed_cache: dict = {}
    anchors: dict[int, bool] = {}       # id(declarations) → whether they set ``anchor`` (a sheet's rules live on)
    eager: set = set()                  # pseudo-elements made during the cascade (their anchor is collected)
    for element in elements(html.wrapper_element):      # not into an inline <svg> (inlinesvg)
        etree_element = element.etree_element
        parent = element.parent.etree_element if element.parent else None
        parent_id = id(computed_styles[parent, None]) if element.parent else None
        element_declarations = elements_declarations.get(etree_element)
        selectors_keys = []
        for sheet, origin, sheet_specificity in sheets:
            for selector in sheet.matcher.match(element):
                specificity, order, pseudo_type, (declarations, layer) = selector
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                specificity = sheet_specificity or specificity
                if pseudo_type:         # weighed when a box asks for it (style_for)
                    pending.setdefault((etree_element, pseudo_type), []).append(
                        (declarations, origin, layer_order, specificity))
                    anchored = anchors.get(id(declarations))
                    if anchored is None:
                        anchored = anchors[id(declarations)] = any(name == 'anchor' for name, *_ in declarations)
                    if anchored:
                        eager.add((etree_element, pseudo_type))
                    continue
                _weigh(cascaded_styles.setdefault((etree_element, pseudo_type), {}), declarations, origin,
                       layer_order, specificity)

        key = (parent_id, element_declarations, tuple(selectors_keys))
        if key in computed_cache:
            computed_styles[etree_element, None] = computed_cache[key]
        else:
            self.set_computed_styles(etree_element, root=html.etree_element, parent=parent,
                                     base_url=html.base_url, target_collector=target_collector)
            computed_cache[key] = computed_styles[etree_element, None]

    self._pending_context = (html.etree_element, html.base_url, target_collector)
    for element, pseudo_type in [key for key in pending if key in eager]:
        _make(self, element, pseudo_type)               # an anchor is collected now, in upstream's order

    self._cascaded_styles.clear()


def _make(self: Any, element: Any, pseudo_type: str) -> None:
    """Weigh the kept declarations of ``element``'s ``pseudo_type`` and make its computed style, as
    upstream's second pass over the cascaded styles does (``StyleFor.set_computed_styles``)."""
    style: dict = {}
    for declarations, origin, layer_order, specificity in self._pending_pseudo.pop((element, pseudo_type)):
        _weigh(style, declarations, origin, layer_order, specificity)
    root, base_url, target_collector = self._pending_context
    self._cascaded_styles[element, pseudo_type] = style
    try:
        self.set_computed_styles(element, pseudo_type=pseudo_type, root=root, parent=element, base_url=base_url,
                                 target_collector=target_collector)
    finally:
        del self._cascaded_styles[element, pseudo_type]


def style_for(upstream: Any) -> Any:
    """``StyleFor.__call__`` (``upstream``) that first makes a kept pseudo-element style (see :func:`_make`)."""

    def __call__(self: Any, element: Any, pseudo_type: Optional[str] = None) -> Any:
        if pseudo_type is not None:
            pending = getattr(self, "_pending_pseudo", None)
            if pending and (element, pseudo_type) in pending:
                _make(self, element, pseudo_type)
        return upstream(self, element, pseudo_type)

    return __call__


def _weigh(style: dict, declarations: Any, origin: str, layer_order: float, specificity: tuple) -> None:
    """Weigh ``declarations`` ((name, values, importance) triples) into the cascaded ``style`` (name →
    (values, weight)) as upstream's cascade does: a later declaration of equal or greater weight wins."""
    for name, values, importance in declarations:
        weight = (declaration_precedence(origin, importance), layer_order, specificity)
        old_weight = style.get(name, (None, None))[1]
        if old_weight is None or old_weight <= weight:
            style[name] = values, weight
