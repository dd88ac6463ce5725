"""The widest advance widths among the faces a deck may be shown in (issue 13, item 6).

A deck names its fonts and does not carry them (docs/deck-templates.md, "Fonts on the audience's
machine"): where Calibri or Noto Sans CJK SC is missing, PowerPoint, WPS and LibreOffice set the text
in another face. Every CJK face sets an ideograph 1 em wide; Latin letters, digits, spaces and
punctuation differ (DejaVu Sans digits are 0.636 em, Noto Sans CJK SC's 0.555 em). So the deck is
measured, character by character, with the widest advance of the shipped measuring face and of the
faces the theme lists under ``deck.fit_faces`` (:func:`widen`): text that fits that measure fits every
one of them.

The widths of the listed faces are kept in ``templates/deck/fit-widths.json`` (code point → advance in
thousandths of an em, rounded up; the faces' files and versions recorded), so every machine measures
the same and plans the same deck whether or not it has those faces. ``python -m coursepress.fitwidths``
writes the file again from the faces installed on this machine (found with fontconfig's ``fc-list``);
the test ``tests/test_deck_fonts.py`` checks it equals what the installed faces give.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

FILE = "templates/deck/fit-widths.json"
# Scripts a viewer sets in the Latin (or a fallback) face: Latin, IPA, Greek, Cyrillic, Latin Extended
# Additional, general punctuation up to the miscellaneous symbols and arrows. CJK characters are 1 em
# in every CJK face and are measured with the shipped face alone.
RANGES = ((0x20, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x2BFF))


def _advances(path: Path) -> dict[int, float]:
    """Advance (em) of every code point of :data:`RANGES` the face at ``path`` maps."""
    from coursepress.textmeasure import face_metrics

    metrics = face_metrics(path)
    upm = metrics.units_per_em
    return {cp: units / upm for cp, units in metrics.advances.items()
            if any(lo <= cp <= hi for lo, hi in RANGES)}


def _faces(family: str) -> list[tuple[Path, bool]]:
    """(file, bold) of the upright Regular and Bold faces of ``family`` installed on this machine."""
    # the system's configuration, not the isolated one a handout build in this process may have set
    env = {k: v for k, v in os.environ.items() if k not in ("FONTCONFIG_FILE", "FONTCONFIG_PATH")}
    out = subprocess.run(["fc-list", f"{family}", "file", "style", "weight"], capture_output=True, text=True,
                         check=True, env=env).stdout
    faces = []
    for line in out.splitlines():
        file, _, rest = line.partition(":")
        styles = rest.lower()
        if "italic" in styles or "oblique" in styles or "condensed" in styles or "light" in styles:
            continue
        weight = int(rest.rsplit("weight=", 1)[1].split(":")[0].split()[0]) if "weight=" in rest else 80
        if weight in (80, 200):                 # fontconfig: 80 regular (book), 200 bold
            faces.append((Path(file.strip()), weight == 200))
    return sorted(set(faces))


def table(families: list[str]) -> dict[str, Any]:
    """The contents of :data:`FILE` for ``families``: per code point the widest advance (thousandths of
    an em, rounded up) over their Regular faces (``regular``) and over all their faces (``bold``; a
    family without a Bold face is emboldened by the viewer at its Regular widths).

    Raises:
        LookupError: a family has no upright Regular face installed on this machine.
    """
    from fontTools.ttLib import TTFont

    regular: dict[int, float] = {}
    bold: dict[int, float] = {}
    sources = {}
    for family in families:
        faces = _faces(family)
        if not any(not b for _, b in faces):
            raise LookupError(f"no Regular face of '{family}' is installed (fc-list '{family}')")
        for path, is_bold in faces:
            head = TTFont(str(path), lazy=True, fontNumber=0)["head"]
            sources[f"{family}{' Bold' if is_bold else ''}"] = f"{path.name} {head.fontRevision:.3f}"
            for cp, em in _advances(path).items():
                bold[cp] = max(bold.get(cp, 0.0), em)
                if not is_bold:
                    regular[cp] = max(regular.get(cp, 0.0), em)

    def thousandths(d: dict[int, float]) -> dict[str, int]:
        return {str(cp): math.ceil(em * 1000 - 1e-6) for cp, em in sorted(d.items())}
    return {"faces": sources, "regular": thousandths(regular), "bold": thousandths(bold)}


@lru_cache(maxsize=4)
def load(root: Path) -> tuple[dict[int, float], dict[int, float]]:
    """(regular, bold) widest advances in em by code point from ``root``/:data:`FILE` (empty when the file
    is absent: the deck is then measured with the shipped face alone)."""
    path = root / FILE
    if not path.is_file():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return ({int(k): v / 1000 for k, v in data["regular"].items()},
            {int(k): v / 1000 for k, v in data["bold"].items()})


def main() -> None:
    """Write :data:`FILE` of the tool from the faces of the theme's ``deck.fit_faces`` installed here."""
    from .templating import TOOL_ROOT
    from .theme import default_theme

    data = table(list(default_theme().fit_faces))
    (TOOL_ROOT / FILE).write_text(json.dumps(data, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{TOOL_ROOT / FILE}: {len(data['regular'])} code points from {', '.join(data['faces'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
