"""PDF objects to bytes faster, with the bytes pydyf 0.13 writes (applied by :func:`coursepress.patches.apply_fast_serialiser`).

pydyf turns every operand of every content-stream operator into bytes through
``pydyf._to_bytes`` (≈ 330,000 calls for the course's 19-page handout), a
chain of ``isinstance`` tests; and ``PDF.write`` asks every object for its
``data`` twice when the PDF has an identifier (once to write it, once for the
MD5 of all objects), so every stream is joined and deflated twice. Here:

* :func:`to_bytes` tests the exact type first (bytes, float, int, str: nearly
  every operand) and hands anything else to pydyf's own function;
* :func:`stream_data` is ``pydyf.Stream.data`` with a list instead of a generator
  (through :func:`to_bytes`), still deflating through the module's ``zlib`` name,
  so :func:`coursepress.patches.deflate_level` keeps working;
* :func:`write_once` wraps ``PDF.write`` so that, while it runs, each
  object's ``data`` is made once and given back the second time; and, before
  pydyf writes anything, joins every stream to be deflated and hands it to a
  worker thread (:func:`deflate_ahead`: zlib releases the GIL), then makes the
  other objects' bytes while the worker deflates (0.045 s of zlib in the
  course's write, off this thread);
* :func:`make_page_references` keeps ``PDF.page_references`` (a tuple of
  ``b"N 0 R"`` made afresh from the page list on every call: WeasyPrint's PDF/UA
  structure tree asks for it per tagged box, 4,560 times × 71 pages in the
  benchmark chapter) until a page is added.

The bytes are pydyf's: ``tests/test_pdf_serialiser.py`` compares both on a
corpus of objects and on a whole handout.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

AHEAD = "_coursepress_deflated"     # a stream's Future of its deflated bytes, while a PDF is written


def make_to_bytes(upstream: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """pydyf's ``_to_bytes`` (``upstream``) with the common exact types first; same bytes for every value.

    bytes as they are; a float as an integer when it is whole, else ``%f``
    without trailing zeros; an int or a str as ASCII; anything else (pydyf
    objects, bools, subclasses) through ``upstream``.
    """
    def to_bytes(item: Any) -> bytes:
        kind = type(item)
        if kind is bytes:
            return item
        if kind is float:
            if item.is_integer():
                return str(int(item)).encode("ascii")
            return f"{item:f}".rstrip("0").encode("ascii")
        if kind is int:
            return b"%d" % item
        if kind is str:
            return item.encode("ascii")
        return upstream(item)

    return to_bytes


def joined(stream: Any, to_bytes: Callable[[Any], bytes]) -> bytes:
    """The bytes of a ``pydyf.Stream``'s content before deflating (its items joined by newlines)."""
    return b"\n".join([item if type(item) is bytes else to_bytes(item) for item in stream.stream])


def make_stream_data(pydyf: Any, to_bytes: Callable[[Any], bytes]) -> property:
    """``pydyf.Stream.data`` (0.13) computed the same way with ``to_bytes``; ``pydyf``: the module. A stream
    :func:`make_write_once` handed to its worker thread takes the deflated bytes from there."""
    def data(self: Any) -> bytes:
        ahead: Future | None = self.__dict__.get(AHEAD)
        extra = pydyf.Dictionary(self.extra.copy())
        if not self.compress:
            stream = joined(self, to_bytes)
        else:
            extra["Filter"] = "/FlateDecode"
            if ahead is not None:
                stream = ahead.result()
            else:
                compressobj = pydyf.zlib.compressobj(level=9)     # the module's name: deflate_level swaps it
                stream = compressobj.compress(joined(self, to_bytes))
                stream += compressobj.flush()
        extra["Length"] = len(stream)
        return b"\n".join((extra.data, b"stream", stream, b"endstream"))

    return property(data)


def _deflate(make: Callable[..., Any], raw: bytes) -> bytes:
    """``raw`` deflated by a compressor made now with ``make`` (``compressobj`` of ``pydyf.zlib``)."""
    compressor = make(level=9)
    return compressor.compress(raw) + compressor.flush()


def deflate_ahead(pydyf: Any, pdf: Any, to_bytes: Callable[[Any], bytes], pool: ThreadPoolExecutor) -> list[Any]:
    """Hand every stream of ``pdf`` that pydyf will deflate to ``pool`` (joined here, deflated there, in the
    order pydyf writes them), then make the data of every other object on this thread meanwhile (with
    :func:`make_write_once`'s memo in place, pydyf's write then only copies bytes). Returns the streams
    given a Future under :data:`AHEAD` (to be cleared after the write).

    The compressor is made through the ``compressobj`` that ``pydyf.zlib`` has here, as ``Stream.data``
    makes it (so :func:`coursepress.patches.deflate_level` applies), but on the worker, when the stream's
    turn comes: a zlib compressor holds ≈ 256 kB (its window, hash chains and output buffer; RFC 1951
    state as zlib's ``deflateInit2`` sizes it), and one made per stream up front held 80 MB at once in the
    4× course's 600 streams (issue 20, sixth session). A stream class with a ``data`` of its own is left
    to it."""
    streams = [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream) and obj.free != "f" and obj.compress
               and type(obj).data is pydyf.Stream.data]
    make = pydyf.zlib.compressobj
    for stream in streams:
        stream.__dict__[AHEAD] = pool.submit(_deflate, make, joined(stream, to_bytes))
    for obj in pdf.objects:
        if obj.free != "f" and not isinstance(obj, pydyf.Stream):
            obj.data
    return streams


def make_write_once(pydyf: Any, write: Callable[..., Any], to_bytes: Callable[[Any], bytes] | None = None
                    ) -> Callable[..., Any]:
    """``PDF.write`` (``write``) during which the ``data`` of every Dictionary and Array, and of every stream
    deflated on this thread, is made once,
    and, with ``compress`` and ``to_bytes`` given, the streams are deflated on a worker thread
    (:func:`deflate_ahead`) while this one makes the other objects' bytes.

    The objects do not change while the PDF is written, so the second request
    (the identifier's MD5 over all objects) gets the bytes of the first. Each
    remembered object is kept alive until the write ends, so an id is never
    reused by a temporary object meanwhile. Classes are restored afterwards,
    also when writing fails; the worker thread has ended when this returns.

    A stream deflated on the worker, or not deflated at all, is not remembered: its data is its
    dictionary and bytes joined again (a copy, not a second deflate), so the file's pictures and page
    contents are not held a second time until the write ends (8 MB of the 60-page chapter's pictures, a
    tenth of what writing it added to its peak memory; issue 20, sixth session).
    """
    classes = (pydyf.Dictionary, pydyf.Array, pydyf.Stream)

    def write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        memo: dict[int, tuple[Any, bytes]] = {}
        saved = {cls: vars(cls)["data"] for cls in classes}
        compress = args[3] if len(args) > 3 else kwargs.get("compress", False)

        def remembered(getter: Callable[[Any], bytes]) -> property:
            def data(obj: Any) -> bytes:
                hit = memo.get(id(obj))
                if hit is not None and hit[0] is obj:
                    return hit[1]
                value = getter(obj)
                if not isinstance(obj, pydyf.Stream) or (obj.compress and AHEAD not in obj.__dict__):
                    memo[id(obj)] = (obj, value)
                return value
            return property(data)

        for cls, prop in saved.items():
            setattr(cls, "data", remembered(prop.fget))
        ahead: list[Any] = []
        try:
            if compress and to_bytes is not None:
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coursepress-deflate") as pool:
                    try:
                        ahead = deflate_ahead(pydyf, self, to_bytes, pool)
                        return write(self, *args, **kwargs)
                    finally:
                        for stream in ahead:
                            future = stream.__dict__.pop(AHEAD, None)
                            if future is not None:
                                future.cancel()
            return write(self, *args, **kwargs)
        finally:
            for cls, prop in saved.items():
                setattr(cls, "data", prop)

    write_once.__wrapped__ = write      # type: ignore[attr-defined]
    return write_once


def make_page_references(upstream: property) -> property:
    """``PDF.page_references`` (``upstream``, pydyf 0.13) made again only when the page list changed.

    The tuple is kept on the PDF with the length of ``pages['Kids']`` it was
    made from (``add_page`` only appends three items per page); any other
    change of that list is seen as a different list object or length.
    """
    getter: Callable[[Any], tuple] = upstream.fget    # type: ignore[assignment]

    def page_references(self: Any) -> tuple:
        kids = self.pages["Kids"]
        kept = self.__dict__.get("_coursepress_page_references")
        if kept is not None and kept[0] is kids and kept[1] == len(kids):
            return kept[2]
        value = getter(self)
        self.__dict__["_coursepress_page_references"] = (kids, len(kids), value)
        return value

    return property(page_references)
