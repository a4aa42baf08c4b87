"""The Unicode version buf's tables follow (15.0), where Python's `unicodedata` has another.

buf 1.75 is built with Go 1.24, whose `unicode` package (`unicode.IsPrint`, behind `%q`) is Unicode
15.0.0, and links github.com/rivo/uniseg v0.4.7 (column widths), also 15.0.0. Python 3.11's
`unicodedata` is 14.0.0 and 3.13's is 15.1.0, so a character assigned in between is unassigned
(category Cn) to one side and a letter, mark or symbol to the other: `str.isprintable` calls a new
emoji unprintable where Go prints it as is, and the column code would take a new spacing mark for an
ordinary letter. The tables below are the differences, taken from unicodedata2 15.0.0 against
Python 3.11's `unicodedata` (a code point whose category differs: all were Cn in 14.0) and from
Unicode 15.1's additions (UAX #44's DerivedAge), so no Unicode data is loaded at run time.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import lru_cache


def ranges(spec: str) -> tuple[list[int], list[int]]:
    """"A9 2194-2199 ..." as sorted starts and ends, for bisect."""
    starts: list[int] = []
    ends: list[int] = []
    for item in spec.split():
        first, _, last = item.partition("-")
        starts.append(int(first, 16))
        ends.append(int(last or first, 16))
    return starts, ends


def within(table: tuple[list[int], list[int]], cp: int) -> bool:
    i = bisect_right(table[0], cp) - 1
    return i >= 0 and cp <= table[1][i]


# Code points Unicode 15.0 assigned, by general category (all Cn in 14.0; no 14.0 character changed
# category in 15.0).
NEW_IN_15_0: dict[str, str] = {
    "Cf": "13439-1343F",  # Egyptian hieroglyph format controls
    "Ll": "1DF25-1DF2A",
    "Lm": "1E030-1E06D 1E4EB",
    "Lo": "1123F-11240 11F02 11F04-11F10 11F12-11F33 1342F 13441-13446 1B132 1B155 1E4D0-1E4EA 2B739"
          " 31350-323AF",
    "Mc": "CF3 11F03 11F34-11F35 11F3E-11F3F 11F41",
    "Mn": "ECE 10EFD-10EFF 11241 11F00-11F01 11F36-11F3A 11F40 11F42 13440 13447-13455 1E08F 1E4EC-1E4EF",
    "Nd": "11F50-11F59 1E4F0-1E4F9",
    "No": "1D2C0-1D2D3",
    "Po": "11B00-11B09 11F43-11F4F",
    "So": "1F6DC 1F774-1F776 1F77B-1F77F 1F7D9 1FA75-1FA77 1FA87-1FA88 1FAAD-1FAAF 1FABB-1FABD 1FABF"
          " 1FACE-1FACF 1FADA-1FADB 1FAE8 1FAF7-1FAF8",
}
# Code points Unicode 15.1 assigned (ideographic description characters, a CJK stroke, CJK
# Extension I): unassigned, so unprintable, to Go's Unicode 15.0.
NEW_IN_15_1 = ranges("2FFC-2FFF 31EF 2EBF0-2EE5D")

_PYTHON_IS_14 = unicodedata.unidata_version < "15.0.0"
_PYTHON_PAST_15_0 = unicodedata.unidata_version > "15.0.0"
_GRAPHIC_15_0 = ranges(" ".join(sorted(
    " ".join(spec for category, spec in NEW_IN_15_0.items() if category[0] in "LMNPS").split(),
    key=lambda item: int(item.partition("-")[0], 16))))


def new_in_15_0(category: str) -> tuple[list[int], list[int]]:
    """The code points Unicode 15.0 assigned with this general category, as `ranges`; none when
    Python's `unicodedata` already knows them."""
    return ranges(NEW_IN_15_0[category]) if _PYTHON_IS_14 else ([], [])


@lru_cache(maxsize=4096)
def go_is_print(c: str) -> bool:
    """Go's `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols and the ASCII space) at
    Unicode 15.0: `str.isprintable` means the same set at Python's own Unicode version."""
    if c.isprintable():
        return not (_PYTHON_PAST_15_0 and within(NEW_IN_15_1, ord(c)))
    return _PYTHON_IS_14 and within(_GRAPHIC_15_0, ord(c))
