"""protoc's errors on literals (escapes, numbers out of range, values of the wrong kind) in buf's words.

Each was checked against buf-bin (tests/compile_word_cases): buf spans the whole literal (a number
with its sign, an escape from its backslash), where protoc points at one character of it.
`rewrite` answers None for any other error, or when the literal is not where protoc points.
"""

from __future__ import annotations

import re

from workbench.breaking.bufformat import Violation
from workbench.breaking.compile_decls import open_scope
from workbench.findings import Finding

_NUMBER = re.compile(r"-?\s*(?:0[xX][0-9A-Fa-f]+|\d[\w.]*)")
_FLOAT = re.compile(r"(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+")
_VALUE = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|-?[\w.+]+|[^\s\w]")
_STRING = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")
_WORD = re.compile(r"[A-Za-z_]\w*")
_EXPECTED_NUMBER = ("Expected field number.", "Expected integer.", "Expected option value.")
_TWO_LABELS = re.compile(r"\b(?:optional|repeated|required)\s+(optional|repeated|required)\b[^;{}]*$")
_SCALARS = ("double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool", "string", "bytes",
            "uint32", "sfixed32", "sfixed64", "sint32", "sint64")
_HEX_DIGITS = re.compile(r"Expected (?:hex digits|four hex digits|eight hex digits) for (?:\\\w )?escape sequence\.$")
_OPTION_RANGE = re.compile(r"Value out of range, .* for (\w+) option \"")
_OPTION_KIND = re.compile(r"Value must be (?:integer|number)\b.* for \w+ option \"")
_WRONG_DEFAULT = re.compile(r"Expected (?:integer|number|string|identifier) for field default value\.$")
_EXTENSION_NUMBER = re.compile(r'"[^"]+" does not declare (\d+) as an extension number\.$')
_EXTENSION_USED = re.compile(r"Extension number (\d+) has already been used in ")


def rewrite(f: Finding, lines: list[str], code: list[str]) -> Violation | list[Violation] | None:
    if not (f.line and f.line <= len(lines)):
        return None
    text = lines[f.line - 1]
    at = (f.column or 1) - 1
    message = f.message

    def over(words: str, start: int, end: int) -> Violation:
        return Violation(f.file, f.line, start + 1, "COMPILE", words, f.line, end + 1)

    if message == "Invalid escape sequence in string literal." and text[at - 1:at] == "\\":
        return over("invalid escape sequence", at - 1, at + 1)  # protoc points past the backslash
    if _HEX_DIGITS.match(message):
        backslash = text.rfind("\\", 0, at)
        return over("invalid escape sequence", backslash, at) if backslash >= 0 else None
    if message in ("Integer out of range.", "Numbers starting with leading zero must be in octal."):
        return _integer(f, text, code, at)
    if match := _OPTION_RANGE.match(message):
        number = _NUMBER.match(text, at)
        return over(f"literal out of range for `{match[1]}`", at, number.end()) if number else None
    if message == "Unsigned field can't have negative default value." and text[at - 1:at] == "-":
        number = _NUMBER.match(text, at - 1)
        kind = _field_type(code[f.line - 1], at)
        return over(f"literal out of range for `{kind}`", at - 1, number.end()) if number and kind else None
    if _OPTION_KIND.match(message) or _WRONG_DEFAULT.match(message) or message in (
            "Expected string for JSON name.", "Messages can't have default values."):
        value = _VALUE.match(text, at)
        return over("mismatched types", at, value.end()) if value else None
    if message == "Expected field number." and (number := _FLOAT.match(text, at)):
        return over("mismatched types", at, number.end())
    if message in _EXPECTED_NUMBER and text[at:at + 1] == "=":
        return over("unexpected `=` in definition", at, at + 1)  # `x = = 1`: buf reads on past the first
    if message in _EXPECTED_NUMBER and (string := _STRING.match(text, at)):
        return over("mismatched types", at, string.end())
    if message in _EXPECTED_NUMBER and (word := _WORD.match(text, at)):
        return over(f"cannot find `{word[0]}` in this scope", at, word.end())  # buf looks a name up
    if message == "Missing numeric value for enum constant." and (number := _NUMBER.match(text, at)):
        return over("unexpected integer literal in definition", at, number.end())  # `NAME 1;` without `=`
    if message == "Missing field number." and (labels := _TWO_LABELS.search(text[:at])):
        return over("multiple modifiers on message field type", labels.start(1), labels.end(1))
    if message == 'Expected "true" or "false".' and (word := re.compile(r"[A-Za-z_]\w*").match(text, at)):
        return over(f"cannot find `{word[0]}` in this scope", at, word.end())
    if message == "Repeated fields can't have default values.":
        typed = re.search(r"\brepeated\s+(\w+)", code[f.line - 1][:at])
        if typed and typed[1] in _SCALARS:
            return over(f"expected singular scalar- or enum-typed field, found scalar type `{typed[1]}`",
                        typed.start(1), typed.end(1))
    if (match := _EXTENSION_NUMBER.match(message)) and text.startswith(match[1], at):
        return over(f"extension with unreserved number `{match[1]}`", at, at + len(match[1]))
    if (match := _EXTENSION_USED.match(message)) and text.startswith(match[1], at):
        return over(f"field number `{match[1]}` used more than once", at, at + len(match[1]))
    return None


def _integer(f: Finding, text: str, code: list[str], at: int) -> Violation | list[Violation] | None:
    """An integer protoc cannot read: a field number is buf's `field number out of range`; an enum
    value, or a default of an integer field, its `literal out of range for `TYPE``, over the number
    with its sign. A leading zero with a digit 8 or 9 is one more error at that digit."""
    line = code[f.line - 1]
    if f.message.startswith("Numbers starting with leading zero"):
        return Violation(f.file, f.line, at + 1, "COMPILE", "invalid digit in octal integer literal", f.line, at + 1)
    number = _NUMBER.match(text, at)
    if number is None:
        return None
    start = at - 1 if text[at - 1:at] == "-" else at
    before = line[:start]
    default = re.search(r"\bdefault\s*=\s*$", before)
    if default:
        kind = _field_type(line, start)
        words = f"literal out of range for `{kind}`" if kind else ""
    elif re.search(r"=\s*$", before) and open_scope(code, f.line, start) == "enum":
        words = "literal out of range for `int32`"
    elif re.search(r"=\s*$", before):
        words = "field number out of range"
    else:
        words = ""
    if not words:
        return None
    return Violation(f.file, f.line, start + 1, "COMPILE", words, f.line, number.end() + 1)


def _field_type(line: str, at: int) -> str:
    """The scalar type of the field whose option list holds column `at` of `line`, "" if none."""
    typed = [*re.finditer(r"\b(" + "|".join(_SCALARS) + r")\s+\w+\s*=\s*\d+\s*\[", line[:at])]
    return typed[-1][1] if typed else ""
