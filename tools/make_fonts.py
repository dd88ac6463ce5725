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

--fallback additionally builds HanaMinExt-fallback.ttf: a subset of HanaMinB
(Debian fonts-hanazono) holding the CJK Ext-B..F ideographs that Noto CJK SC
lacks but that have a Mandarin reading (Unihan kMandarin, Debian unicode-data)
AND appear in a dictionary index (kDefinition/kCihaiT/kXHC1983/kSBGY).
Needs: apt-get install fonts-hanazono unicode-data.

The emoji font (NotoEmoji-Regular.ttf) is copied unmodified from the npm
package @expo-google-fonts/noto-emoji (see assets/fonts/README.md); it is
not built here.

Requires: fontTools (>= 4.40).
"""
import argparse
import os
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


def build_face(out_name, src_dir, out_dir, resubroutinize=False):
    t0 = time.time()
    ttc_name, family = FACES[out_name]
    ttc_path = os.path.join(src_dir, ttc_name)
    idx = find_face_index(ttc_path, family)
    # recalcTimestamp=False keeps the upstream head.modified: byte-reproducible output
    font = TTFont(ttc_path, fontNumber=idx, lazy=False, recalcTimestamp=False)
    weight = font["OS/2"].usWeightClass
    unicodes = sorted(font.getBestCmap().keys())
    # Variation selectors of the format-14 subtable (FE00/FE01 punctuation
    # variants etc.) are not in the best cmap; request them so that the
    # subsetter keeps the variation sequences.
    selectors = {vs for t in font["cmap"].tables if t.format == 14 for vs in t.uvsDict}
    unicodes = sorted(set(unicodes) | selectors)
    drop_langsys(font)
    sub = subset.Subsetter(subset_options())
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    assert font["OS/2"].usWeightClass == weight
    assert font["name"].getDebugName(1) == family, font["name"].getDebugName(1)
    missing = set(unicodes) - set(font.getBestCmap()) - selectors
    assert not missing, f"lost {len(missing)} code points"
    if selectors:
        assert any(t.format == 14 for t in font["cmap"].tables), "lost cmap format 14"
    if resubroutinize:  # optional: pip install cffsubr (~5% smaller, +1 min/face)
        import cffsubr
        cffsubr.subroutinize(font)
    out_path = os.path.join(out_dir, out_name)
    font.save(out_path)
    size = os.path.getsize(out_path)
    return (f"{out_name}: face #{idx} of {ttc_name}, {len(unicodes) - len(selectors)} code points"
            f" (+{len(selectors)} variation selectors), "
            f"{font['maxp'].numGlyphs} glyphs, {size / 1e6:.2f} MB, "
            f"{time.time() - t0:.0f}s")


HANAMIN_B = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
UNIHAN_DIR = "/usr/share/unicode"
FALLBACK_NAME = "HanaMinExt-fallback.ttf"
FALLBACK_FAMILY = "HanaMin Ext Fallback"
FALLBACK_KEYS = ("kDefinition", "kCihaiT", "kXHC1983", "kSBGY")


def fallback_codepoints(src_dir):
    import bz2
    props = {}
    for part in ("Readings", "DictionaryLikeData", "DictionaryIndices"):
        path = os.path.join(UNIHAN_DIR, f"Unihan_{part}.txt.bz2")
        with bz2.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("U+"):
                    cp, key, _ = line.split("\t", 2)
                    props.setdefault(int(cp[2:], 16), set()).add(key)
    noto = set()
    for ttc_name, family in set(FACES.values()):
        ttc = os.path.join(src_dir, ttc_name)
        noto |= set(TTFont(ttc, fontNumber=find_face_index(ttc, family),
                           lazy=True).getBestCmap())
    return sorted(
        cp for cp, keys in props.items()
        if cp >= 0x20000 and cp not in noto and "kMandarin" in keys
        and any(k in keys for k in FALLBACK_KEYS))


def build_fallback(src_dir, out_dir):
    t0 = time.time()
    wanted = fallback_codepoints(src_dir)
    font = TTFont(HANAMIN_B, recalcTimestamp=False)
    have = set(font.getBestCmap())
    unicodes = [cp for cp in wanted if cp in have]
    opts = subset_options()
    opts.drop_tables = ["DSIG", "FFTM"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    # Rename the family (the OFL option of the dual licence reserves the
    # names "HanaMinA"/"HanaMinB"/"Hanazono Font"; we use the Hanazono Font
    # License, but a distinct name also avoids clashing with an installed
    # HanaMinB).
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=rec.nameID)
    name.setName(FALLBACK_FAMILY, 1, 3, 1, 0x409)
    name.setName("Regular", 2, 3, 1, 0x409)
    name.setName(FALLBACK_FAMILY + " Regular", 4, 3, 1, 0x409)
    name.setName(FALLBACK_FAMILY.replace(" ", "") + "-Regular", 6, 3, 1, 0x409)
    name.setName(FALLBACK_FAMILY.replace(" ", "") + "-Regular;subset", 3, 3, 1, 0x409)
    font["post"].formatType = 3.0
    out_path = os.path.join(out_dir, FALLBACK_NAME)
    font.save(out_path)
    size = os.path.getsize(out_path)
    return (f"{FALLBACK_NAME}: {len(unicodes)} code points (of {len(wanted)} wanted), "
            f"{font['maxp'].numGlyphs} glyphs, {size / 1e6:.2f} MB, {time.time() - t0:.0f}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=SRC_DIR, help="directory with the Noto CJK .ttc files")
    ap.add_argument("--out", default=OUT_DIR)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--only", nargs="*", choices=sorted(FACES), help="build only these")
    ap.add_argument("--resubroutinize", action="store_true",
                    help="re-subroutinize CFF with cffsubr (pip install cffsubr), ~5%% smaller")
    ap.add_argument("--fallback", action="store_true",
                    help=f"also build {FALLBACK_NAME} (needs fonts-hanazono, unicode-data)")
    ap.add_argument("--fallback-only", action="store_true", help=f"build only {FALLBACK_NAME}")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    names = [] if args.fallback_only else (args.only or list(FACES))
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(build_face, n, args.src, args.out, args.resubroutinize) for n in names]
        if args.fallback or args.fallback_only:
            futs.append(ex.submit(build_fallback, args.src, args.out))
        for f in futs:
            print(f.result(), flush=True)


if __name__ == "__main__":
    main()
