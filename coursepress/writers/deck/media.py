"""The deck's pictures prepared only once the slide plan is final, in the image pool (issue 20).

A figure's slide is planned before its picture is needed: the plan needs the picture's box (EMU), known
from the source's size in px, and the writer needs its bytes. The plan also tries boxes it drops (a
picture beside the bullets, measured against the same picture on its own slide, :mod:`.beside`), so
preparing each picture where it was planned prepared some twice (16 of the benchmark chapter's 82
preparations, ≈ 0.09 s of CPU each). A :class:`SlideImage` only records the source and the size it is
shown at; :func:`start` hands the pictures of the final plan to an
:class:`~coursepress.imageprep.ImagePreparer` with an :class:`~coursepress.imagepool.ImagePool`
(prepared on every core while the PPTX is written), and :attr:`SlideImage.data` waits for each one.
The bytes are those :func:`~coursepress.imageprep.prepared_image` gives (same preparation, same cache).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Union

from ...imageprep import ImagePreparer

if TYPE_CHECKING:
    from ...imagepool import PendingImage
    from ...resources import ImageData
    from ...schema import ImageSettings
    from .nodes import DeckPlan


class SlideImage:
    """A figure's picture at its size on the slide, prepared when :func:`start` or :attr:`data` asks.

    ``source``: the image of the document model; ``width_pt`` × ``height_pt``: its box on the slide (pt);
    ``settings``: ``course.meta.image_settings()``. One preparer prepares a source at one size once (its memo).
    """

    def __init__(self, source: ImageData, width_pt: float, height_pt: float, settings: ImageSettings) -> None:
        self.source, self.width_pt, self.height_pt, self.settings = source, width_pt, height_pt, settings
        self._prepared: Optional[Union[ImageData, PendingImage]] = None

    def start(self, preparer: ImagePreparer) -> None:
        """Have ``preparer`` prepare the picture (in its pool, if it has one), unless already started."""
        if self._prepared is None:
            self._prepared = preparer.prepare(self.source, self.width_pt, self.height_pt)

    @property
    def data(self) -> bytes:
        """The prepared bytes (PNG or JPEG; the source's own when kept), prepared here if not started."""
        if self._prepared is None:
            self.start(ImagePreparer(self.settings))
        assert self._prepared is not None
        return self._prepared.data

    @property
    def ext(self) -> str:
        """``png`` or ``jpg`` of the prepared bytes (see :attr:`data`)."""
        self.data
        assert self._prepared is not None
        return self._prepared.ext


def start(plan: DeckPlan, preparer: ImagePreparer) -> None:
    """Start preparing every picture of ``plan`` (slide order), in ``preparer``'s pool if it has one."""
    for slide in plan.slides:
        picture = slide.picture
        if picture is not None and isinstance(picture.image, SlideImage):
            picture.image.start(preparer)
