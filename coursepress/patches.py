"""Every use of a library's internals, in one module: what is patched, why, and a check that it still fits.

Each patch is applied explicitly by the code that needs it (never at the
import of an unrelated module), is idempotent, and changes no output byte:

==========================  ======================  ==============================================================
patch                       library (pyproject pin)  what and why
==========================  ======================  ==============================================================
:func:`apply_pptx_speedups`  python-pptx 1.x        ``BaseOxmlElement.xpath`` evaluates compiled, cached XPath
                                                     objects (it recompiles every expression on every call: ≈ 5,000
                                                     calls, 0.09 s of a 0.42 s deck); ``_Relationships`` look-ups
                                                     use the index of :mod:`.writers.deck.linear` (a scan per slide
                                                     made decks quadratic: 10 s of 39 s for 1,075 slides).
:func:`remember_partnames`   python-pptx 1.x        one package's ``next_partname`` remembers the names it gave
                                                     (python-pptx lists every part per new part: quadratic).
:func:`remember_images`      python-pptx 1.x        one package's image look-ups (same SHA-1, next ``imageN``) kept
                                                     in a dict (python-pptx walks every relationship per picture).
:func:`package_items`        python-pptx 1.x        the package's ZIP members as python-pptx's save makes them, not
                                                     zipped: the deck is zipped once (:mod:`.writers.deck.package`).
:func:`no_library_search`    (stdlib ctypes)        ``ctypes.util.find_library`` answers "not found" while
                                                     WeasyPrint 70 imports: cffi would run ldconfig/gcc/ld ≈ 50
                                                     times (0.18 s of a 0.46 s import) for names dlopen finds.
:func:`cached_cdefs`         cffi 2.x               a fresh cffi parser takes the kept result of parsing the same C
                                                     declarations in an earlier build (:mod:`.cdefcache`): WeasyPrint 70
                                                     parses 16 kB of them with pycparser at every import (≈ 25 ms).
:func:`deflate_level`        pydyf 0.13             PDF streams deflated at zlib level 6, not 9 (25 % faster
                                                     writing, 0.6 % larger; pydyf has no setting).
:func:`apply_cjk_justification`  WeasyPrint 70      justified Chinese lines stretch between characters, and
                                                     a mark at a line edge is set half width (``justify_line``:
                                                     :mod:`.writers.cjkjustify`; no hook, and CSS ``text-justify:
                                                     inter-character`` and ``text-spacing-trim`` are not implemented).
:func:`page_box`             WeasyPrint 70          the laid-out box tree of a page (private ``Page._page_box``):
                                                     overflow checks and the poster's fitting read it.
:func:`swapped`              WeasyPrint 70          the handout's page floats (:mod:`.writers.pageflow`) watch
                                                     and re-run ``layout_document``/``make_all_pages``/``remake_page``
                                                     and build a ``Document`` from re-laid pages (no page floats
                                                     upstream); :mod:`.writers.pagefill` wraps ``remake_page``
                                                     during the first layout to make a page with a hole again.
:func:`apply_png_passthrough`  WeasyPrint 70       PNG image data goes into the PDF as written when the stream
                                                     can hold it (:mod:`.writers.pngpass`): WeasyPrint decodes and
                                                     re-compresses every PNG (≈ 0.15 s per screenshot).
:func:`apply_subset_cache`   WeasyPrint 70          font subsets are kept between builds in the per-user cache, keyed
                                                     by font file, glyphs and options (:mod:`.writers.subsetcache`):
                                                     subsetting the CJK faces took 0.09 s of every handout; the
                                                     file's digest starts on a thread when ``Font`` is made.
:func:`apply_prepared_images`  WeasyPrint 70       a ``coursepress-image:`` URL becomes an image laid out by its
                                                     known size whose bytes are taken when the PDF is written
                                                     (:mod:`.writers.pdfimages`: prepared in other processes
                                                     meanwhile), and an indexed PNG goes in as indexed.
:func:`apply_fast_serialiser`  pydyf 0.13        objects to bytes faster with the same bytes (:mod:`.writers.pdfserial`):
                                                     exact types first in ``_to_bytes`` (≈ 330,000 calls per
                                                     handout), and each object's ``data`` made once per write
                                                     (pydyf deflated every stream twice for the identifier).
:func:`apply_svg_path_memo`  WeasyPrint 70        an SVG ``<path>`` drawn again from what its first draw appended when
                                                     its data holds plain numbers only (:mod:`.writers.svgpaths`):
                                                     formula glyphs are parsed once, not at every ``<use>``.
:func:`apply_layout_shortcuts`  WeasyPrint 70     ``resolve_one_percentage`` (≈ 310,000 calls in the chapter) and
                                                     ``Box.is_in_normal_flow`` (≈ 100,000) with their common case
                                                     first, same results (:mod:`.writers.layoutfast`).
:func:`apply_font_description_memo`  WeasyPrint 70  a text layout's Pango font description made once per distinct font
                                                     style (:mod:`.writers.fontdesc`): 11,411 made for 31 styles.
:func:`apply_lazy_pseudo_styles`  WeasyPrint 70   the cascade makes a pseudo-element's style when a box asks for it
                                                     (:mod:`.writers.pseudostyles`): six user-agent rules such as
                                                     ``::footnote-call`` match every element, 9,714 styles a handout;
                                                     the elements inside an inline ``<svg>`` are neither cascaded nor
                                                     boxed (:mod:`.writers.inlinesvg`: drawn from the element tree).
:func:`apply_page_total_sync`  WeasyPrint 70      a layout pass does not make the contents page again only because the
                                                     page total changed (:mod:`.writers.pagecounts`: it does not show it).
:func:`apply_parser_patterns`  tinyhtml5 2.x       the HTML parser's ``chars_until`` finds its regular expression in
                                                     its cache: upstream stores it under the pattern instead of the
                                                     characters (chained assignment), so it is built again on every
                                                     call (8,600 per course handout: 0.035 s of a 0.078 s parse).
:func:`use_table_splitter`   markdown-it-py 4.x     the table rule splits rows with our splitter, which keeps
                                                     ``|`` inside ``$…$`` formulas (:mod:`.mathsyntax`).
==========================  ======================  ==============================================================

:data:`UPSTREAM` holds the sha256 of the source of every internal replaced or
relied on, at the pinned versions; ``tests/test_mechanisms.py`` fails when an
upgrade changes one of them, so the patch is looked at again before it is trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import inspect
import re
from typing import Any, Callable, Iterator

# sha256 of the upstream source of each internal (python-pptx 1.0.2, WeasyPrint 70.0, pydyf 0.13.0,
# markdown-it-py 4.x, cffi 2.0.0, tinyhtml5 2.1.0, cssselect2 0.10.1). Properties are hashed by their getter.
UPSTREAM = {
    "pptx.oxml.xmlchemy.BaseOxmlElement.xpath":
        "75557aab832299352c7e5622f031ff32e0f9a7230e8a0578cbfbd6b96084bf38",
    "pptx.opc.package._Relationships._rels_by_reltype":
        "a9f123cd7ce139dedf2f1d8bd1712ef392c39f9d8110086b2cf0078f5f491062",
    "pptx.opc.package._Relationships._get_matching":
        "0126b90d694f9afa55abaf94a971664800112a7ad4e7134609c4ec2f7e0a657a",
    "pptx.opc.package.OpcPackage.next_partname":
        "ea0900f8af6b316fa9bece9dc15f1e4e1306d7acb2a53615ec440c09346ad390",
    # relied on by remember_images: the rules it keeps, and the part it makes
    "pptx.package._ImageParts.get_or_add_image_part":
        "8bc476a2bf631df1e77eacd881fedd861b1ac95821f7eb05dea3d6bcde984161",
    "pptx.package._ImageParts._find_by_sha1":
        "559d56855e94db9cf4ee5e95f21bacd23187394996f907dc4ffbb496238807c3",
    "pptx.package.Package.next_image_partname":
        "f23a41a10db80d809978020ffa95e980abd52473ee572bb41d3344c636bb94f5",
    "pptx.parts.image.ImagePart.new":
        "3a5eeed3a7ba02b9375e30a8d786eb6f82afdf664f5503cab9792d4dfd41f8d3",
    # relied on by package_items: what save writes, and how
    "pptx.opc.package.OpcPackage.save":
        "eb856d312e3c09429f5b5837ef5d3186a3ccdda1a59172d5f5008094ca9fb458",
    "pptx.opc.serialized.PackageWriter._write":
        "dbcf2e70fc4c5c3f36c8f0493fa85be3ae7bc31096cbfdc1ece0dcd5c6f21b9e",
    "pptx.util.lazyproperty.__get__":
        "1a0a3a17ac88e3c10cebedf174d68b9dfdcadc5e318b126612f1e93a4cc7655a",
    "weasyprint.text.ffi._dlopen":
        "9ab3167cbc80487105bc61a3350eeb88c64b5bece5dd8f3fae6556db441f9c78",
    "pydyf.Stream.data":
        "bdc2bc513f286de7b7a7220a43e6085daa6ed0056d9c04e3c9b5abe40f3ecf81",
    # replaced by writers.layoutfast (same results); relied on: what they do in the uncommon cases
    "weasyprint.layout.percent.resolve_one_percentage":
        "4cfaa9ad134e4f7bd8b61c7a6eba56678898545eb8c02f663f29c12a3aa16d54",
    "weasyprint.layout.percent.percentage":
        "ebe404ccd9da50bfc1cd147b8378c34ae1ca6b4ce38a97c0acca923116fcf0d9",
    "weasyprint.formatting_structure.boxes.Box.is_in_normal_flow":
        "5f49d6ab23da7e51003ce68f78e8cb04629e9c2edbf51f77ffa8acd7098e0368",
    "weasyprint.formatting_structure.boxes.Box.is_floated":
        "6e6071b81868ea92a30a24506034cdbbed8d943d7075c86d1df386eac5b9f660",
    "weasyprint.formatting_structure.boxes.Box.is_footnote":
        "3550ea0c868601870c2436360c86cbc01df1c53e1e50f40e7ac343977523b593",
    "weasyprint.formatting_structure.boxes.Box.is_note":
        "2651f1110437e2e311aae3e2c1fdf588b621975e1706bdf66796986422581c37",
    "weasyprint.formatting_structure.boxes.Box.is_absolutely_positioned":
        "397e0c33b3087681e486d5b2511db349c7b069144c717ace90e3ebfbcc61d111",
    "weasyprint.formatting_structure.boxes.Box.is_running":
        "1c451d5c39f4a663221d4c0171f9d2065e3ce6dc07c450b40fac81b9309638a2",
    # replaced by writers.svgpaths (remembered per d string); relied on: draw_node draws a tag through TAGS
    "weasyprint.svg.path.path":
        "194cd562b8d98251583c45d30938f4665547c796a15119e9ba05c25bb80f51d6",
    "weasyprint.svg.SVG.draw_node":
        "5e24443a435c491ef0f0a66bfc93d8e39193c999270d8d048dea06da900c89ba",
    # replaced by writers.pdfserial (same bytes); relied on: the Dictionary and Array data it remembers per write
    "pydyf._to_bytes":
        "1cefd02c285d3aee7ad09bf6e5be50b2b7bd6956dec69829790e64f5255e0009",
    "pydyf.PDF.page_references":
        "060bf90aad55931bc24c3575a52af9478a89916aa307e5323142663841cb7798",
    "pydyf.PDF.add_page":      # relied on: pages are only appended to Kids (page_references kept until then)
        "6039cdea4114e530f64a448b00aa3fb471487e7cafe4d0dc306ae1e1fab2895e",
    "pydyf.PDF.write":
        "242cd38f92ecd33f831159f8eb560487bf2e18d746ff8a7666954f2a8d519ba0",
    "pydyf.Dictionary.data":
        "1a6ebf2b6bc6adcb35017ee398cd7f7d71247dd2828a3051137d2a7abb87388c",
    "pydyf.Array.data":
        "136a84494ae7c8cc344c683281a1e1e56dd478de907ff7ff9d74debe90b8a400",
    "weasyprint.layout.inline.count_expandable_spaces":
        "175fe6f42576ed3842d240a5048b4816ed702e8f97d49389b5b528aee51476ad",
    "weasyprint.layout.inline.add_word_spacing":
        "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "weasyprint.layout.inline.justify_line":
        "f83b21ff8793ba6b6dfc5fe8e10e4ab6cd6e02b17de02da97200902166148a81",
    "weasyprint.text.line_break.Layout.set_text":
        "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    # relied on by the line-edge halts: drawing re-runs set_text(justify=True) on the kept layout, and
    # cjkjustify.justify_replacement builds its layouts as create_layout does with no width limit
    "weasyprint.text.line_break.Layout.reactivate":
        "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "weasyprint.text.line_break.create_layout":
        "6587192cc0ab3ffad7bb1902654c7f26dd28910f760804bcf67cbf7b986660b0",
    "weasyprint.document.Page.__init__":
        "56afceec729bf2c1d6d4d28495726a179882a23dec2234aefaf33bb1027a8dc0",
    "weasyprint.layout.layout_document":
        "a5cbf437e99caf7293e7ed2289278048bca734f7ead2e947b4e24e4a3a536dbc",
    "weasyprint.layout.make_all_pages":
        "b5e4034894841caa9581fa5d33338c71a7d8948be65618d358ab4b946f367edb",
    "weasyprint.layout.initialize_page_maker":
        "5bb3c878d722af539b86e32f76d5471daa0ce18b88604e7d42404f6e4d5419e8",
    # swapped by pageflow's re-layout, relied on: it keeps the next page when a re-made page ends where it did
    "weasyprint.layout.page.remake_page":
        "1ff09b2dffa17839c03aec1150866068066c43e76a5cace0ea298e68909c6d31",
    # relied on by pagefill: what making a page reads and leaves in the layout context (footnotes reported
    # from the page before, boxes broken out of flow, the page's notes), put back to make the page again
    "weasyprint.layout.page.make_page":
        "656f183328e8b1b56311a342621442056c067422958dcaf6730acdfb6c7b8971",
    "weasyprint.document.Document.__init__":
        "3e9c12ed2ef35b9b5da3ddced038f6f225523982b6aa771772cf7937b879af1e",
    # relied on by writers.pagetargets: compute_content_list files an attr() target's page lookup under None
    # (lookup_target resolves the name as pagetargets does), cache_target_page_counters re-makes the pages
    # whose lookups name a target that moved, make_page parses a pending lookup again on its page
    "weasyprint.formatting_structure.build.compute_content_list":
        "3a5674cabd84f48ae9247650a73ad3c0fe690c10a3b7fb0ff6209f8b4b0bf671",
    "weasyprint.css.targets.TargetCollector.lookup_target":
        "cc606c47e1954d3bdacca44d231305cd486f3f79183e7eddda0a41dfd489fb31",
    "weasyprint.css.targets.TargetCollector.cache_target_page_counters":
        "545eb30bb50f0e4921f6405ed31cfcc20bb92f32c85b549fe81507cbf27d6dee",
    # pagetargets resolves an attr() target as lookup_target does (anchor_name_from_token, get_url_tuple) and
    # renames the lookups collect_missing_counters files (counter_lookup_items, missing_target_counters)
    # relayout clears the layout context's table cache between watch rounds: it is this function's, pure
    "weasyprint.layout.preferred.table_and_columns_preferred_widths":
        "1624962c403d0d26d4ddbbc87bc0d9efa7bf729276120c0e45bdc8ad1235305d",
    "weasyprint.css.targets.anchor_name_from_token":
        "c690ab4e5d0e76878ed4ac34a4eea44ef7ce7c0a4d5b96af97b4ca484b2916d8",
    "weasyprint.urls.get_url_tuple":
        "cbc0f15c20e39716a23d9f990247ac41639a5bd3665f177988b4ee7bc56532e8",
    "weasyprint.css.targets.TargetCollector.collect_missing_counters":
        "24ea43be86560c9db5b931269d67af82528cb44a8ced2a25e57036859bebe0cc",
    "weasyprint.layout.page.make_page":
        "656f183328e8b1b56311a342621442056c067422958dcaf6730acdfb6c7b8971",
    "markdown_it.rules_block.table.escapedSplit":
        "983f91c90099ef41a631c36efd6713200fe32f9d3adc235559f1bb1aa7894624",
    "markdown_it.rules_block.table.table":
        "b096f8abe5a08962aa28b1bbc06fd5051ff6f9fa33839f99818ddc499ea5634a",
    "weasyprint.images.RasterImage._get_png_data":
        "da00cfefb979545130b958c5437c8ac62be7dfe939261f9a8196a8a6c5e899c2",
    "weasyprint.images.RasterImage.get_x_object":       # relied on: opens image_data afresh for _get_png_data
        "1f590111444639aa3547375a7fbddc6056f34fe64546c8550dc0ab36ea2b2408",
    "weasyprint.pdf.fonts.Font.subset":
        "61ed6bc2e9a7e43a7ad4c50e4bd61a0c5b6db06069754e66c6e328f4a97a6311",
    # wrapped by the subset cache: its file digest starts on a thread once the font holds file_content and index
    "weasyprint.pdf.fonts.Font.__init__":
        "1f281166b10302a4278a04384970b91496a19b071e071a4087f77a49bc1487fe",
    # relied on by the subset cache's key: the subset depends on the glyphs, hinting and missing glyphs only
    "weasyprint.pdf.fonts.Font._harfbuzz_subset":
        "f80805663ede8080a3e1ffff831e20c74bd25fa3b8e4410334ba807158dc685f",
    # relied on by writers.fontfile (Font.file_content read again from the face): the whole file is the face's
    # blob; clean, _fonttools_subset, type and build_fonts_dictionary read file_content only through the attribute
    "weasyprint.text.fonts.get_hb_object_data":
        "03040a623df04c2b5fe464037e14b07fe430fd1ec43602abf955fdf3fbe77ea6",
    "weasyprint.pdf.fonts.Font.clean":
        "794f0211f18453f1a291056fcd6659cdcb262f7c1133cf5b2ea015df379c6813",
    "weasyprint.pdf.fonts.Font._fonttools_subset":
        "1faa45f3c4cae67e0a8eace77b1ff41f8e161607a502c3daf6baf5879bf5952b",
    "weasyprint.pdf.fonts.Font.type":
        "31376bf9b326ac58403187f045eb3b823ef5cf26ec2a6a4af88f436266a0bd98",
    "weasyprint.pdf.fonts.build_fonts_dictionary":
        "fc551bef35d0d6c3d288f686fd21b5ea8c1efadb8f2f3b4d379cfa6045c02230",
    "weasyprint.images.get_image_from_uri":
        "07bdb0c0e3fd5b83ce54ab4f3f738d963cd1ca1a4991e2acd438ee5058d770ce",
    # relied on by writers.pdfimages: Document._render calls the module's get_image_from_uri by this name,
    # PreparedRaster borrows RasterImage.draw (reads width, height, _dpi, id) and makes RasterImage itself
    "weasyprint.document.Document._render":
        "ebaceeb0fa8e79aaeb199a269e2748e2b36f6d95e98b7089e0dbc963bbca54d8",
    "weasyprint.images.RasterImage.draw":
        "e6074f717d13a3e8e87505ec2904ef3671f2ba46a23cf5ae392c21a6c9f82843",
    "weasyprint.images.RasterImage.__init__":
        "f2f27bf6bb9cf72b123582973faae085c8e7c9dbb22fc41e3376873a6c63dbd6",
    # cffi 2.0.0: cached_cdefs replaces _internal_parse and relies on the parser state __init__ sets
    # (cdefcache.STATE) and on parse() restoring _options around it
    "cffi.cparser.Parser._internal_parse":
        "83d442c429122662e309360ead50543d748d580907cb1a1f93a37bde231fc6d2",
    "cffi.cparser.Parser.__init__":
        "4dd27af45f4118440e7c4af306e6e1188655c4d5368142dcf97c9feeb281ee44",
    "cffi.cparser.Parser.parse":
        "976804c33cc1103ba11d5874d00f1fd19629a2bdd9deb44dd1e3fec529829980",
    # replaced in text.line_break by writers.fontdesc (remembered per style values); relied on: what it reads,
    # and that Layout.setup only hands the description to Pango (copied or read, never changed)
    "weasyprint.text.fonts.get_font_description":
        "85734b8947b9bf64ef27ff11d8f5355db76a2ae8efc9a6fed925dc9e2a1056ce",
    "weasyprint.text.line_break.Layout.setup":
        "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442",
    # relied on by apply_parser_patterns: the cache it reads by (characters, opposite), the pattern it builds
    "tinyhtml5.inputstream.HTMLUnicodeInputStream.chars_until":
        "dfe353323dff1fdc908f4b24439adf34dc7049a990f6aed3ddf6937afb993c58",
    # replaced by writers.pseudostyles.cascade (a copy with pseudo-element styles made on demand) and wrapped
    # (__call__); relied on: how set_computed_styles makes a pseudo-element's style and declaration_precedence
    "weasyprint.css.StyleFor.__init__":
        "b1e725a7552502aa00f0bc07aec79c1aa49365b107a889085161f8d6a4c4a836",
    "weasyprint.css.StyleFor.__call__":
        "96b91915ae7c344a8a4ea9ed112ffa1d7bde9087decb7e9ce723940b849c3936",
    "weasyprint.css.StyleFor.set_computed_styles":
        "b5b15856b8beff3f49e20ac0309d7b45fb2a5192d826dd65e05b3009b8285c46",
    "weasyprint.css.declaration_precedence":
        "510a33df7059e75341fc253e983c7d8a60329ec925eda9abafbc3394e72567bf",
    "weasyprint.css.find_style_attributes":
        "c5b4eb4d3c008b0748719348b33b4bf1e0cf7f90d282954719b1b14611978eb4",
    "weasyprint.css.validation.preprocess_declarations":
        "4db5fa5a1b14194b3a2bdc41aab7c6a0ebbeb0949ed0e0aa3ea86d6a28e100ce",
    # wrapped by writers.inlinesvg (no boxes inside an inline <svg>); relied on: it calls itself through the
    # module's name for each child, and handle_svg replaces the <svg>'s box by one drawn from its elements
    "weasyprint.formatting_structure.build.element_to_box":
        "2d0a37e45b7f3e0cd83ed341842860df538fe113c67ab083d482764970849a95",
    "weasyprint.html.handle_svg":
        "7333e60dbdc9a3548034925f41f020f861d971d2fe088dda0df5fa385fe1af3c",
    # relied on by writers.pagecounts (make_all_pages is wrapped; layout_document and make_page hashed above):
    # what a page-counter look-up remembers
    "weasyprint.css.targets.CounterLookupItem.__init__":
        "e2ee4b5e8cb119b866f0ff78eda449bf4d57fac0d01d8cb1d0009e863da77c53",
    "cssselect2.ElementWrapper.iter_subtree":      # walked as it walks (writers.inlinesvg.elements)
        "887ec7a8b4e8e5ed2be15b63cd346b9bac6ad6774844c36241ed2968762a9ed0",
    # relied on by writers.pagedraws (a page's drawing put in again in watch): what a page's paint does, the
    # stream methods it listens to and what they add to the shared state, how drawing fills the glyph tables,
    # and that generate_pdf paints each page into a fresh stream with its own tag table
    "weasyprint.document.Page.paint":
        "b2f0dcbda755b5d5bd3969e12620c743cdd57fd6d4855685793e128175714410",
    "weasyprint.pdf.stream.Stream.add_font":
        "e4226e111747721713ef1a513ba39542ac767bf32f354a18da2207b0ddf44787",
    "weasyprint.pdf.stream.Stream.add_image":
        "b6eefec44b546e463181aadf48d3b6572888e4f26e420a7059e14418999693c0",
    "weasyprint.pdf.stream.Stream.set_alpha":
        "c9c74350fd9a8fb5b9d214fa4454a2a64b4bc0fb3953677fbffa8549b2b2db01",
    "weasyprint.pdf.stream.Stream.add_group":
        "6022122164739805626abacc28a9931e8c724da5a5420e604d33471336fb4973",
    "weasyprint.pdf.stream.Stream.add_pattern":
        "c6656116cd711ed60add5614ffdaefa1f202c82d718145fa648b1d0d7bfb6de0",
    "weasyprint.pdf.stream.Stream.add_shading":
        "a7c331d6476a028de3e1b27cb8784cb3665fa55aad560b53affea0c92237487a",
    "weasyprint.pdf.stream.Stream.set_state":
        "480c16c96aeba1a8c8e44e57c3034f3f47fd561a88af6d3cacb7a61c98ead605",
    "weasyprint.draw.text.draw_first_line":
        "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "weasyprint.pdf.generate_pdf":
        "626343ef25c396e8521948cadbe2b7544331c161040da80ed4e338fadac3efa9",
    # swapped by writers.marginkeep (layout_document, hashed above, calls it once per page at its end); relied
    # on: what a page's margin boxes are made from (the page, its state, named strings, the target collector)
    "weasyprint.layout.page.make_margin_boxes":
        "4a2d2e301eb3bc47c2812d1502d4d6ce3b65922a76e69fb45c11a5ae353198a7",
    "weasyprint.layout.LayoutContext.get_string_or_element_for":
        "f40ec28ae3470c6ecefa152a099c7fcf42039d1acfe33d498fc0b2cf41fade0b",
    "weasyprint.layout.LayoutContext.get_string_set_for":
        "192682fffbc08fa26ea7fc830bc90542395a30163ff6cc544d466ad33b51340c",
}

_ORIGINALS: dict[str, Any] = {}     # dotted name → the upstream object a patch replaced


def source_hash(obj: Any) -> str:
    """sha256 (hex) of the source of a function, method or property getter."""
    return hashlib.sha256(inspect.getsource(getattr(obj, "fget", obj)).encode()).hexdigest()


def original(dotted: str) -> Any:
    """The upstream object behind ``dotted`` (``package.module.Class.attr``), also after it was patched.

    Raises:
        ImportError / AttributeError: the library no longer has it.
    """
    if dotted in _ORIGINALS:
        return _ORIGINALS[dotted]
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            holder = obj
            obj = vars(holder)[name] if isinstance(holder, type) and name in vars(holder) else getattr(holder, name)
        return obj
    raise ImportError(dotted)


def _replace(holder: Any, name: str, dotted: str, new: Any) -> None:
    """Set ``holder.name`` to ``new``, remembering the upstream value under ``dotted`` (first time only)."""
    _ORIGINALS.setdefault(dotted, vars(holder)[name] if isinstance(holder, type) else getattr(holder, name))
    setattr(holder, name, new)


# ------------------------------------------------------------------ python-pptx

def apply_pptx_speedups() -> None:
    """Compiled XPath for python-pptx elements and indexed relationship look-ups (see the module table).

    Same expressions, namespaces, answers and order; the deck is byte-identical
    (``test_speed_ups_leave_the_deck_byte_identical``). Idempotent.
    """
    from lxml import etree
    from pptx.opc.package import _Relationships
    from pptx.oxml import xmlchemy
    from pptx.oxml.ns import _nsmap

    from .writers.deck import linear

    if "pptx.oxml.xmlchemy.BaseOxmlElement.xpath" in _ORIGINALS:
        return
    compiled: dict[str, etree.XPath] = {}

    def xpath(self: Any, xpath_str: str) -> Any:
        evaluate = compiled.get(xpath_str)
        if evaluate is None:
            evaluate = compiled[xpath_str] = etree.XPath(xpath_str, namespaces=_nsmap)
        return evaluate(self)

    xpath.compiled_cache = True        # type: ignore[attr-defined]
    xpath.__doc__ = xmlchemy.BaseOxmlElement.xpath.__doc__
    by_type, matching = linear.indexed_lookups(_Relationships._rels_by_reltype, _Relationships._get_matching)
    _replace(_Relationships, "_rels_by_reltype", "pptx.opc.package._Relationships._rels_by_reltype", by_type)
    _replace(_Relationships, "_get_matching", "pptx.opc.package._Relationships._get_matching", matching)
    _replace(xmlchemy.BaseOxmlElement, "xpath", "pptx.oxml.xmlchemy.BaseOxmlElement.xpath", xpath)


class _PartNames:
    """The part names of one python-pptx package, kept up to date by :func:`remember_partnames` and
    :func:`remember_images` (python-pptx lists every part of the package to find a free name)."""

    def __init__(self, package: Any) -> None:
        self.names = {str(part.partname) for part in package.iter_parts()}
        self._by_prefix: dict[str, set[str]] = {}

    def with_prefix(self, prefix: str) -> set[str]:
        found = self._by_prefix.get(prefix)
        if found is None:
            found = self._by_prefix[prefix] = {name for name in self.names if name.startswith(prefix)}
        return found

    def add(self, name: str) -> None:
        self.names.add(name)
        for prefix, found in self._by_prefix.items():
            if name.startswith(prefix):
                found.add(name)

    @staticmethod
    def of(package: Any) -> "_PartNames":
        """The names kept for ``package`` (made on first use)."""
        names = getattr(package, "_coursepress_names", None)
        if names is None:
            names = package._coursepress_names = _PartNames(package)
        return names


def remember_partnames(package: Any) -> None:
    """Give one python-pptx ``OpcPackage`` a ``next_partname`` that remembers the names in use.

    python-pptx 1.0 (``opc/package.py``, ``OpcPackage.next_partname``) collects
    the names of all parts for every new slide, notes slide and chart, which
    makes building a deck quadratic in its slides (0.16 s of 0.8 s for this
    course's 48 slides). Same names, same order: python-pptx's rule (count the names
    with the template's prefix, take the highest free number up to one more) over the
    names kept here. Install after parts are dropped.
    """
    from pptx.opc.packuri import PackURI

    names = _PartNames.of(package)

    def next_partname(template: str) -> PackURI:
        prefix = template[: (template % 42).find("42")]
        taken = names.with_prefix(prefix)
        for number in range(len(taken) + 1, 0, -1):
            candidate = template % number
            if candidate not in taken:
                names.add(candidate)
                return PackURI(candidate)
        raise AssertionError("no free part name")      # cannot happen: len + 1 names, at most len taken

    package.next_partname = next_partname


def remember_images(package: Any) -> None:
    """Give one python-pptx ``OpcPackage`` an indexed ``get_or_add_image_part`` and ``next_image_partname``.

    python-pptx 1.0 (``package.py``: ``_ImageParts._find_by_sha1``, ``Package.next_image_partname``) walks
    every relationship of the package twice for each picture added, to find an image with the same
    SHA-1 and the lowest free ``/ppt/media/imageN`` number: quadratic in pictures (0.30 s of a 1.6 s deck
    with 66 pictures). Here the image parts are listed once, in python-pptx's order, and the answers
    kept: the same part for the same SHA-1 (the first in that order), the same number by python-pptx's
    own rule over the part names in use (also those ``next_partname`` gives, such as SVG pictures').
    Install after :func:`remember_partnames` and after parts are dropped.
    """
    from pptx.opc.packuri import PackURI
    from pptx.parts.image import Image, ImagePart

    names = _PartNames.of(package)
    by_sha1: dict[str, Any] = {}
    for part in package._image_parts:
        if hasattr(part, "sha1"):
            by_sha1.setdefault(part.sha1, part)

    def next_image_partname(ext: str) -> PackURI:
        numbers = sorted(idx for idx in (PackURI(name).idx for name in names.with_prefix("/ppt/media/image"))
                         if idx is not None)
        free = next((i + 1 for i, idx in enumerate(numbers) if i + 1 < idx), len(numbers) + 1)
        name = "/ppt/media/image%d.%s" % (free, ext)
        names.add(name)
        return PackURI(name)

    named = package.next_partname

    def next_partname(template: str) -> PackURI:
        name = named(template)
        names.add(str(name))
        return name

    def get_or_add_image_part(image_file: Any) -> Any:
        image = Image.from_file(image_file)
        found = by_sha1.get(image.sha1)
        if found is None:
            found = by_sha1[image.sha1] = ImagePart.new(package, image)
        return found

    package.next_partname = next_partname
    package.next_image_partname = next_image_partname
    package.get_or_add_image_part = get_or_add_image_part


def package_items(package: Any) -> dict[str, bytes]:
    """What python-pptx's ``OpcPackage.save`` writes for ``package``, as ZIP member name → bytes, unzipped.

    The same calls as ``PackageWriter._write`` (content types, package relationships, each part and its
    relationships), into a dict instead of a ZIP that :mod:`.writers.deck.package` would have to read
    back and compress again (python-pptx deflates every part, the PNG and JPEG media too).
    """
    from pptx.opc.serialized import PackageWriter

    class _Collect:
        def __init__(self) -> None:
            self.items: dict[str, bytes] = {}

        def write(self, pack_uri: Any, blob: bytes) -> None:
            self.items[pack_uri.membername] = blob

    collect = _Collect()
    writer = PackageWriter("", package._rels, tuple(package.iter_parts()))
    writer._write_content_types_stream(collect)        # type: ignore[arg-type]
    writer._write_pkg_rels(collect)                    # type: ignore[arg-type]
    writer._write_parts(collect)                       # type: ignore[arg-type]
    return collect.items


# ------------------------------------------------------------------ WeasyPrint, pydyf, ctypes

@contextlib.contextmanager
def no_library_search() -> Iterator[None]:
    """While the block runs, ``ctypes.util.find_library`` finds nothing (see the module table)."""
    import ctypes.util

    lookup = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = lookup


@contextlib.contextmanager
def cached_cdefs() -> Iterator[None]:
    """While the block runs, a fresh cffi parser takes the result of parsing declarations it was given
    before from :mod:`coursepress.cdefcache` instead of parsing them again with pycparser (see the module
    table); what it does parse is kept for the next build.
    """
    from cffi import cparser

    from . import cdefcache

    upstream = cparser.Parser._internal_parse

    def internal_parse(self: Any, csource: str) -> None:
        name = cdefcache.key(csource, self._options) if cdefcache.fresh(self) else None
        if name is not None and cdefcache.restore(self, name):
            return
        upstream(self, csource)
        if name is not None:
            cdefcache.keep(self, name)

    cparser.Parser._internal_parse = internal_parse
    try:
        yield
    finally:
        cparser.Parser._internal_parse = upstream


@contextlib.contextmanager
def deflate_level(level: int) -> Iterator[None]:
    """Have pydyf deflate PDF streams at zlib ``level`` (1–9) while the block runs.

    pydyf 0.13 compresses every stream at level 9 (``Stream.data``) and offers
    no setting. Level 6, zlib's own default, writes this course's handout
    ≈ 0.2 s (25 %) faster for 0.6 % more bytes (measured: 0.82 s → 0.63 s,
    783 → 788 kB). The module's ``zlib`` name is swapped for a proxy that only
    changes the level; if pydyf stops using it, the PDF is written at pydyf's level.
    """
    import pydyf
    import zlib

    class _Zlib:
        def __getattr__(self, name: str) -> Any:
            return getattr(zlib, name)

        @staticmethod
        def compressobj(*args: Any, **kwargs: Any) -> Any:
            kwargs["level"] = level
            return zlib.compressobj(*args[1:], **kwargs)

        @staticmethod
        def compress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
            return zlib.compress(data, level)

    saved = getattr(pydyf, "zlib", None)
    if saved is not zlib:        # not the layout this was written for: leave pydyf alone
        yield
        return
    pydyf.zlib = _Zlib()
    try:
        yield
    finally:
        pydyf.zlib = saved


def apply_cjk_justification() -> None:
    """Make WeasyPrint stretch justified CJK text between characters and set line-edge punctuation half
    width (:mod:`.writers.cjkjustify`; replaces ``count_expandable_spaces``, ``Layout.set_text`` and
    ``justify_line``, whose hashes were already checked). Idempotent."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from .writers import cjkjustify

    if "weasyprint.layout.inline.count_expandable_spaces" in _ORIGINALS:
        return
    count, set_text = cjkjustify.replacements(inline.count_expandable_spaces, line_break.Layout.set_text)
    _replace(inline, "count_expandable_spaces", "weasyprint.layout.inline.count_expandable_spaces", count)
    _replace(line_break.Layout, "set_text", "weasyprint.text.line_break.Layout.set_text", set_text)
    justify = cjkjustify.justify_replacement(inline.count_expandable_spaces, inline.add_word_spacing)
    _replace(inline, "justify_line", "weasyprint.layout.inline.justify_line", justify)


def apply_png_passthrough() -> None:
    """Give WeasyPrint's ``RasterImage._get_png_data`` the PNG pass-through of :mod:`.writers.pngpass`. Idempotent."""
    from weasyprint.images import RasterImage

    from .writers import pngpass

    dotted = "weasyprint.images.RasterImage._get_png_data"
    if dotted in _ORIGINALS:
        return
    upstream = vars(RasterImage)["_get_png_data"].__func__
    _replace(RasterImage, "_get_png_data", dotted, staticmethod(pngpass.replacement(upstream)))


def apply_subset_cache() -> None:
    """Give WeasyPrint's ``Font.subset`` the cache of :mod:`.writers.subsetcache` (subsets kept between
    builds in the per-user cache). Idempotent."""
    from weasyprint.pdf.fonts import Font

    from .writers import subsetcache

    from .writers import fontfile

    dotted = "weasyprint.pdf.fonts.Font.subset"
    if dotted in _ORIGINALS:
        return
    _replace(Font, "subset", dotted, subsetcache.replacement(vars(Font)["subset"]))
    _replace(Font, "__init__", "weasyprint.pdf.fonts.Font.__init__", subsetcache.hashing_init(vars(Font)["__init__"]))
    Font.file_content = fontfile.FileContent()      # a class attribute upstream has none of (an instance one)


def apply_prepared_images() -> None:
    """Have WeasyPrint make a :class:`.writers.pdfimages.PreparedRaster` for every prepared image
    (``weasyprint.document`` imports ``get_image_from_uri`` as ``original_get_image_from_uri``; that name is
    replaced). Idempotent."""
    import weasyprint.document as document

    from .writers import pdfimages

    dotted = "weasyprint.images.get_image_from_uri"
    if dotted in _ORIGINALS:
        return
    upstream = document.original_get_image_from_uri
    _ORIGINALS[dotted] = upstream
    document.original_get_image_from_uri = pdfimages.replacement(upstream)


def apply_fast_serialiser() -> None:
    """Have pydyf turn objects into bytes faster, with the same bytes (:mod:`.writers.pdfserial`): exact
    types first in ``_to_bytes``, ``Stream.data`` over a list, and each object's ``data`` made once per
    ``PDF.write`` (pydyf makes it twice when the PDF has an identifier). Idempotent."""
    import pydyf

    from .writers import pdfserial

    if "pydyf._to_bytes" in _ORIGINALS:
        return
    to_bytes = pdfserial.make_to_bytes(pydyf._to_bytes)
    _replace(pydyf, "_to_bytes", "pydyf._to_bytes", to_bytes)
    _replace(pydyf.Stream, "data", "pydyf.Stream.data", pdfserial.make_stream_data(pydyf, to_bytes))
    _replace(pydyf.PDF, "write", "pydyf.PDF.write", pdfserial.make_write_once(pydyf, vars(pydyf.PDF)["write"], to_bytes))
    _replace(pydyf.PDF, "page_references", "pydyf.PDF.page_references",
             pdfserial.make_page_references(vars(pydyf.PDF)["page_references"]))


def apply_svg_path_memo() -> None:
    """Have WeasyPrint's SVG renderer draw a ``<path>`` whose data it drew before from what it appended then
    (:mod:`.writers.svgpaths`; its ``TAGS['path']`` entry is replaced). Idempotent."""
    import weasyprint.svg as svg

    from .writers import svgpaths

    dotted = "weasyprint.svg.path.path"
    if dotted in _ORIGINALS:
        return
    _ORIGINALS[dotted] = svg.TAGS["path"]
    svg.TAGS["path"] = svgpaths.remembering(svg.TAGS["path"])


def apply_font_description_memo() -> None:
    """Have WeasyPrint's text layouts take a Pango font description made once per distinct font style
    (:mod:`.writers.fontdesc`; the name ``get_font_description`` in ``text.line_break`` is replaced; forms,
    in ``pdf.anchors``, keep upstream's). Idempotent."""
    from weasyprint.text import line_break

    from .writers import fontdesc

    dotted = "weasyprint.text.fonts.get_font_description"
    if dotted in _ORIGINALS:
        return
    _replace(line_break, "get_font_description", dotted, fontdesc.remembering(line_break.get_font_description))


def apply_page_total_sync() -> None:
    """Have WeasyPrint's layout passes not make a page again only because the page total changed when no box
    on it shows the total (:mod:`.writers.pagecounts`; ``make_all_pages`` in ``weasyprint.layout`` is
    wrapped). Idempotent."""
    import weasyprint.layout as layout

    from .writers import pagecounts

    dotted = "weasyprint.layout.make_all_pages"
    if dotted in _ORIGINALS:
        return
    _replace(layout, "make_all_pages", dotted, pagecounts.syncing(layout.make_all_pages))


def apply_lazy_pseudo_styles() -> None:
    """Have WeasyPrint's cascade make a pseudo-element's style when a box first asks for it, not for every
    element (:mod:`.writers.pseudostyles`; ``StyleFor.__init__`` and ``__call__`` are replaced), and neither
    cascade nor box the elements inside an inline ``<svg>`` (:mod:`.writers.inlinesvg`; ``element_to_box``
    is wrapped). Idempotent."""
    from weasyprint.css import StyleFor
    from weasyprint.formatting_structure import build

    from .writers import inlinesvg, pseudostyles

    dotted = "weasyprint.css.StyleFor.__init__"
    if dotted in _ORIGINALS:
        return
    _replace(StyleFor, "__call__", "weasyprint.css.StyleFor.__call__", pseudostyles.style_for(StyleFor.__call__))
    _replace(StyleFor, "__init__", dotted, pseudostyles.cascade)
    _replace(build, "element_to_box", "weasyprint.formatting_structure.build.element_to_box",
             inlinesvg.boxing(build.element_to_box))


class ParserPatterns(dict):
    """tinyhtml5's ``characters_until_regex`` (2.1.0) as it was meant to work: (characters, opposite) →
    the compiled pattern ``HTMLUnicodeInputStream.chars_until`` builds for them, made on the first request
    exactly as it makes it (``[^…]+``, or ``[…]+`` when ``opposite``, each character as ``\\xNN``)."""

    def __missing__(self, key: tuple[Any, bool]) -> Any:
        characters, opposite = key
        body = "".join([f"\\x{ord(character):02x}" for character in characters])
        pattern = self[key] = re.compile(f"[{body}]+" if opposite else f"[^{body}]+")
        return pattern


def apply_parser_patterns() -> None:
    """Give tinyhtml5's ``chars_until`` a working pattern cache (:class:`ParserPatterns`; WeasyPrint 70 parses
    every HTML document with tinyhtml5). Upstream's ``characters = cache[key] = regex`` binds ``characters``
    first, so the pattern is stored under itself and every call misses and builds it again; the course
    handout's parse (279 kB) takes 0.078 → 0.043 s. Same patterns, same tree. Idempotent."""
    from tinyhtml5 import inputstream

    dotted = "tinyhtml5.inputstream.characters_until_regex"
    if dotted in _ORIGINALS:
        return
    _replace(inputstream, "characters_until_regex", dotted, ParserPatterns())


def apply_layout_shortcuts() -> None:
    """Give WeasyPrint's layout the common-case-first ``resolve_one_percentage`` and ``Box.is_in_normal_flow``
    of :mod:`.writers.layoutfast` (same results; the name is replaced in each layout module that
    imported it). Idempotent."""
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure.boxes import Box
    from weasyprint.layout import inline, percent, table

    from .writers import layoutfast

    dotted = "weasyprint.layout.percent.resolve_one_percentage"
    if dotted in _ORIGINALS:
        return
    resolve = layoutfast.make_resolve_one(percent.resolve_one_percentage, Dimension)
    for module in (percent, inline, table):
        _replace(module, "resolve_one_percentage", dotted, resolve)
    _replace(Box, "is_in_normal_flow", "weasyprint.formatting_structure.boxes.Box.is_in_normal_flow",
             layoutfast.make_in_normal_flow())


@contextlib.contextmanager
def swapped(holder: Any, name: str, new: Any) -> Iterator[None]:
    """``holder.name`` (a WeasyPrint module's function) is ``new`` while the block runs, then the old value again.

    For :mod:`coursepress.writers.pageflow`, whose internals are listed in :data:`UPSTREAM`.
    """
    saved = getattr(holder, name)
    setattr(holder, name, new)
    try:
        yield
    finally:
        setattr(holder, name, saved)


def page_box(page: Any) -> Any:
    """The laid-out root box of a WeasyPrint ``Page`` (private ``_page_box``; WeasyPrint 70 has no public one)."""
    return page._page_box


# ------------------------------------------------------------------ markdown-it-py

def use_table_splitter(split: Callable[[str], list[str]]) -> None:
    """Have markdown-it-py's table rule split rows with ``split`` (its module function ``escapedSplit``,
    ``rules_block/table.py``, runs before any inline rule, so there is no other hook). Idempotent."""
    table_rule = importlib.import_module("markdown_it.rules_block.table")   # the package exports a function "table"
    if getattr(table_rule, "escapedSplit", None) is not split:
        _replace(table_rule, "escapedSplit", "markdown_it.rules_block.table.escapedSplit", split)
