#!/usr/bin/env python3
"""Build the bundled CJK fonts under assets/fonts/ from Debian's fonts-noto-cjk.

Usage:  python tools/make_fonts.py [--src DIR] [--out DIR] [--jobs N] [--only NAME ...]

For each of Noto Serif/Sans CJK SC Regular/Bold the "SC" face is taken out of
the Debian TTC (/usr/share/fonts/opentype/noto/Noto{Serif,Sans}CJK-{Regular,Bold}.ttc)
and subset with fontTools:

* every code point of the SC face's cmap is kept (incl. Ext-A/B/..., and the
  cmap format-14 variation sequences for them);
* all GSUB/GPOS features are kept and the glyph set is closed over them
  (vert/vrt2, hwid/fwid/pwid/palt, ccmp, liga, locl for zh-Hans, ...);
* the language systems JAN/KOR/ZHH/ZHT are removed first, so the Japanese,
  Korean and Traditional-Chinese `locl` forms (and whatever else only those
  language systems reach) are dropped; DFLT/dflt and ZHS are kept;
* CFF hinting is dropped (hinting=False); subroutines are kept (size);
* name table (all IDs, all languages), OS/2 (usWeightClass etc.), vhea/vmtx,
  VORG, BASE are kept.

Output: plain OpenType/CFF .otf (no woff2 compression).
Also (optionally, --emoji) subsets the monochrome Noto Emoji font if the
source TTF is given with --emoji-src (see assets/fonts/README.md).
Requires: fontTools (>= 4.40).
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SRC_DIR = "/usr/share/fonts/opentype/noto"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "assets", "fonts"))

# output name -> (source ttc, family name of the face to extract)
FACES = {
    "NotoSerifCJKsc-Regular.otf": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "NotoSerifCJKsc-Bold.otf": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "NotoSansCJKsc-Regular.otf": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "NotoSansCJKsc-Bold.otf": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
}

# OpenType language-system tags whose locl (etc.) forms we do not need.
DROP_LANGSYS = {"JAN ", "KOR ", "ZHH ", "ZHT "}


def find_face_index(ttc_path, family):
    coll = TTCollection(ttc_path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(1) == family:
            return i
    raise SystemExit(f"{family!r} not found in {ttc_path}")


def drop_langsys(font, tags=DROP_LANGSYS):
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        table = font[tag].table
        if not table.ScriptList:
            continue
        for rec in table.ScriptList.ScriptRecord:
            script = rec.Script
            script.LangSysRecord = [
                ls for ls in script.LangSysRecord if ls.LangSysTag not in tags
            ]
            script.LangSysCount = len(script.LangSysRecord)


def subset_options():
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.layout_scripts = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.hinting = False
    opts.notdef_outline = True
    opts.notdef_glyph = True
    opts.glyph_names = False
    opts.legacy_kern = True
    opts.drop_tables = ["DSIG"]
    opts.prune_unicode_ranges = False
    opts.prune_codepage_ranges = False
    opts.passthrough_tables = False
    opts.desubroutinize = False
    opts.flavor = None
    return opts


def build_face(out_name, src_dir, out_dir):
    t0 = time.time()
    ttc_name, family = FACES[out_name]
    ttc_path = os.path.join(src_dir, ttc_name)
    idx = find_face_index(ttc_path, family)
    font = TTFont(ttc_path, fontNumber=idx, lazy=False)
    weight = font["OS/2"].usWeightClass
    unicodes = sorted(font.getBestCmap().keys())
    drop_langsys(font)
    sub = subset.Subsetter(subset_options())
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    assert font["OS/2"].usWeightClass == weight
    assert font["name"].getDebugName(1) == family, font["name"].getDebugName(1)
    missing = set(unicodes) - set(font.getBestCmap())
    assert not missing, f"lost {len(missing)} code points"
    out_path = os.path.join(out_dir, out_name)
    font.save(out_path)
    size = os.path.getsize(out_path)
    return (f"{out_name}: face #{idx} of {ttc_name}, {len(unicodes)} code points, "
            f"{font['maxp'].numGlyphs} glyphs, {size / 1e6:.2f} MB, "
            f"{time.time() - t0:.0f}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=SRC_DIR, help="directory with the Noto CJK .ttc files")
    ap.add_argument("--out", default=OUT_DIR)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--only", nargs="*", choices=sorted(FACES), help="build only these")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    names = args.only or list(FACES)
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(build_face, n, args.src, args.out) for n in names]
        for f in futs:
            print(f.result(), flush=True)


if __name__ == "__main__":
    main()
