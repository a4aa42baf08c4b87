"""Match as Go's regexp (RE2 syntax) does, with Python's `re`: a pattern rewritten where the two differ.

protovalidate runs `string.pattern` and CEL's `matches()` with Go's regexp. Written the same, some patterns
mean other things to Python's `re`: `$` also matches before a final newline (RE2's only at the end, unless
(?m)), `\\s` takes \\v, `[[:alpha:]]` is a nested set, `(?i)` with re.ASCII folds ASCII only (RE2 folds
Unicode while `\\w`, `\\d`, `\\s`, `\\b` stay ASCII). And some are RE2's only: `\\z`, `\\Q...\\E`, `\\pL`,
`\\p{Lu}`. The rewrite gives Python each in its own terms (`\\Z`; `[0-9A-Za-z_]`; ASCII ranges; escaped text;
the general category's code points at Unicode 15.0, Go's version). What it does not take (script names,
`(?U)`, a negated POSIX class) gives None: the caller leaves the verdict to buf. The pattern is one Go's
regexp compiles (go_regexp.py checks that first).
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD, _DIGIT, _SPACE = "0-9A-Za-z_", "0-9", "\\t\\n\\f\\r "
_PERL = {"w": _WORD, "d": _DIGIT, "s": _SPACE}
_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
          "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
          "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": _WORD, "xdigit": "0-9A-Fa-f"}
_BOUNDARY = f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
_CATEGORIES = {"C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd",
               "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl",
               "Zp", "Zs"}


@lru_cache(maxsize=256)
def compile_re2(pattern: str) -> re.Pattern[str] | None:
    translated = _translate(pattern)
    if translated is None:
        return None
    try:
        return re.compile(translated)
    except (re.error, OverflowError, RecursionError):
        return None


def _translate(pattern: str) -> str | None:
    multiline = bool(re.search(r"\(\?[a-zA-Z]*m", pattern))
    if re.search(r"\(\?[a-zA-Z-]*U", pattern):
        return None  # RE2's ungreedy flag: Python has none
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "Q":
                end = pattern.find("\\E", i + 2)
                text = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append(re.escape(text))
                i = n if end < 0 else end + 2
                continue
            if e in "pP":
                name, i = _property_name(pattern, i + 2)
                chars = _category(name) if name is not None else None
                if chars is None:
                    return None
                negated = e == "P"
                if in_class:
                    if negated:
                        return None
                    out.append(chars)
                else:
                    out.append(f"[{'^' if negated else ''}{chars}]")
                continue
            if e in "wds" or e in "WDS":
                ranges = _PERL[e.lower()]
                if in_class:
                    if e.isupper():
                        return None
                    out.append(ranges)
                else:
                    out.append(f"[{'^' if e.isupper() else ''}{ranges}]")
                i += 2
                continue
            if e in "bB" and not in_class:
                out.append(_BOUNDARY if e == "b" else f"(?!{_BOUNDARY})")
                i += 2
                continue
            if e == "z" and not in_class:
                out.append("\\Z")
                i += 2
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2:end] if end > 0 else ""
                if name not in _POSIX:
                    return None
                out.append(_POSIX[name])
                i = end + 2
                continue
            if c == "]":
                in_class = False
            elif c == "[":
                out.append("\\[")
                i += 1
                continue
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading ']' is a literal
                out.append("\\]")
                i += 1
            continue
        if c == "$" and not multiline:
            out.append("\\Z")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _property_name(pattern: str, i: int) -> tuple[str | None, int]:
    if i < len(pattern) and pattern[i] == "{":
        end = pattern.find("}", i)
        if end < 0:
            return None, len(pattern)
        return pattern[i + 1:end], end + 1
    if i < len(pattern):
        return pattern[i], i + 1
    return None, i


@lru_cache(maxsize=64)
def _category(name: str) -> str | None:
    """The code points of a general category (one letter: all its subcategories) as class ranges."""
    import unicodedata

    from workbench.breaking.unicode15 import NEW_IN_15_0, ranges

    if name == "Any":
        return "\\x00-\\U0010ffff"
    if name not in _CATEGORIES:
        return None  # a script, or a name Go's regexp knows and this does not
    points = [cp for cp in range(0x110000) if unicodedata.category(chr(cp)).startswith(name)]
    for category, spec in NEW_IN_15_0.items():
        if category.startswith(name) and unicodedata.unidata_version < "15.0.0":
            starts, ends = ranges(spec)
            points += [cp for s, e in zip(starts, ends, strict=True) for cp in range(s, e + 1)]
    points.sort()
    out: list[str] = []
    start = prev = -2
    for cp in [*points, -5]:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            out.append(_escape(start) if start == prev else f"{_escape(start)}-{_escape(prev)}")
        start = prev = cp
    return "".join(out)


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"
