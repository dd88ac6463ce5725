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
  object's ``data`` is made once and given back the second time;
* :func:`make_page_references` keeps ``PDF.page_references`` (a tuple of
  ``b"N 0 R"`` made afresh from the page list on every call: WeasyPrint's PDF/UA
  structure tree asks for it per tagged box, 4,560 times × 71 pages in the
  benchmark chapter) until a page is added.

The bytes are pydyf's: ``tests/test_pdf_serialiser.py`` compares both on a
corpus of objects and on a whole handout.
"""

from __future__ import annotations

from typing import Any, Callable


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


def make_stream_data(pydyf: Any, to_bytes: Callable[[Any], bytes]) -> property:
    """``pydyf.Stream.data`` (0.13) computed the same way with ``to_bytes``; ``pydyf``: the module."""
    def data(self: Any) -> bytes:
        stream = b"\n".join([item if type(item) is bytes else to_bytes(item) for item in self.stream])
        extra = pydyf.Dictionary(self.extra.copy())
        if self.compress:
            extra["Filter"] = "/FlateDecode"
            compressobj = pydyf.zlib.compressobj(level=9)     # the module's name: deflate_level swaps it
            stream = compressobj.compress(stream)
            stream += compressobj.flush()
        extra["Length"] = len(stream)
        return b"\n".join((extra.data, b"stream", stream, b"endstream"))

    return property(data)


def make_write_once(pydyf: Any, write: Callable[..., Any]) -> Callable[..., Any]:
    """``PDF.write`` (``write``) during which the ``data`` of every Dictionary, Array and Stream is made once.

    The objects do not change while the PDF is written, so the second request
    (the identifier's MD5 over all objects) gets the bytes of the first. Each
    remembered object is kept alive until the write ends, so an id is never
    reused by a temporary object meanwhile. Classes are restored afterwards,
    also when writing fails.
    """
    classes = (pydyf.Dictionary, pydyf.Array, pydyf.Stream)

    def write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        memo: dict[int, tuple[Any, bytes]] = {}
        saved = {cls: vars(cls)["data"] for cls in classes}

        def remembered(getter: Callable[[Any], bytes]) -> property:
            def data(obj: Any) -> bytes:
                hit = memo.get(id(obj))
                if hit is not None and hit[0] is obj:
                    return hit[1]
                value = getter(obj)
                memo[id(obj)] = (obj, value)
                return value
            return property(data)

        for cls, prop in saved.items():
            setattr(cls, "data", remembered(prop.fget))
        try:
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
