"""The one build time written into every output (PDF dates, deck properties, ZIP entries).

Source: the reproducible-builds.org ``SOURCE_DATE_EPOCH`` specification: when
the variable holds whole seconds since 1970-01-01 UTC, that moment is the
build time; otherwise the course date (course.yaml ``date``) at 00:00 UTC, so
rebuilds of an unchanged course are byte-identical. ``cli`` refuses a value
that is not whole seconds before a build starts.
"""

from __future__ import annotations

import datetime as dt
import os


def build_time(course_date: dt.date) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime if set to whole seconds, else ``course_date`` at 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.combine(course_date, dt.time(), dt.timezone.utc)
