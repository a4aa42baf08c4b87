"""protoc's errors on declarations and statements (misplaced statements, ranges, options, names of the
wrong kind) in buf's words and spans.

Each was checked against buf-bin (tests/compile_word_cases). protoc mostly points at one token; buf
spans what it names: a statement from its first word to its `;` (or a body to its `}`), a range, an
option's name, a type reference. `rewrite` answers None for any other error, or when the text is
not what the words expect.
"""

from __future__ import annotations

import re

from workbench.breaking.bufformat import Violation
from workbench.breaking.compile_decls import Declaration, declarations, open_scope, package_of
from workbench.findings import Finding

_IDENT = re.compile(r"[A-Za-z_]\w*")
_NAME = re.compile(r"\.?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_STRING = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")
_RANGE = re.compile(r"-?\d+(?:\s+to\s+(?:-?\d+|max))?")
_OVERLAP = re.compile(r"(Reserved|Extension) range (-?\d+) to (-?\d+) overlaps with already-defined range ")
_NOT_A_TYPE = re.compile(r'"([\w.]+)" is not (?:a type|defined)\.$')
_NOT_A_MESSAGE = re.compile(r'"([\w.]+)" is not a message type\.$')
_ALREADY_SET = re.compile(r'Option "([\w.]+)" was already set\.$')
_CUSTOM_UNKNOWN = re.compile(r'Option "\(([\w.]+)\)[\w.]*" unknown\.')
_NOT_IMPORTED = re.compile(r'"[\w.]+" seems to be defined in "[^"]+", which is not imported by "[^"]+"\.')
_CLOSED_ENUM = re.compile(r'Enum type "([\w.]+)" is not an open enum, but is used in "[^"]+" which is a proto3 message')
_PREFIX_CONFLICT = re.compile(r"Enum name (\w+) has the same name as \w+ if you ignore case and strip out the enum ")
_CUSTOM_JSON = re.compile(r'The custom JSON name of field "\w+" \("[^"]*"\) conflicts with the custom JSON name ')
_RESERVED_TWICE = re.compile(r'Field name "(\w+)" is reserved multiple times\.$')
_MAP_KEY = re.compile(r"map\s*<\s*(\.?[A-Za-z_][\w.]*)\s*,")
_PROTO3 = re.compile(r"^\s*syntax\s*=\s*[\"']proto3[\"']", re.M)
_SCOPE_WORDS = {"": "file scope", "message": "message definition", "enum": "enum definition",
                "oneof": "oneof definition"}
_MAP_ARGS = re.compile(r"\bmap\s*<([^<>;{}]*)>?")
_NO_FIELD_NAMED = re.compile(r'Error while parsing option value for "[^"]+": Message type "([\w.]+)" has no field '
                             r'named "(\w+)"\.$')
_VALUE = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|-?[\w.+]+")
_FOUND = {"value": "enum value", "field": "message field", "service": "service definition",
          "message": "message type", "enum": "enum type"}
_STATEMENT_KINDS = (("message", "message definition"), ("enum", "enum definition"),
                    ("service", "service definition"), ("reserved", "reserved range"),
                    ("extensions", "extension range"))


def rewrite(f: Finding, lines: list[str], code: list[str]) -> Violation | list[Violation] | None:
    if not (f.line and f.line <= len(lines)):
        return None
    text = lines[f.line - 1]
    line = code[f.line - 1]
    at = (f.column or 1) - 1
    message = f.message

    def over(words: str, start: int, end: int, end_line: int = 0) -> Violation:
        return Violation(f.file, f.line, start + 1, "COMPILE", words, end_line or f.line, end + 1)

    def token(words: str, pattern: re.Pattern[str]) -> Violation | None:
        match = pattern.match(text, at)
        return over(words, at, match.end()) if match else None

    if message == "Expected syntax identifier.":
        if line[at:at + 1] == ";":
            return over("unexpected `;` in `syntax` declaration", at, at + 1)
        return token("the value of a `syntax` declaration must be a string literal", _NAME)
    if message.startswith("Unknown edition "):
        return token("unrecognized `edition` declaration value", _STRING)
    if message == 'Expected ";".' and (number := re.compile(r"\d\w*").match(line, at)):
        return _number_after(f, code, at, number.end())
    if message == "Expected field name." and line[at:at + 1] == "=" and \
            (labelled := re.search(r"(?:^|[;{}])\s*((optional|repeated|required)\s+\w+\s*)$", line[:at])):
        # `optional id = 2;`: buf reads the label as the type (not found) and the name as the name
        label = labelled.start(2), labelled.end(2)
        out = [over(f"cannot find `{labelled[2]}` in this scope", *label)]
        if not _PROTO3.search("\n".join(lines)):
            out.append(over("unexpected type name", *label))  # and a proto2 field without a label
        return out
    grammar = _grammar(f, lines, code, at)
    if grammar is not None:
        return grammar
    if message.startswith("Expected top-level statement"):
        return _misplaced(f, code, "at file scope")
    if message == 'Expected "rpc".':
        return _misplaced(f, code, "within service definition")
    if match := _OVERLAP.match(message):
        return _overlap(f, code, match)
    if message == "Reserved range end number must be greater than start number.":
        return token("empty reserved range %!v(MISSING) %!v(MISSING)", _RANGE)  # buf's own (sic)
    if message == "Expected field number range." and _STRING.match(text, at):
        return token("cannot mix tags and names in reserved range", _STRING)
    if match := _RESERVED_TWICE.match(message):
        first = re.compile(rf"\breserved\b[^;]*?(\"{match[1]}\"|'{match[1]}')").search(text, at)
        return over(f"message field name `{match[1]}` reserved more than once", first.start(1),
                    first.end(1)) if first else None
    if match := _ALREADY_SET.match(message):
        return over(f"option `{match[1]}` set multiple times", at, at + len(match[1])) \
            if text.startswith(match[1], at) else None
    if (match := _CUSTOM_UNKNOWN.match(message)) and text.startswith("(" + match[1], at):
        return over(f"cannot find `{match[1]}` in this scope", at + 1, at + 1 + len(match[1]))
    if _NOT_IMPORTED.match(message) and (name := _NAME.match(text, at)):
        return over(f"cannot find `{name[0].rsplit('.', 1)[-1]}` in this scope", at, name.end())
    if match := _CLOSED_ENUM.match(message):
        return token(f'closed enum `{match[1]}` cannot be used in a "proto3" message', _NAME)
    if match := _PREFIX_CONFLICT.match(message):
        here = _declaration_at(code, f.line, at)
        if here is None or here.kind != "value":
            return None
        return token(f"enum values have the same name with the `{here.container.rsplit('.', 1)[-1]}` prefix removed",
                     _IDENT)
    if _CUSTOM_JSON.match(message):
        value = re.compile(r"\bjson_name\s*=\s*(\"[^\"]*\"|'[^']*')").search(text, at)
        return over("message fields have the same JSON name", value.start(1), value.end(1)) if value else None
    if message == "Group names must start with a capital letter.":
        return token("group names must start with an uppercase letter", _IDENT)
    if message == "Map fields are not allowed in oneofs.":
        typed = re.compile(r"map\s*<[^>]*>").search(text, max(0, at - 8))
        return over("map fields are not allowed inside of a oneof definition", typed.start(), typed.end()) \
            if typed and typed.start() <= at else None
    if message == "Enums must contain at least one value.":
        return _empty_enum(f, code, at)
    if message == "Expected type name." and line[at:at + 1] == "}":
        head = re.search(r"\boneof\s+\w+\s*\{\s*$", line[:at])
        return over("oneof must define at least one member", head.start(), at + 1) if head else None
    if message.startswith("The extension ") and message.endswith(" cannot be required."):
        labels = [*re.finditer(r"\brequired\b", line[:at])]
        return over("message extension cannot be required", labels[-1].start(), labels[-1].end()) if labels else None
    if message.startswith("map_entry should not be set explicitly."):
        return token("`map_entry` cannot be set explicitly", _IDENT)
    if message == "[packed = true] can only be specified for repeated primitive fields.":
        return _typed(f, text, at, "expected packable type, found scalar type `{}`")
    if message == "[lazy = true] can only be specified for submessage fields.":
        return _typed(f, text, at, "expected message type, found scalar type `{}`")
    if message == "MessageSet is not supported in proto3.":
        return _message_set(f, code, at)
    if message in ("Comment started here.",) and text.startswith("/*", at):
        return over("encountered unmatched `/*` delimiter", at, at + 2)
    if message == "Invalid control characters encountered in text.":
        return over("unrecognized token", at, at + 1)
    if message.startswith("Key in map fields cannot be ") and (key := _MAP_KEY.match(text, at)):
        found = _resolve(code, key[1].lstrip("."))
        kind = found[0].keyword if found and found[0].kind == "type" else ""
        if found is None or kind not in ("message", "enum"):
            return None
        return over(f"expected map key type, found {kind} type `{found[1]}`", key.start(1), key.end(1))
    if (match := _NOT_A_TYPE.match(message)) or (match := _NOT_A_MESSAGE.match(message)):
        return _wrong_kind(f, code, text, at, match[1], "message " if match.re is _NOT_A_MESSAGE else "")
    return None


def _grammar(f: Finding, lines: list[str], code: list[str], at: int) -> Violation | list[Violation] | None:
    """Statements buf's parser reads further than protoc's, each checked with buf-bin: a trailing
    comma in `[...]`, a map with other than two type arguments, `stream` on a field or twice, a
    dotted field name, an enum value or option without a value, an import path or package name
    that is no string or name, an option without `=`."""
    text, line, message = lines[f.line - 1], code[f.line - 1], f.message

    def over(words: str, start: int, end: int) -> Violation:
        return Violation(f.file, f.line, start + 1, "COMPILE", words, f.line, end + 1)

    statement = _statement_start(line, at)
    head = line[statement:at]
    if message == "Expected identifier." and line[at:at + 1] == "]" and line[:at].rstrip().endswith(","):
        comma = line[:at].rstrip()
        return over("unexpected trailing `,` in compact options", len(comma) - 1, len(comma))
    if message in ('Expected ",".', 'Expected ">".') and (typed := _MAP_ARGS.search(line[:at + 1] + line[at + 1:])):
        if typed.start() <= at <= typed.end():
            count = len(typed[1].split(","))
            return over(f"expected exactly two type arguments, got {count}", typed.start(1) - 1, typed.end(1) + 1)
    if message == "Missing field number." and (modifier := re.match(r"\s*(stream)\b", head)):
        return over("unexpected `stream` modifier on message field", statement + modifier.start(1),
                    statement + modifier.end(1))
    if message == "Missing field number." and line[at:at + 1] == "." and \
            (dotted := re.search(r"([A-Za-z_]\w*)$", line[:at])) and (rest := _NAME.match(line, dotted.start(1))):
        return over("unexpected qualified name in message field", dotted.start(1), rest.end())
    if message == 'Expected ")".' and (twice := re.search(r"\bstream\s+(stream)\s+$", line[:at])):
        return over("encountered more than one `stream`", twice.start(1), twice.end(1))
    if message == "Missing numeric value for enum constant." and re.match(r"\s*(message|enum|service)\b", head):
        start = statement + len(head) - len(head.lstrip())
        moved = Finding(f.severity, f.rule, f.file, f.line, message, start + 1, f.entity)
        return _misplaced(moved, code, "within enum definition")  # a definition in an enum's body
    if (match := _NO_FIELD_NAMED.match(message)) and \
            (setting := re.compile(rf"\b{match[2]}\s*:?\s*(?:{_VALUE.pattern})").search(text, at)):
        return over(f"cannot resolve message field name for `{match[1]}`", setting.start(), setting.end())
    if message == "Missing numeric value for enum constant." and line[at:at + 1] == ";" and \
            re.fullmatch(r"\s*[A-Za-z_]\w*\s*", head):
        start = statement + len(head) - len(head.lstrip())
        return over("missing enum value in declaration", start, at + 1)
    if message == "Expected option value." and line[at:at + 1] == ";" and re.match(r"\s*option\b", head):
        start = statement + len(head) - len(head.lstrip())
        return [over("missing option setting value", start, at + 1), over("unexpected `;` in definition", at, at + 1)]
    if message == 'Expected "=".' and re.match(r"\s*option\b", head) and (string := _STRING.match(text, at)):
        return over("unexpected string literal in definition", at, string.end())
    if message == "Expected a string naming the file to import." and _IDENT.match(line, at):
        end = line.find(";", at)
        return over("unexpected qualified name in import", at, len(line[:end].rstrip())) if end > 0 else None
    if message == "Expected identifier." and line[at:at + 1] == ";" and re.fullmatch(r"\s*package\s*", head):
        start = statement + len(head) - len(head.lstrip())
        return over("missing path in `package` declaration", start, at + 1)
    return None


def _statement_start(line: str, at: int) -> int:
    """The index after the last `;`, `{` or `}` before `at` on the line (0 when none)."""
    return max(line.rfind(c, 0, at) for c in ";{}") + 1


def _number_after(f: Finding, code: list[str], at: int, end: int) -> list[Violation] | None:
    """An integer where a definition's `;` goes: buf's two errors over it, after the definition and in
    the body (checked in a message, an enum, a oneof and at file scope)."""
    statement = re.split(r"[;{}]", "\n".join([*code[:f.line - 1], code[f.line - 1][:at]]))[-1].split()
    if not statement or statement[0] in ("syntax", "package", "import", "edition", "rpc", "reserved", "extensions"):
        return None
    scope = _SCOPE_WORDS.get(open_scope(code, f.line, at))
    if scope is None:
        return None
    return [Violation(f.file, f.line, at + 1, "COMPILE", words, f.line, end + 1)
            for words in ("unexpected integer literal after definition", f"unexpected integer literal in {scope}")]


def _statement_end(code: list[str], line: int, at: int) -> tuple[int, int] | None:
    """(line, 0-based column after) the end of the statement starting at (line, at): its `;`, or the
    `}` closing its body."""
    depth = 0
    for index in range(line - 1, len(code)):
        start = at if index == line - 1 else 0
        for column in range(start, len(code[index])):
            char = code[index][column]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return index + 1, column + 1
                if depth < 0:
                    return None
            elif char == ";" and depth == 0:
                return index + 1, column + 1
    return None


def _misplaced(f: Finding, code: list[str], where: str) -> Violation | None:
    """A statement where it may not be: buf's `unexpected KIND WHERE` over the statement (a definition
    with its body), or over the token when it starts no statement."""
    line = code[f.line - 1]
    at = (f.column or 1) - 1
    word = _IDENT.match(line, at)
    char = line[at:at + 1]
    if word is None:
        if re.match(r"\d", char):
            number = re.compile(r"\d\w*").match(line, at)
            return Violation(f.file, f.line, at + 1, "COMPILE", f"unexpected integer literal {_in(where)}", f.line,
                             number.end() + 1) if number else None
        if char and char not in "{}();=\"'" and where == "at file scope":
            return Violation(f.file, f.line, at + 1, "COMPILE", f"unexpected `{char}` {_in(where)}", f.line, at + 2)
        return None
    if word[0] == "syntax" and where == "at file scope":
        kind = "`syntax` declaration"
        where = ""
    else:
        kind = next((k for keyword, k in _STATEMENT_KINDS if word[0] == keyword), "message field")
    if kind == "message field" and (word[0] in ("option", "import", "package", "rpc", "extend", "oneof", "edition")):
        return None
    end = _statement_end(code, f.line, at)
    if end is None:
        return None
    if kind == "message field" and not re.match(r"[\w.]+\s+\w+\s*=\s*\d+\s*(?:\[[^\]]*\])?\s*;$",
                                                _joined(code, f.line, at, end)):
        return None  # some other statement: buf's words for it are not checked
    words = f"unexpected {kind} {where}".rstrip()
    return Violation(f.file, f.line, at + 1, "COMPILE", words, end[0], end[1] + 1)


def _in(where: str) -> str:
    return "in file scope" if where == "at file scope" else where


def _joined(code: list[str], line: int, at: int, end: tuple[int, int]) -> str:
    if end[0] == line:
        return code[line - 1][at:end[1]]
    return "\n".join([code[line - 1][at:], *code[line:end[0] - 1], code[end[0] - 1][:end[1]]])


def _overlap(f: Finding, code: list[str], match: re.Match[str]) -> Violation | None:
    """Two ranges overlap: buf points at the later one, `LOW to HIGH` as protoc names it (protoc
    points at the first of the scope's ranges)."""
    low, high = re.escape(match[2]), re.escape(match[3])
    written = rf"{low}(?:\s+to\s+{high})?" if low == high else rf"{low}\s+to\s+(?:{high}|max)"
    keyword = "reserved" if match[1] == "Reserved" else "extensions"
    element = re.compile(rf"(?:\b{keyword}\s+|,\s*)({written})\s*[,;\[]")
    at = (f.column or 1) - 1
    kind = "enum value" if open_scope(code, f.line, at) == "enum" else "field number"
    for index in range(f.line - 1, len(code)):
        found = element.search(code[index], at + 1 if index == f.line - 1 else 0)
        if found:
            return Violation(f.file, index + 1, found.start(1) + 1, "COMPILE", f"overlapping {kind} ranges",
                             index + 1, found.end(1) + 1)
    return None


def _empty_enum(f: Finding, code: list[str], at: int) -> Violation | None:
    """`enum E { }`: buf spans `enum` to the body's `}` (protoc points at the name)."""
    head = re.search(r"\benum\s+$", code[f.line - 1][:at])
    if head is None:
        return None
    end = _statement_end(code, f.line, head.start())
    if end is None:
        return None
    return Violation(f.file, f.line, head.start() + 1, "COMPILE", "enum type must define at least one value",
                     end[0], end[1] + 1)


def _typed(f: Finding, text: str, at: int, words: str) -> Violation | None:
    """An option the field's scalar type does not allow: buf spans the type (protoc points at it)."""
    word = _IDENT.match(text, at)
    if word is None or word[0] not in ("double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool",
                                       "string", "bytes", "uint32", "sfixed32", "sfixed64", "sint32", "sint64"):
        return None
    return Violation(f.file, f.line, at + 1, "COMPILE", words.format(word[0]), f.line, word.end() + 1)


def _message_set(f: Finding, code: list[str], at: int) -> Violation | None:
    """buf's error at the option name of the message's `message_set_wire_format = true` (protoc points
    at the message's name)."""
    option = re.compile(r"\bmessage_set_wire_format(?=\s*=\s*true\b)")
    for index in range(f.line - 1, len(code)):
        if found := option.search(code[index], at if index == f.line - 1 else 0):
            return Violation(f.file, index + 1, found.start() + 1, "COMPILE", "message set type are not supported",
                             index + 1, found.end() + 1)
    return None


def _declaration_at(code: list[str], line: int, at: int) -> Declaration | None:
    return next((d for d in declarations(code) if (d.line, d.column) == (line, at + 1)), None)


def _wrong_kind(f: Finding, code: list[str], text: str, at: int, name: str, expected: str) -> Violation | None:
    """A type reference that names something of another kind, declared in this file: buf's
    `expected [message ]type, found KIND `full.name``. None when the name is declared nowhere here
    (then it is buf's `cannot find`)."""
    written = _NAME.match(text, at)
    if written is None:
        return None
    found = _resolve(code, name.lstrip("."))
    if found is None:
        return None
    d, full = found
    kind = d.keyword if d.kind == "type" else d.kind
    if kind not in _FOUND or (expected and kind == "message") or (not expected and kind in ("message", "enum")):
        return None
    return Violation(f.file, f.line, at + 1, "COMPILE", f"expected {expected}type, found {_FOUND[kind]} `{full}`",
                     f.line, written.end() + 1)


def _resolve(code: list[str], name: str) -> tuple[Declaration, str] | None:
    """The one declaration of this file whose name (with its scopes) ends with `name`, and its full
    name (with the package)."""
    package = package_of(code)
    prefix = package + "." if package else ""
    matches = []
    for d in declarations(code):
        inner = d.container.rpartition(".")[0] if d.kind == "value" else d.container
        relative = (inner + "." if inner else "") + d.name
        if relative == name or relative.endswith("." + name):
            matches.append((d, prefix + relative))
    return matches[0] if len(matches) == 1 else None
