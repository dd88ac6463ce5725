"""Build animations: paragraphs that appear one click at a time (``::: incremental``).

Written as PowerPoint writes an "Appear" entrance effect by paragraph
(ECMA-376 Part 1 §19.5: ``p:timing`` with the main sequence, one click-started
``p:par`` per paragraph setting ``style.visibility`` to ``visible`` on a
``p:txEl/p:pRg`` range, and ``p:bldP build="p"`` for the shape). PowerPoint,
WPS and LibreOffice Impress play it; print outputs never see it.
"""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn


def _node(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, qn(tag), {k: str(v) for k, v in attrs.items()})


def add_steps(slide, shape, paragraphs: list[int]) -> None:
    """Make paragraphs ``paragraphs`` (0-based indices in ``shape``'s text) of ``slide`` appear on
    successive clicks; does nothing for an empty list. The slide must have no ``p:timing`` yet."""
    if not paragraphs:
        return
    spid = shape.shape_id
    timing = etree.Element(qn("p:timing"))
    root = _node(_node(_node(timing, "p:tnLst"), "p:par"), "p:cTn", id=1, dur="indefinite", restart="never",
                 nodeType="tmRoot")
    seq = _node(_node(root, "p:childTnLst"), "p:seq", concurrent=1, nextAc="seek")
    main = _node(seq, "p:cTn", id=2, dur="indefinite", nodeType="mainSeq")
    clicks = _node(main, "p:childTnLst")
    ids = iter(range(3, 10 ** 6))
    for index in paragraphs:
        outer = _node(_node(clicks, "p:par"), "p:cTn", id=next(ids), fill="hold")
        _node(_node(outer, "p:stCondLst"), "p:cond", delay="indefinite")
        inner = _node(_node(_node(outer, "p:childTnLst"), "p:par"), "p:cTn", id=next(ids), fill="hold")
        _node(_node(inner, "p:stCondLst"), "p:cond", delay=0)
        effect = _node(_node(_node(inner, "p:childTnLst"), "p:par"), "p:cTn", id=next(ids), presetID=1,
                       presetClass="entr", presetSubtype=0, fill="hold", grpId=0, nodeType="clickEffect")
        _node(_node(effect, "p:stCondLst"), "p:cond", delay=0)
        behaviour = _node(_node(_node(effect, "p:childTnLst"), "p:set"), "p:cBhvr")
        change = _node(behaviour, "p:cTn", id=next(ids), dur=1, fill="hold")
        _node(_node(change, "p:stCondLst"), "p:cond", delay=0)
        target = _node(_node(behaviour, "p:tgtEl"), "p:spTgt", spid=spid)
        _node(_node(target, "p:txEl"), "p:pRg", st=index, end=index)
        _node(_node(behaviour, "p:attrNameLst"), "p:attrName").text = "style.visibility"
        _node(_node(behaviour.getparent(), "p:to"), "p:strVal", val="visible")
    for tag, event in (("p:prevCondLst", "onPrev"), ("p:nextCondLst", "onNext")):
        _node(_node(_node(seq, tag), "p:cond", evt=event, delay=0), "p:tgtEl").append(etree.Element(qn("p:sldTgt")))
    _node(_node(timing, "p:bldLst"), "p:bldP", spid=spid, grpId=0, build="p")
    sld = slide._element
    anchor = sld.find(qn("p:clrMapOvr"))
    if anchor is None:
        anchor = sld.find(qn("p:cSld"))
    transition = sld.find(qn("p:transition"))
    (transition if transition is not None else anchor).addnext(timing)
