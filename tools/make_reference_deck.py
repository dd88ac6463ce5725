"""Build ``templates/deck/reference.pptx``, the default reference deck (master) of the lecture deck.

Run: ``python tools/make_reference_deck.py [OUT]``.

Starts from python-pptx's default template, makes it 16:9 (13.333 × 7.5 in),
sets the theme (colours; ``a:latin`` Calibri and ``a:ea`` Noto Sans CJK SC in
both the major and the minor font) and replaces the layouts by the seven named
layouts the deck writer looks up by name (see ``coursepress/writers/deck/reference.py``):

    Title, Section, Title and Content, Two Content, Table, Chart, Closing

Each layout's placeholders are named too (Title, Subtitle, Content, Left,
Right, Table, Chart, Caption, Footer, Slide Number). Everything that decides
the look of the deck (positions, sizes, colours, spacing) is set here, once,
and the writer reads it back from the file.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
A, P = "{%s}" % NS["a"], "{%s}" % NS["p"]

LATIN, EAST_ASIAN = "Calibri", "Noto Sans CJK SC"
# Theme colours: slate text, deep blue headings, blue and orange accents. The deck's charts use
# accent1 for closed models and accent3 for open weights: the colours of templates/charts/chart.svg.j2.
COLOURS = {"dk1": "1F2937", "lt1": "FFFFFF", "dk2": "1E3A5F", "lt2": "E8EEF6", "accent1": "2B5C9E",
           "accent2": "E07A1F", "accent3": "2F7D5B", "accent4": "7C5CC4", "accent5": "C94343",
           "accent6": "0E8A96", "hlink": "1E5AA8", "folHlink": "7C5CC4"}

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)
MARGIN = Inches(0.6)
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE = (MARGIN, Inches(0.3), CONTENT_W, Inches(1.25))
BODY_TOP = Inches(1.75)
BODY = (MARGIN, BODY_TOP, CONTENT_W, Inches(4.85))
DATA = (MARGIN, BODY_TOP, CONTENT_W, Inches(4.1))
CAPTION = (MARGIN, Inches(5.9), CONTENT_W, Inches(0.85))
FOOTER = (MARGIN, Inches(6.88), Inches(9.0), Inches(0.42))
SLIDE_NO = (SLIDE_W - MARGIN - Inches(1.2), Inches(6.88), Inches(1.2), Inches(0.42))
GAP = Inches(0.4)
HALF_W = (CONTENT_W - GAP) // 2

def _rect(x, y, w, h) -> str:
    return f'<a:xfrm><a:off x="{int(x)}" y="{int(y)}"/><a:ext cx="{int(w)}" cy="{int(h)}"/></a:xfrm>'


def _lvl(n: int, size_pt: float | None = None, colour: str | None = None, bold: bool = False, align: str = "",
         bullet: bool | None = None) -> str:
    attrs = f' algn="{align}"' if align else ""
    if bullet is False:
        attrs += ' marL="0" indent="0"'
    inner = "<a:buNone/>" if bullet is False else ""
    rpr = ""
    if size_pt:
        rpr += f' sz="{int(size_pt * 100)}"'
    if bold:
        rpr += ' b="1"'
    fill = f'<a:solidFill><a:schemeClr val="{colour}"/></a:solidFill>' if colour else ""
    return f"<a:lvl{n}pPr{attrs}>{inner}<a:defRPr{rpr}>{fill}</a:defRPr></a:lvl{n}pPr>"


def placeholder(shape_id: int, name: str, ph_type: str, idx: int, rect, anchor: str = "t",
                levels: str = "", prompt: str = "") -> str:
    """One ``p:sp`` placeholder element as XML text (``ph_type`` "obj" means a generic content placeholder)."""
    type_attr = "" if ph_type == "obj" else f' type="{ph_type}"'
    size = ' sz="quarter"' if ph_type in ("ftr", "sldNum", "tbl", "chart") else ""
    idx_attr = f' idx="{idx}"' if idx else ""
    text = f'<a:r><a:rPr lang="zh-CN" altLang="en-US"/><a:t>{prompt}</a:t></a:r>' if prompt else ""
    if ph_type == "sldNum":
        text = '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:rPr lang="en-US"/><a:t>‹#›</a:t></a:fld>'
    return (f'<p:sp xmlns:p="{NS["p"]}" xmlns:a="{NS["a"]}"><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
            f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph{type_attr}{size}{idx_attr}/></p:nvPr></p:nvSpPr>'
            f'<p:spPr>{_rect(*rect)}</p:spPr><p:txBody><a:bodyPr anchor="{anchor}"><a:noAutofit/></a:bodyPr>'
            f'<a:lstStyle>{levels}</a:lstStyle><a:p>{text}</a:p></p:txBody></p:sp>')


def footer_placeholders(start_id: int, light: bool = False) -> list[str]:
    colour = "lt2" if light else None
    return [placeholder(start_id, "Footer", "ftr", 11, FOOTER, "ctr", _lvl(1, None, colour, align="l")),
            placeholder(start_id + 1, "Slide Number", "sldNum", 12, SLIDE_NO, "ctr", _lvl(1, None, colour, align="r"))]


def layouts() -> dict[str, tuple[str, list[str]]]:
    """Layout name → (background scheme colour or "", placeholder XML list)."""
    no_bullets = _lvl(1, bullet=False)
    return {
        "Title": ("dk2", [
            placeholder(2, "Title", "ctrTitle", 0, (Inches(0.9), Inches(1.7), Inches(11.5), Inches(2.1)), "b",
                        _lvl(1, 44, "lt1", True, "l"), "课程标题"),
            placeholder(3, "Subtitle", "subTitle", 1, (Inches(0.9), Inches(4.1), Inches(11.5), Inches(2.2)), "t",
                        _lvl(1, 22, "lt2", False, "l", bullet=False), "副标题"),
        ]),
        "Section": ("accent1", [
            placeholder(2, "Title", "title", 0, (Inches(0.9), Inches(2.3), Inches(11.5), Inches(1.9)), "b",
                        _lvl(1, 40, "lt1", True, "l"), "部分标题"),
            placeholder(3, "Subtitle", "body", 1, (Inches(0.9), Inches(4.4), Inches(11.5), Inches(1.6)), "t",
                        _lvl(1, 22, "lt2", False, "l", bullet=False), "部分编号"),
            *footer_placeholders(4, light=True),
        ]),
        "Title and Content": ("", [
            placeholder(2, "Title", "title", 0, TITLE, "b", "", "标题"),
            placeholder(3, "Content", "obj", 1, BODY, "t", "", "要点"),
            *footer_placeholders(4),
        ]),
        "Two Content": ("", [
            placeholder(2, "Title", "title", 0, TITLE, "b", "", "标题"),
            placeholder(3, "Left", "obj", 1, (MARGIN, BODY_TOP, HALF_W, BODY[3]), "t", "", "左栏"),
            placeholder(4, "Right", "obj", 2, (MARGIN + HALF_W + GAP, BODY_TOP, HALF_W, BODY[3]), "t", "", "右栏"),
            *footer_placeholders(5),
        ]),
        "Table": ("", [
            placeholder(2, "Title", "title", 0, TITLE, "b", "", "标题"),
            placeholder(3, "Table", "tbl", 13, DATA, "t", _lvl(1, 18) + _lvl(2, 18), ""),
            placeholder(4, "Caption", "body", 14, CAPTION, "t", _lvl(1, 16, "tx1", bullet=False), "说明"),
            *footer_placeholders(5),
        ]),
        "Chart": ("", [
            placeholder(2, "Title", "title", 0, TITLE, "b", "", "标题"),
            placeholder(3, "Chart", "chart", 13, DATA, "t", _lvl(1, 14), ""),
            placeholder(4, "Caption", "body", 14, CAPTION, "t", _lvl(1, 16, "tx1", bullet=False), "说明"),
            *footer_placeholders(5),
        ]),
        "Closing": ("dk2", [
            placeholder(2, "Title", "title", 0, (Inches(0.9), Inches(2.2), Inches(11.5), Inches(1.7)), "b",
                        _lvl(1, 48, "lt1", True, "ctr"), "谢谢"),
            placeholder(3, "Subtitle", "body", 1, (Inches(0.9), Inches(4.1), Inches(11.5), Inches(1.6)), "t",
                        _lvl(1, 22, "lt2", False, "ctr", bullet=False), "致谢"),
        ]),
    }


def _theme(prs) -> None:
    master = prs.slide_masters[0]
    theme_part = master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    root.set("name", "coursepress")
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", "coursepress")
    for child in scheme:
        name = etree.QName(child).localname
        for old in list(child):
            child.remove(old)
        etree.SubElement(child, A + "srgbClr", val=COLOURS[name])
    fonts = root.find(".//a:fontScheme", NS)
    fonts.set("name", "coursepress")
    for which in ("majorFont", "minorFont"):
        font = fonts.find(f"a:{which}", NS)
        font.find("a:latin", NS).set("typeface", LATIN)
        font.find("a:ea", NS).set("typeface", EAST_ASIAN)
        font.find("a:cs", NS).set("typeface", "")
        for extra in font.findall("a:font", NS):   # per-script overrides would bypass a:ea
            font.remove(extra)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _text_styles(master) -> None:
    styles = master._element.find(f"{P}txStyles")
    title = styles.find(f"{P}titleStyle/{A}lvl1pPr")
    title.set("algn", "l")
    title.insert(0, etree.fromstring(f'<a:lnSpc xmlns:a="{NS["a"]}"><a:spcPct val="90000"/></a:lnSpc>'))
    rpr = title.find(f"{A}defRPr")
    rpr.set("sz", "3600")
    rpr.set("b", "1")
    rpr.find(f"{A}solidFill/{A}schemeClr").set("val", "tx2")
    body = styles.find(f"{P}bodyStyle")
    # Level sizes: 24/20/18 pt; nothing on a slide is set below 18 pt.
    sizes = {1: (2400, 342900, "•", "accent1"), 2: (2000, 742950, "–", "accent1"), 3: (1800, 1143000, "•", "tx1")}
    for n in range(1, 10):
        lvl = body.find(f"{A}lvl{n}pPr")
        size, mar, char, colour = sizes.get(n, (1800, 1143000 + (n - 3) * 400000, "•", "tx1"))
        lvl.set("marL", str(mar))
        lvl.set("indent", str(-285750))
        spc = lvl.find(f"{A}spcBef")
        for old in list(spc):
            spc.remove(old)
        etree.SubElement(spc, A + "spcPts", val="1000" if n == 1 else "400")
        bu_font = lvl.find(f"{A}buFont")
        if bu_font is not None:
            bu_font.addprevious(etree.fromstring(
                f'<a:buClr xmlns:a="{NS["a"]}"><a:schemeClr val="{colour}"/></a:buClr>'))
        bu = lvl.find(f"{A}buChar")
        if bu is not None:
            bu.set("char", char)
        lvl.find(f"{A}defRPr").set("sz", str(size))
    other = styles.find(f"{P}otherStyle/{A}lvl1pPr/{A}defRPr")
    if other is not None:
        other.set("sz", "1800")


def _master(prs) -> None:
    master = prs.slide_masters[0]
    rects = {"title": TITLE, "body": BODY, "dt": (Inches(-5), Inches(-5), Inches(1), Inches(0.4)),
             "ftr": FOOTER, "sldNum": SLIDE_NO}
    names = {"title": "Title", "body": "Content", "dt": "Date", "ftr": "Footer", "sldNum": "Slide Number"}
    for sp in master.placeholders:
        kind = sp._element.ph.get("type")
        sp._element.nvSpPr.cNvPr.set("name", names[kind])
        sp.left, sp.top, sp.width, sp.height = (Emu(v) for v in rects[kind])
        body_pr = sp._element.txBody.find(f"{A}bodyPr")
        for auto in list(body_pr):
            body_pr.remove(auto)
        etree.SubElement(body_pr, A + "noAutofit")
        if kind in ("ftr", "sldNum"):
            rpr = sp._element.txBody.find(f".//{A}lvl1pPr/{A}defRPr")
            rpr.set("sz", "1200")
            rpr.find(f"{A}solidFill/{A}schemeClr").set("val", "tx1")
        if kind == "title":
            body_pr.set("anchor", "b")
    tree = master._element.cSld.spTree
    date = next(sp for sp in master.placeholders if sp._element.ph.get("type") == "dt")
    tree.remove(date._element)
    # A short accent rule under the title and a hairline above the footer: the house look.
    tree.append(etree.fromstring(_bar(20, "Accent Rule", MARGIN, Inches(1.6), Inches(1.1), Inches(0.07), "accent2")))
    tree.append(etree.fromstring(_bar(21, "Footer Rule", MARGIN, Inches(6.82), CONTENT_W, Inches(0.015), "lt2")))
    _text_styles(master)


def _bar(shape_id: int, name: str, x, y, w, h, colour: str) -> str:
    return (f'<p:sp xmlns:p="{NS["p"]}" xmlns:a="{NS["a"]}"><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
            f'<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr>{_rect(x, y, w, h)}'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val="{colour}"/></a:solidFill>'
            f'<a:ln><a:noFill/></a:ln></p:spPr></p:sp>')


def _rebuild_layouts(prs) -> None:
    keep = {"Title Slide": "Title", "Section Header": "Section", "Title and Content": "Title and Content",
            "Two Content": "Two Content", "Title Only": "Table", "Content with Caption": "Chart", "Blank": "Closing"}
    specs = layouts()
    for layout in list(prs.slide_layouts):
        if layout.name not in keep:
            prs.slide_layouts.remove(layout)
    for layout in prs.slide_layouts:
        name = keep[layout.name]
        background, shapes = specs[name]
        c_sld = layout._element.cSld
        c_sld.set("name", name)
        tree = c_sld.spTree
        for sp in list(tree)[2:]:
            tree.remove(sp)
        for xml in shapes:
            tree.append(etree.fromstring(xml))
        old_bg = c_sld.find(f"{P}bg")
        if old_bg is not None:
            c_sld.remove(old_bg)
        if background:
            c_sld.insert(0, etree.fromstring(
                f'<p:bg xmlns:p="{NS["p"]}" xmlns:a="{NS["a"]}"><p:bgPr><a:solidFill><a:schemeClr val="{background}"/>'
                f'</a:solidFill><a:effectLst/></p:bgPr></p:bg>'))
            layout._element.set("showMasterSp", "0")
    order = ["Title", "Section", "Title and Content", "Two Content", "Table", "Chart", "Closing"]
    id_list = prs.slide_masters[0]._element.sldLayoutIdLst
    entries = {prs.slide_masters[0].part.related_part(e.rId).slide_layout.name: e for e in id_list}
    for name in order:
        id_list.append(entries[name])


def build() -> bytes:
    """The reference deck as bytes (ZIP entries with fixed timestamps, so the file is reproducible)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _theme(prs)
    _master(prs)
    _rebuild_layouts(prs)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = "coursepress reference deck", "coursepress", "coursepress"
    import datetime as dt
    props.created = props.modified = dt.datetime(2023, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "templates/deck/reference.pptx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
