"""tinyhtml5's pattern cache mended (coursepress.patches.apply_parser_patterns, issue 20): the HTML parser
WeasyPrint uses builds each ``chars_until`` pattern once, not once per call, and parses every construct
that reaches ``chars_until`` to the same tree as without the mend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from coursepress import patches

# Text, character references, attributes in both quotes and none, comments, a bogus comment, CDATA in
# SVG, raw text (script, style), RCDATA (textarea, title), whitespace runs, a NUL, Chinese text.
HTML = """<!DOCTYPE html><html lang="zh"><head><title>T &amp; t</title>
<style>p > a { color: red }</style><script>if (a < b && c) {}</script></head>
<body><p class=x id='y' data-v=z>中文 &lt;text&gt; &#x4e2d; &copy;   runs\tof  space</p><!-- a comment -- here -->
<?bogus comment?><svg viewBox="0 0 1 1"><![CDATA[ raw <data> ]]><path d="M0 0L1 1"/></svg>
<textarea>a &amp; b</textarea><pre>
code\x00here</pre><table><tr><td>cell</table>
<img src="data:image/svg+xml;base64,PHN2Zy8+" alt='a "quoted" alt'></body></html>"""


def _tree(html: str) -> bytes:
    import tinyhtml5

    return ET.tostring(tinyhtml5.parse(html, namespace_html_elements=False))


def test_each_pattern_is_built_once_and_the_tree_is_the_same(monkeypatch):
    from tinyhtml5 import inputstream

    from coursepress.writers.pdfengine import import_weasyprint

    import_weasyprint(Path(__file__).resolve().parents[1])      # applies the mend with the other patches
    mended = inputstream.characters_until_regex
    assert isinstance(mended, patches.ParserPatterns)

    built: list[str] = []
    real_compile = re.compile

    def counting(pattern, *args):
        built.append(pattern)
        return real_compile(pattern, *args)

    monkeypatch.setattr(re, "compile", counting)     # upstream's chars_until and the mend both build through re
    monkeypatch.setattr(inputstream, "characters_until_regex", patches.ParserPatterns())
    ours = _tree(HTML * 3)
    assert built and len(built) == len(set(built)), "a pattern was built more than once"
    assert all(isinstance(key[0], (tuple, frozenset, str)) for key in inputstream.characters_until_regex)

    built.clear()
    monkeypatch.setattr(inputstream, "characters_until_regex", {})      # upstream's own cache
    upstream = _tree(HTML * 3)
    assert len(built) > 3 * len(set(built)), "upstream's cache hits now: the mend may no longer be needed"
    assert ours == upstream


def test_the_mended_patterns_are_upstreams():
    """The patterns the mend makes are those chars_until itself makes, for both senses of ``opposite``."""
    from tinyhtml5 import inputstream

    cache = patches.ParserPatterns()
    for characters in (("&", "<", "\u0000"), frozenset(" \t\n\r\x0c"), '"', ("-", "\u0000")):
        for opposite in (False, True):
            body = "".join([f"\\x{ord(c):02x}" for c in characters])
            expected = f"[{body}]+" if opposite else f"[^{body}]+"
            assert cache[(characters, opposite)].pattern == expected
            stream = inputstream.HTMLInputStream("ab&<c- \t\"x")
            saved = inputstream.characters_until_regex
            try:
                inputstream.characters_until_regex = {}
                upstream = [stream.chars_until(characters, opposite) for _ in range(3)]
                stream = inputstream.HTMLInputStream("ab&<c- \t\"x")
                inputstream.characters_until_regex = patches.ParserPatterns()
                mended = [stream.chars_until(characters, opposite) for _ in range(3)]
            finally:
                inputstream.characters_until_regex = saved
            assert mended == upstream
