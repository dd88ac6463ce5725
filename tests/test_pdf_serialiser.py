"""The faster PDF serialiser (coursepress.writers.pdfserial) writes pydyf's bytes: a corpus of objects and a
WeasyPrint page with text, an SVG and a picture, each written with pydyf's own functions and with ours."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pydyf = pytest.importorskip("pydyf")

from coursepress import patches  # noqa: E402

NUMBERS = [0, 1, -1, 7, 2**40, 0.0, -0.0, 1.0, -3.0, 0.5, -0.25, 1e-7, 123456.789, 3.14159265358979, 1e20, -1e-3,
           2.0000001, 595.2755905511812, True, False]


@pytest.fixture
def upstream(monkeypatch):
    """Puts pydyf's own ``_to_bytes``, ``Stream.data`` and ``PDF.write`` back while the test runs."""
    def use() -> None:
        monkeypatch.setattr(pydyf, "_to_bytes", patches.original("pydyf._to_bytes"))
        monkeypatch.setattr(pydyf.Stream, "data", patches.original("pydyf.Stream.data"))
        monkeypatch.setattr(pydyf.PDF, "write", patches.original("pydyf.PDF.write"))
    patches.apply_fast_serialiser()
    return use


def _corpus(compress: bool) -> "pydyf.PDF":
    """A PDF with every kind of object and operand the writers give pydyf."""
    pdf = pydyf.PDF()
    content = pydyf.Stream(compress=compress)
    content.push_state()
    content.set_matrix(*NUMBERS[:6])
    for x, y in zip(NUMBERS, reversed(NUMBERS)):
        content.move_to(x, y)
        content.line_to(y, x)
        content.curve_to(x, y, x / 3 if not isinstance(x, bool) else x, 2.5, y, x)
    content.rectangle(10, 20.5, 30.25, -40)
    content.set_color_rgb(0.2, 0.4, 1.0, stroke=True)
    content.set_dash([3, 1.5], 0.0)
    content.begin_text()
    content.set_font_size("F1", 10.5)
    content.set_text_matrix(1, 0, 0, -1, 72.0, 700.125)
    content.show_text(b"<0012>-250.5<00340056>")
    content.show_text_string("plain (text) \\ here")
    content.end_text()
    content.stream.append("/Name-as-str")
    content.stream.append(pydyf.Array([1, 2.5, pydyf.String("nested")]))
    content.pop_state()
    pdf.add_object(content)
    picture = pydyf.Stream([b"\x00\xff" * 50], {"Type": "/XObject", "Width": 10, "Height": 10}, compress=compress)
    pdf.add_object(picture)
    resources = pydyf.Dictionary({"XObject": pydyf.Dictionary({"Im1": picture.reference}),
                                  "ProcSet": pydyf.Array(["/PDF", "/Text"])})
    pdf.add_object(resources)
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                             "MediaBox": pydyf.Array([0, 0, 595.2755905511812, 841.8897637795276]),
                             "Contents": content.reference, "Resources": resources.reference})
    pdf.add_page(page)
    pdf.info["Title"] = pydyf.String("Unicode title: \u4e2d\u6587 (x)")
    pdf.info["Producer"] = pydyf.String("ascii")
    return pdf


def _written(pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.write(out, **options)
    return out.getvalue()


def test_numbers_and_names_are_the_bytes_pydyf_writes():
    patches.apply_fast_serialiser()
    upstream = patches.original("pydyf._to_bytes")
    values = NUMBERS + ["/Type", "abc", b"raw", pydyf.Array([1, 2.5]), pydyf.Dictionary({"A": 1.5}), pydyf.String("s")]
    assert [pydyf._to_bytes(v) for v in values] == [upstream(v) for v in values]
    assert pydyf._to_bytes is not upstream


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("identifier", [False, True, b"given-identifier"])
def test_a_corpus_of_objects_is_written_byte_for_byte_as_pydyf_writes_it(upstream, compress, identifier):
    ours = _written(_corpus(compress), version=b"1.7", identifier=identifier, compress=compress)
    upstream()
    theirs = _written(_corpus(compress), version=b"1.7", identifier=identifier, compress=compress)
    assert ours == theirs
    assert b"%%EOF" in ours and len(ours) > 1000


def test_data_is_remembered_only_while_a_pdf_is_written(upstream):
    """Outside ``PDF.write`` an object changed after being written gives its new bytes."""
    pdf = _corpus(False)
    _written(pdf, identifier=True)
    array = pydyf.Array([1, 2])
    before = array.data
    array.append(3)
    assert (before, array.data) == (b"[1 2]", b"[1 2 3]")


def test_a_weasyprint_page_is_written_byte_for_byte_as_pydyf_writes_it(upstream):
    from coursepress.writers.pdfengine import import_weasyprint

    root = Path(__file__).resolve().parents[1]
    weasyprint = import_weasyprint(root)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
           '<path d="M10 50 C 30 10, 60 10, 80 50 Z" fill="#3366cc"/><rect x="90" y="10" width="20" height="40"'
           ' fill-opacity="0.5"/></svg>')
    html = (f"<html><body><h1>Title</h1><p>Some text, numbers 3.25 and (parentheses).</p>{svg}"
            "<p style='text-align: justify'>" + "word " * 80 + "</p></body></html>")
    document = weasyprint.HTML(string=html).render()

    def write() -> bytes:
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"fixed", uncompressed_pdf=False)

    ours = write()
    upstream()
    assert ours == write()


def test_page_references_follow_pages_added_after_they_were_read():
    patches.apply_fast_serialiser()
    upstream = patches.original("pydyf.PDF.page_references").fget
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == upstream(pdf) and len(first) == 3 and pdf.page_references is first   # kept, not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == upstream(pdf) and len(pdf.page_references) == 4


def test_streams_are_deflated_at_the_level_deflate_level_sets(upstream):
    """Our Stream.data deflates through pydyf's module-level zlib, so patches.deflate_level still applies."""
    text = b"\n".join(b"%d %d m %d %d l S" % (i, i * 7 % 13, i * 3, i % 11) for i in range(3000))

    def data() -> bytes:
        return pydyf.Stream([text], compress=True).data

    with patches.deflate_level(1):
        ours_fast = data()
    ours_default = data()
    upstream()
    with patches.deflate_level(1):
        theirs_fast = data()
    assert ours_fast == theirs_fast and ours_default == data()
    assert ours_fast != ours_default


def test_streams_are_deflated_on_a_worker_thread_that_ends_with_the_write(upstream, monkeypatch):
    """Issue 20: while pydyf writes, every stream it deflates is deflated on one worker thread (zlib releases
    the GIL, so the other objects' bytes are made meanwhile); the PDF is pydyf's, byte for byte, and nothing
    of the worker is left behind."""
    import threading

    from coursepress.writers import pdfserial

    where: list[str] = []
    real = pdfserial._deflate

    def deflate(make, raw):
        where.append(threading.current_thread().name)
        return real(make, raw)

    monkeypatch.setattr(pdfserial, "_deflate", deflate)
    threads = threading.active_count()
    pdf = _corpus(True)
    with patches.deflate_level(6):
        ours = _written(pdf, version=b"1.7", identifier=True, compress=True)
    streams = [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)]
    assert len(where) == 2 and all(name.startswith("coursepress-deflate") for name in where)
    assert threading.active_count() == threads
    assert not any(pdfserial.AHEAD in vars(stream) for stream in streams)
    upstream()
    with patches.deflate_level(6):
        theirs = _written(_corpus(True), version=b"1.7", identifier=True, compress=True)
    assert ours == theirs
    level9 = _written(_corpus(True), version=b"1.7", identifier=True, compress=True)
    assert level9 != theirs          # the level reached the worker's compressor: 6, not pydyf's 9


def test_a_stream_compressor_is_made_when_the_worker_deflates_the_stream(monkeypatch):
    """Issue 20, sixth session: a zlib compressor holds ≈ 256 kB, and one made per stream before the write
    held 80 MB at once in the 4× course. Compressors are made on the worker, one stream after another, so
    at most two are alive at any time (the worker's, and the object stream's that pydyf deflates itself)."""
    import weakref
    import zlib

    patches.apply_fast_serialiser()
    alive: set = set()
    most = [0]
    real = zlib.compressobj

    class Counted:
        def __init__(self, *args, **kwargs) -> None:
            self.inner = real(*args, **kwargs)
            alive.add(id(self))
            most[0] = max(most[0], len(alive))
            weakref.finalize(self, alive.discard, id(self))

        def compress(self, data: bytes) -> bytes:
            return self.inner.compress(data)

        def flush(self, *args) -> bytes:
            return self.inner.flush(*args)

    monkeypatch.setattr(zlib, "compressobj", Counted)
    pdf = pydyf.PDF()
    for k in range(12):
        pdf.add_object(pydyf.Stream([b"%d 0 0 %d re f" % (k, k)] * 400, compress=True))
    with patches.deflate_level(6):
        written = _written(pdf, version=b"1.7", identifier=True, compress=True)
    assert b"/FlateDecode" in written
    assert 1 <= most[0] <= 2, most[0]


def test_a_stream_not_deflated_here_is_joined_again_not_held_until_the_write_ends(upstream, monkeypatch):
    """Issue 20, sixth session: pydyf asks every object for its data twice (to write it, then for the
    identifier's MD5). A picture's stream, not deflated, is joined again the second time rather than kept
    (the chapter's pictures were held a second time until the write ended); the PDF is pydyf's."""
    from coursepress.writers import pdfserial

    picture = [b"\x89" * 200_000]
    calls: list[int] = []
    real = pdfserial.joined

    def joined(stream, to_bytes):
        calls.append(id(stream))
        return real(stream, to_bytes)

    monkeypatch.setattr(pdfserial, "joined", joined)

    def pdf() -> tuple:
        made = _corpus(True)
        stream = pydyf.Stream(picture, {"Type": "/XObject", "Filter": "/DCTDecode"}, compress=False)
        made.add_object(stream)
        return made, stream

    written, stream = pdf()
    ours = _written(written, version=b"1.7", identifier=True, compress=True)
    assert calls.count(id(stream)) == 2
    upstream()
    assert ours == _written(pdf()[0], version=b"1.7", identifier=True, compress=True)
