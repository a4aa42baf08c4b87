"""protoc's "Option X cannot be set on an entity of type `message`." placed as buf places it.

protoc checks an option field's `targets` (every feature has them: `utf8_validation` is for fields
and files) after linking and names no line. buf's compiler reports "unsupported option target for
`utf8_validation`" at the option name's last part, on the statement that sets it. The entity kind
protoc names tells which statement: an `option` line inside a message, enum, oneof, service or rpc
body (or at the top: a file), or a `[...]` list on a field or an enum value.
"""

from __future__ import annotations

import re

from workbench.breaking.bufformat import Violation
from workbench.breaking.compile_decls import open_scope

_TARGET = re.compile(r"Option ([\w.]+\.)?(\w+) cannot be set on an entity of type `([\w ]+)`\.$")
# protoc's entity words for an option statement in each body (open_scope's keyword, "" at the top)
_STATEMENT_KIND = {"": "file", "message": "message", "enum": "enum", "oneof": "oneof", "service": "service",
                   "rpc": "method", "extend": "field"}


def match(message: str) -> tuple[str, str, str] | None:
    """(the option's scope, its name's last part, protoc's entity kind) when `message` is this error."""
    found = _TARGET.match(message)
    return (found[1] or "", found[2], found[3]) if found else None


def locate(path: str, code: list[str], scope: str, name: str, kind: str, nth: int) -> Violation | None:
    """The `nth` (0-based) place in `code` (blanked lines) that sets option `scope` + `name` on a `kind`:
    a core feature is written `features.NAME`, a language feature `features.(pb.java).NAME`, a custom
    option `(pkg.NAME)` or `(pkg.opt).NAME`."""
    places = []
    if scope == "google.protobuf.FeatureSet.":
        pattern = re.compile(rf"\bfeatures\s*\.\s*({re.escape(name)})\s*=")
    else:  # a field of an option's message (`(opt).NAME`, span NAME), or the option (span `(pkg.NAME)`)
        pattern = re.compile(rf"\)\s*\.\s*({re.escape(name)})\s*=|(\(\s*[\w.]*\b{re.escape(name)}\s*\))\s*=")
    for index, text in enumerate(code):
        for found in pattern.finditer(text):
            group = 1 if found[1] is not None else 2
            if _kind_at(code, index, found.start()) == kind:
                places.append(Violation(path, index + 1, found.start(group) + 1, "COMPILE",
                                        f"unsupported option target for `{name}`", index + 1, found.end(group) + 1))
    return places[nth] if nth < len(places) else None


def _kind_at(code: list[str], index: int, column: int) -> str:
    """The entity an option written at `code[index][column]` is set on."""
    before = "\n".join([*code[:index], code[index][:column]])
    statement = re.split(r"[;{}]", before)[-1]
    scope = open_scope(code, index + 1, column)
    if statement.count("[") > statement.count("]"):
        return "enum entry" if scope == "enum" else "field"
    if re.match(r"\s*option\b", statement):
        return _STATEMENT_KIND.get(scope, "")
    return ""
