"""Image paths with raw spaces, as Typora writes them: ``![alt](../images/my shot.png)``.

CommonMark (§6.4, link destination) ends an unbracketed destination at the
first space, so markdown-it prints such an image as literal text. Typora,
and many chapters written in it, accept it. Before markdown-it parses a
lecture, :func:`bracket_spaced_paths` rewrites each such destination whose
file exists into the form CommonMark does accept, ``![alt](<path>)``
(§6.4: a destination in pointy brackets may hold spaces); one whose file does
not exist is left as it is and reported at its line with that fix. Only the
image's own line changes and no line is added, so every line number stays.
Code (fenced blocks, code spans) is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from .errors import excerpt
from .mdsource import SourceProblem, fence_after

# ![alt](destination "title"): a destination that is not bracketed and holds a space
_IMAGE = re.compile(r"!\[((?:[^\[\]\n\\]|\\.)*)\]\(([^()<>\n]*)\)")
_INSIDE = re.compile(r"""^\s*(.*?)(\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*$""")
_CODE = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")


def bracket_spaced_paths(text: str, folder: Path) -> tuple[str, list[SourceProblem]]:
    """``text`` (a lecture's Markdown) with each image destination that holds a raw space and names an
    existing file relative to ``folder`` (the lecture's folder) written ``<path>``, and one problem (a
    warning) per such destination whose file is not there.

    Only tests whether the file exists; reading it goes through the one gate for files later
    (:func:`coursepress.resources.load_image`), which refuses paths that leave the project.
    """
    lines = text.split("\n")
    problems: list[SourceProblem] = []
    fence = ""
    for i, line in enumerate(lines):
        after = fence_after(line, fence)
        if after is not None:
            fence = after
            continue
        if fence or "](" not in line:
            continue
        code = [m.span() for m in _CODE.finditer(line)]
        out, last = [], 0
        for image in _IMAGE.finditer(line):
            if any(start <= image.start() < end for start, end in code):
                continue
            inside = _INSIDE.match(image.group(2))
            path = inside.group(1) if inside else ""
            if not path or not re.search(r"\s", path):
                continue
            title = (inside.group(2) or "") if inside else ""
            if (folder / unquote(path)).is_file():
                out.append(line[last:image.start(2)] + f"<{path}>{title}")
                last = image.end(2)
            else:
                problems.append(SourceProblem(
                    i + 1, f"image path '{excerpt(path, 60)}' holds a space and no file of that name exists, so the "
                    "image is printed as text",
                    f"check the file name; a path with spaces is written ![{image.group(1)}](<{path}>)"))
        if out:
            lines[i] = "".join(out) + line[last:]
    return "\n".join(lines), problems
