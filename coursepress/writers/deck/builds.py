"""Build animations: paragraphs that appear one click at a time (``::: incremental``, ``. . .`` pauses).

Written as PowerPoint writes an "Appear" entrance effect by paragraph
(ECMA-376 Part 1 §19.5: ``p:timing`` with the main sequence, one click-started
``p:par`` per click holding one effect per paragraph it shows (the first a
``clickEffect``, the others ``withEffect``), each setting ``style.visibility``
to ``visible`` on a ``p:txEl/p:pRg`` range, and one ``p:bldP build="p"`` per
shape). PowerPoint, WPS and LibreOffice Impress play it; print outputs never see it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pptx.oxml.ns import qn


def _node(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, qn(tag), {k: str(v) for k, v in attrs.items()})


def clicks(paras) -> list[list[int]]:
    """Indices of the paragraphs (:class:`~.nodes.Para`) each click shows, in order: a ``step`` paragraph
    (``::: incremental``) alone; a ``pause`` paragraph (after ``. . .``) with every paragraph after it
    up to the next click's."""
    out: list[list[int]] = []
    paused = False
    for index, para in enumerate(paras):
        if para.pause or para.step:
            out.append([index])
            paused = paused or para.pause
        elif paused:
            out[-1].append(index)
    return out


def add_steps(slide: Any, builds: list[tuple[Any, list[list[int]]]]) -> None:
    """Make paragraphs of shapes of ``slide`` appear on successive clicks: ``builds`` lists
    (shape, clicks) in click order, each click the 0-based paragraph indices (in that shape's text) it
    shows together (:func:`clicks`). Does nothing when there is no click. The slide must have no
    ``p:timing`` yet."""
    builds = [(shape, groups) for shape, groups in builds if groups]
    if not builds:
        return
    timing = etree.Element(qn("p:timing"))
    root = _node(_node(_node(timing, "p:tnLst"), "p:par"), "p:cTn", id=1, dur="indefinite", restart="never",
                 nodeType="tmRoot")
    seq = _node(_node(root, "p:childTnLst"), "p:seq", concurrent=1, nextAc="seek")
    main = _node(seq, "p:cTn", id=2, dur="indefinite", nodeType="mainSeq")
    steps = _node(main, "p:childTnLst")
    ids = iter(range(3, 10 ** 6))
    for shape, groups in builds:
        for group in groups:
            outer = _node(_node(steps, "p:par"), "p:cTn", id=next(ids), fill="hold")
            _node(_node(outer, "p:stCondLst"), "p:cond", delay="indefinite")
            inner = _node(_node(_node(outer, "p:childTnLst"), "p:par"), "p:cTn", id=next(ids), fill="hold")
            _node(_node(inner, "p:stCondLst"), "p:cond", delay=0)
            effects = _node(inner, "p:childTnLst")
            for rank, index in enumerate(group):
                _appear(effects, ids, shape.shape_id, index, "clickEffect" if rank == 0 else "withEffect")
    for tag, event in (("p:prevCondLst", "onPrev"), ("p:nextCondLst", "onNext")):
        _node(_node(_node(seq, tag), "p:cond", evt=event, delay=0), "p:tgtEl").append(etree.Element(qn("p:sldTgt")))
    build_list = _node(timing, "p:bldLst")
    for shape, _groups in builds:
        _node(build_list, "p:bldP", spid=shape.shape_id, grpId=0, build="p")
    sld = slide._element
    anchor = sld.find(qn("p:clrMapOvr"))
    if anchor is None:
        anchor = sld.find(qn("p:cSld"))
    transition = sld.find(qn("p:transition"))
    (transition if transition is not None else anchor).addnext(timing)


def _appear(parent, ids, spid: int, index: int, node_type: str) -> None:
    """One "Appear" entrance effect (preset 1) of paragraph ``index`` of shape ``spid`` under ``parent``."""
    effect = _node(_node(parent, "p:par"), "p:cTn", id=next(ids), presetID=1, presetClass="entr", presetSubtype=0,
                   fill="hold", grpId=0, nodeType=node_type)
    _node(_node(effect, "p:stCondLst"), "p:cond", delay=0)
    behaviour = _node(_node(_node(effect, "p:childTnLst"), "p:set"), "p:cBhvr")
    change = _node(behaviour, "p:cTn", id=next(ids), dur=1, fill="hold")
    _node(_node(change, "p:stCondLst"), "p:cond", delay=0)
    target = _node(_node(behaviour, "p:tgtEl"), "p:spTgt", spid=spid)
    _node(_node(target, "p:txEl"), "p:pRg", st=index, end=index)
    _node(_node(behaviour, "p:attrNameLst"), "p:attrName").text = "style.visibility"
    _node(_node(behaviour.getparent(), "p:to"), "p:strVal", val="visible")
