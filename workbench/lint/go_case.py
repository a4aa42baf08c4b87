"""buf's snake case (xstrings.toSnakeCase) and Go's strings.ToLower for names that are not ASCII.

Proto identifiers are ASCII, but a file's name is anything the file system holds, and
FILE_LOWER_SNAKE_CASE runs buf's conversion over it. Two things make buf's answer differ from a
character-wise Python rendering there:

- buf loops `for i, c := range s` (c a rune, i its byte offset) but looks around with `s[i+1]` and
  `s[i-1]`, single BYTES taken as runes (U+0000..U+00FF). After a multi-byte capital, the byte it
  looks at is its own UTF-8 continuation byte (U+0080..U+00BF: never upper case, a digit or a
  delimiter), so such a capital always starts a new word: "ΑΣ" is "α_σ". Before it, the previous
  character's last byte decides "was lower case" (0xB5 is µ, lower case; 0xE0..0xFF are à..ÿ).
- unicode.IsUpper/IsLower/IsDigit are the categories Lu/Ll/Nd (Python's isupper() also takes
  Other_Uppercase, such as U+2168 ROMAN NUMERAL NINE, and isdigit() superscripts), at Go's Unicode
  15.0; strings.ToLower maps each rune alone (U+0130 is "i", Σ is always σ), where str.lower()
  gives "i̇" and a final ς.
"""

from __future__ import annotations

import unicodedata

from workbench.breaking.unicode15 import new_in_15_0, within

_DELIMITERS = ".-_ \t\n\r"
_NEW_LOWER, _NEW_DIGIT = new_in_15_0("Ll"), new_in_15_0("Nd")  # no Lu was added in 15.0


def _is_upper(c: str) -> bool:
    return unicodedata.category(c) == "Lu"


def _is_lower(c: str) -> bool:
    return unicodedata.category(c) == "Ll" or within(_NEW_LOWER, ord(c))


def _is_digit(c: str) -> bool:
    return unicodedata.category(c) == "Nd" or within(_NEW_DIGIT, ord(c))


def go_to_snake(s: str) -> str:
    """xstrings.toSnakeCase without newWordOnDigits (what buf lint uses), byte for byte."""
    s = s.strip(_DELIMITERS)
    data = s.encode("utf-8", "surrogatepass")
    out = ""
    i = 0  # the byte offset of c, as Go's range gives it
    for c in s:
        if c in _DELIMITERS:
            c = "_"
        if i == 0:
            out += c
        elif _is_upper(c) and out[-1] != "_" and (
                (i < len(data) - 1 and not (_is_upper(chr(data[i + 1])) or _is_digit(chr(data[i + 1])))
                 and chr(data[i + 1]) not in _DELIMITERS)
                or _is_lower(chr(data[i - 1]))):
            out += "_" + c
        elif not (c == "_" and out[-1] == "_"):
            out += c
        i += len(c.encode("utf-8", "surrogatepass"))
    return out


def go_lower(s: str) -> str:
    """strings.ToLower: unicode.ToLower rune by rune (the simple mapping, no context)."""
    return "".join("i" if c == "\u0130" else c.lower() for c in s)
