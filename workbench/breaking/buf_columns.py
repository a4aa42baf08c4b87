"""Columns as buf prints them: the width of the line before a position in terminal cells.

protoc's source info counts a column per UTF-8 byte and a tab up to the next multiple of 8. buf 1.75
counts terminal cells instead, as protocompile's `source.File.Location` does with `length.TermWidth`
(internal/ext/unicodex.Width; the binary links protocompile v0.14.2-0.2026... and uniseg v0.4.7): a
tab up to the next multiple of 4, and the text between tabs as github.com/rivo/uniseg's
`StringWidth` measures it, by grapheme cluster. This module redoes that measure with
`unicodedata` plus the few Unicode properties it lacks (Extended_Pictographic, the grapheme break
classes it cannot derive), so no dependency is added for one number per finding.

Calibrated against buf-bin over every code point alone and followed by a spacing mark, and over
thousands of random mixes (tests/test_buf_columns.py keeps the table). uniseg's tables are Unicode
15.0 and Python 3.11's `unicodedata` 14.0: the characters new in 15.0 take their 15.0 classes from
`unicode15` (a new spacing mark such as U+0CF3 joins the cluster before it, a new format character
such as U+13439 is a control) and their widths from _NEW_WIDE. On a Python whose Unicode is newer
than 15.0 (3.13: 15.1), characters assigned after 15.0 take their new widths where uniseg still has
them unassigned (U+2FFC..U+2FFF, U+31EF).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from workbench.breaking.unicode15 import new_in_15_0
from workbench.breaking.unicode15 import ranges as _ranges
from workbench.breaking.unicode15 import within as _within

TAB = 4  # protocompile's unicodex.TabstopWidth; protoc's is 8
PROTOC_TAB = 8

# Grapheme_Cluster_Break values (UAX #29) and Extended_Pictographic, as uniseg classifies a rune.
ANY, CR, LF, CONTROL, EXTEND, ZWJ, RI, PREPEND, SPACING, L, V, T, LV, LVT, PICT = range(15)

VS15, VS16 = "\ufe0e", "\ufe0f"  # text and emoji presentation selectors: they set a pictograph's width


# Extended_Pictographic (emoji-data.txt; unchanged from Unicode 13 to 15). Calibrated against buf:
# each of these, and nothing else outside Hangul's leading jamo and the regional indicators, keeps
# its width when a spacing mark follows it (uniseg adds nothing to a pictograph's first width).
_PICTOGRAPHIC = _ranges(
    "A9 AE 203C 2049 2122 2139 2194-2199 21A9-21AA 231A-231B 2328 2388 23CF 23E9-23F3 23F8-23FA 24C2"
    " 25AA-25AB 25B6 25C0 25FB-25FE 2600-2605 2607-2612 2614-2685 2690-2705 2708-2712 2714 2716 271D"
    " 2721 2728 2733-2734 2744 2747 274C 274E 2753-2755 2757 2763-2767 2795-2797 27A1 27B0 27BF"
    " 2934-2935 2B05-2B07 2B1B-2B1C 2B50 2B55 3030 303D 3297 3299 1F000-1F0FF 1F10D-1F10F 1F12F"
    " 1F16C-1F171 1F17E-1F17F 1F18E 1F191-1F19A 1F1AD-1F1E5 1F201-1F20F 1F21A 1F22F 1F232-1F23A"
    " 1F23C-1F23F 1F249-1F3FA 1F400-1F53D 1F546-1F64F 1F680-1F6FF 1F774-1F77F 1F7D5-1F7FF"
    " 1F80C-1F80F 1F848-1F84F 1F85A-1F85F 1F888-1F88F 1F8AE-1F8FF 1F90C-1F93A 1F93C-1F945"
    " 1F947-1FAFF 1FC00-1FFFD")
# Grapheme_Cluster_Break=Prepend (not derivable from the general category).
_PREPEND = _ranges("600-605 6DD 70F 890-891 8E2 D4E 110BD 110CD 111C2-111C3 1193F 11941 11A3A"
                   " 11A84-11A89 11D46 11F02")
# Extend beyond Mn/Me: Other_Grapheme_Extend (some Mc, the halfwidth sound marks, tags) and the
# emoji skin-tone modifiers.
_EXTEND = _ranges("9BE 9D7 B3E B57 BBE BD7 CC2 CD5-CD6 D3E D57 DCF DDF 1B35 200C 302E-302F FF9E-FF9F"
                  " 1133E 11357 114B0 114BD 115AF 11930 1D165 1D16E-1D172 1F3FB-1F3FF E0020-E007F")
# Spacing combining marks (Mc) that UAX #29 leaves as ordinary characters, and the two letters it
# makes SpacingMark.
_NOT_SPACING = _ranges("102B-102C 1038 1062-1064 1067-106D 1083 1087-108C 108F 109A-109C 1A61 1A63-1A64"
                       " AA7B AA7D 11720-11721")
_SPACING = _ranges("E33 EB3")
# Unicode 15.0's new nonspacing marks (Extend), format characters (Control) and spacing marks
# (SpacingMark; none of them is Grapheme_Extend or one of UAX #29's exceptions): unassigned to
# Python 3.11, so their class cannot come from their category
_NEW_EXTEND, _NEW_CONTROL, _NEW_SPACING = new_in_15_0("Mn"), new_in_15_0("Cf"), new_in_15_0("Mc")
# Unicode 15.0's new wide characters (emoji, small kana), unassigned to Python 3.11
_NEW_WIDE = _ranges("1B132 1B155 1F6DC 1FA75-1FA77 1FA87-1FA88 1FAAD-1FAAF 1FABB-1FABD 1FABF 1FACE-1FACF"
                    " 1FADA-1FADB 1FAE8 1FAF7-1FAF8")
# Pictographs East_Asian_Width calls W but without Emoji_Presentation: one cell alone, as buf measures
_TEXT_PICTOGRAPHS = _ranges("3030 303D 3297 3299 1F202 1F237 1F260-1F265")
# Unassigned but Default_Ignorable: Control to UAX #29, which unicodedata cannot tell from other gaps.
_IGNORABLE_GAPS = _ranges("2065 FFF0-FFF8 E0000 E0002-E001F E0080-E00FF E01F0-E0FFF")


@lru_cache(maxsize=4096)
def _property(c: str) -> int:
    cp = ord(c)
    if cp < 0x7F:
        return CR if c == "\r" else LF if c == "\n" else CONTROL if cp < 0x20 else ANY
    if c == "\u200d":
        return ZWJ
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return RI
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return L
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return V
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return T
    if 0xAC00 <= cp <= 0xD7A3:
        return LV if (cp - 0xAC00) % 28 == 0 else LVT
    if _within(_PICTOGRAPHIC, cp):
        return PICT
    if _within(_PREPEND, cp):
        return PREPEND
    if _within(_EXTEND, cp) or _within(_NEW_EXTEND, cp):
        return EXTEND
    if _within(_NEW_CONTROL, cp):
        return CONTROL
    if _within(_NEW_SPACING, cp):
        return SPACING
    category = unicodedata.category(c)
    if category in ("Mn", "Me"):
        return EXTEND
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs") or (category == "Cn" and _within(_IGNORABLE_GAPS, cp)):
        return CONTROL
    if (category == "Mc" and not _within(_NOT_SPACING, cp)) or _within(_SPACING, cp):
        return SPACING
    return ANY


@lru_cache(maxsize=4096)
def _rune_width(c: str) -> int:
    """uniseg's runeWidth: a rune's cells on its own."""
    prop = _property(c)
    if prop in (CONTROL, CR, LF, EXTEND, ZWJ):
        return 0
    if prop == RI:
        return 2
    east_asian = unicodedata.east_asian_width(c)
    if prop == PICT:
        # Emoji_Presentation (which unicodedata lacks) is East_Asian_Width=W among pictographs but
        # for a few ideographic symbols
        wide = east_asian == "W" and not _within(_TEXT_PICTOGRAPHS, ord(c))
        return 2 if wide or _within(_NEW_WIDE, ord(c)) else 1
    if c == "\u2e3a":  # TWO-EM DASH
        return 3
    if c == "\u2e3b":  # THREE-EM DASH
        return 4
    if unicodedata.category(c) == "Cn":
        # unicodedata answers for a gap with its first record, not the file's default for the block
        return 2 if _wide_gap(ord(c)) or _within(_NEW_WIDE, ord(c)) else 1
    return 2 if east_asian in ("W", "F") else 1


def _wide_gap(cp: int) -> bool:
    # EastAsianWidth.txt's unassigned code points that default to W: the CJK ideograph blocks and
    # planes 2 and 3 (but their last two, noncharacters)
    return 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF \
        or 0x20000 <= cp <= 0x2FFFD or 0x30000 <= cp <= 0x3FFFD


def _joins(before: int, after: int, pictograph_zwj: bool, odd_flags: bool) -> bool:
    """No grapheme cluster boundary between runes of these classes (UAX #29 GB3-GB13)."""
    if before == CR:
        return after == LF
    if before in (CONTROL, LF) or after in (CONTROL, CR, LF):
        return False
    if before == L and after in (L, V, LV, LVT):
        return True
    if before in (LV, V) and after in (V, T):
        return True
    if before in (LVT, T) and after == T:
        return True
    if after in (EXTEND, ZWJ, SPACING) or before == PREPEND:
        return True
    if before == ZWJ and after == PICT:
        return pictograph_zwj
    return before == RI and after == RI and odd_flags


def string_width(text: str) -> int:
    """uniseg.StringWidth: the cells of `text` (no tabs in it), a grapheme cluster at a time.

    A cluster is as wide as its first rune, plus the runes after it, except that a pictograph's
    cluster is as wide as its first rune unless a presentation selector sets it to 1 or 2, and a
    flag pair or a Hangul syllable spelled in jamo counts its first rune only.
    """
    if text.isascii():
        return sum(0 if c < " " or c == "\x7f" else 1 for c in text)
    total = cluster = 0
    first = before = -1
    in_pictograph = pictograph_zwj = odd_flags = False
    for c in text:
        prop = _property(c)
        if before >= 0 and _joins(before, prop, pictograph_zwj, odd_flags):
            if first == PICT:
                if c == VS15:
                    cluster = 1
                elif c == VS16:
                    cluster = 2
            elif first not in (RI, L):
                cluster += _rune_width(c)
        else:
            total += cluster
            first, cluster = prop, _rune_width(c)
        # GB11: pictograph Extend* ZWJ x pictograph; GB12/13: flags pair up
        pictograph_zwj = prop == ZWJ and in_pictograph
        in_pictograph = prop == PICT or (prop == EXTEND and in_pictograph)
        odd_flags = prop == RI and not odd_flags
        before = prop
    return total + cluster


def display_width(text: str) -> int:
    """Cells of `text` from the start of a line: tabs to multiples of 4, the rest as `string_width`."""
    if "\t" not in text:
        return string_width(text)
    column = 0
    for i, part in enumerate(text.split("\t")):
        if i:
            column += TAB - column % TAB
        column += string_width(part)
    return column


def char_index(line: str, column: int) -> int:
    """The index in `line` of the character at protoc's 1-based `column` (UTF-8 bytes, tabs to
    multiples of 8); past the line's end, its length plus the excess."""
    counted = 0
    for i, c in enumerate(line):
        if counted >= column - 1:
            return i
        counted += PROTOC_TAB - counted % PROTOC_TAB if c == "\t" else len(c.encode("utf-8", "surrogatepass"))
    return len(line) + max(0, column - 1 - counted)


def index_column(line: str, index: int) -> int:
    """buf's 1-based column for the character at `index` of `line` (one column a character past its end)."""
    return display_width(line[:index]) + 1 + max(0, index - len(line))


def buf_column(line: str, column: int) -> int:
    """protoc's 1-based `column` on `line` as buf prints it."""
    return index_column(line, char_index(line, column))


def index_at(line: str, column: int) -> int:
    """The first index of `line` at buf's 1-based `column` or past it: `index_column`'s inverse."""
    return next((i for i in range(len(line) + 1) if index_column(line, i) >= column), len(line))


# Printable ASCII and line ends. Deleting them from the bytes and finding nothing left is ~20x faster
# than a regex search for the rest (2 vs 47 ms over bench_breaking's 500 files of (b), per side).
_ONE_BYTE_ONE_CELL = bytes(range(0x20, 0x7F)) + b"\n\r"


def same_columns(text: str) -> bool:
    """Whether protoc's columns are buf's everywhere in `text`: one byte, one cell (no tab, no control
    character but line ends, nothing outside ASCII). A carriage return is a line end only before a
    line feed: elsewhere protoc counts it a column and buf (a control character) none."""
    return text.isascii() and not text.encode("ascii").translate(None, _ONE_BYTE_ONE_CELL) \
        and ("\r" not in text or text.count("\r") == text.count("\r\n"))
