"""The lecture's own label ("Lecture 3" for ``order: 3``), where the course numbers its lectures.

A course chooses with ``markdown.heading_numbers: lecture`` (headings 3.1, 3.2 …, see
:mod:`coursepress.numbering`); the label then shows on the handout's cover and running header, in the
course book's contents and outline, and on the deck's title slide. Its words are the catalogue's
``numbering.lecture`` (:mod:`coursepress.messages`; zh-CN: the ordinal prefix U+7B2C, the Chinese
numeral and U+8BB2 "lecture"), never Python.
"""

from __future__ import annotations

from . import model as m


def lecture_label(course: m.Course, lecture: m.Lecture) -> str:
    """The label of ``lecture`` (in zh-CN "lecture three", "Lecture 3"), or "" when the course does not
    number lectures by ``heading_numbers: lecture`` or the lecture has no ``order`` (0)."""
    order = lecture.meta.order
    if course.meta.markdown.heading_numbers != "lecture" or not order or order < 0:
        return ""
    return course.words("numbering.lecture", numeral=course.words.numeral(order), number=order)
