"""Go's `%q` (strconv.Quote), as buf quotes names and option values in its messages.

Printable characters stay as they are; the rest are escaped the way Go escapes them. Python's
`str.isprintable` and Go's `unicode.IsPrint` mean the same set (letters, marks, numbers,
punctuation, symbols and the ASCII space) at their own Unicode versions: `unicode15.go_is_print`
takes Python's to Go's 15.0 (a character new in 15.0, like U+1F6DC, stays as it is in buf's
messages, where Python 3.11 would call it unprintable).
"""

from __future__ import annotations

from workbench.breaking.unicode15 import go_is_print

_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
          '"': '\\"', "\\": "\\\\"}


def go_quote(text: str) -> str:
    if (text.isprintable() if text.isascii() else all(map(go_is_print, text))) and '"' not in text and "\\" not in text:
        return f'"{text}"'  # names and most values: nothing to escape
    return '"' + "".join(map(_escaped, text)) + '"'


def _escaped(c: str) -> str:
    short = _SHORT.get(c)
    if short is not None:
        return short
    if go_is_print(c):
        return c
    code = ord(c)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (undecodable bytes): Go's invalid rune
        return "\\ufffd"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
