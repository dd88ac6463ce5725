"""Units of length, each conversion written once.

Sources:

* ECMA-376 Part 1 (Office Open XML), §20.1.2.1 / §22.9.2.1 ``ST_Coordinate``:
  an English Metric Unit (EMU) is 1/914400 inch, so 12700 EMU per point and
  360000 EMU per centimetre (python-pptx's ``Emu``, ``Pt``, ``Cm`` use the same).
* PostScript/PDF and CSS: 72 points per inch (PDF 1.7 §8.3.2.3 default user space).
* CSS Values and Units Level 4 §6.2: 96 CSS pixels per inch (so 1 px = 0.75 pt).
* The inch is 25.4 mm exactly (international yard and pound agreement, 1959).

Names carry the unit: ``EMU_PER_PT`` multiplies points into EMU.
"""

from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_INCH = 72
PX_PER_INCH = 96
EMU_PER_INCH = 914400

EMU_PER_PT = EMU_PER_INCH // PT_PER_INCH         # 12700
EMU_PER_CM = 360000                              # EMU_PER_INCH / 2.54
EMU_PER_MM = EMU_PER_CM // 10                    # 36000
PT_PER_MM = PT_PER_INCH / MM_PER_INCH
PX_PER_MM = PX_PER_INCH / MM_PER_INCH
PT_PER_PX = PT_PER_INCH / PX_PER_INCH            # 0.75


def emu_to_pt(emu: float) -> float:
    """Points (1/72 inch) in ``emu`` English Metric Units."""
    return emu / EMU_PER_PT


def pt_to_emu(pt: float) -> int:
    """Whole EMU in ``pt`` points, truncated toward zero (as the deck has always written them)."""
    return int(pt * EMU_PER_PT)


def px_to_mm(px: float) -> float:
    """Millimetres in ``px`` CSS pixels (96 per inch)."""
    return px * MM_PER_INCH / PX_PER_INCH
