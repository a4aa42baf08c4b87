"""protoc's compile errors in buf's compiler's words and spans, for `--error-format` output.

buf 1.75 compiles with its own compiler (bufbuild/protocompile's new front end): other words, a span
(start and end) per error, and sometimes another place (the first of two declarations, a field's
number rather than the `reserved` statement it hits). For the commonest errors whose buf form is
known (checked against buf-bin, tests/compile_word_cases) the error is rewritten here, with the span
taken from the file's text; any other error keeps protoc's words, its start as its end. Only run when
a compile failed, so a good build never pays for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from workbench.breaking import (
    compile_dups,
    compile_literals,
    compile_options,
    compile_statements,
    compile_targets,
)
from workbench.breaking.bufformat import Violation
from workbench.breaking.compile_decls import blanked as _code
from workbench.breaking.compile_decls import declarations, open_scope
from workbench.contracts.protoc_columns import index_at
from workbench.findings import Finding

Reader = Callable[[str], "str | None"]

_IDENT = re.compile(r"[A-Za-z_]\w*")
_NAME = re.compile(r"\.?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_NUMBER = re.compile(r"-?(?:0[xX][0-9A-Fa-f]+|\d+)")
_STRING = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")

_NOT_DEFINED = re.compile(r'"([^"]+)" is (?:resolved to "[^"]*", which is )?not defined\.')
_IMPORT_FAILED = re.compile(r'Import "([^"]+)" was not found or had errors\.$')
_CYCLE = re.compile(r"File recursively imports itself: (.+)$")
_FIELD_NUMBER_USED = re.compile(r"Field number \d+ has already been used in ")
_ENUM_NUMBER_USED = re.compile(r'"[^"]+" uses the same enum value as "')
_FIELD_RESERVED_NUMBER = re.compile(r'Field "(\w+)" uses reserved number (\d+)\.$')
_ENUM_RESERVED_NUMBER = re.compile(r'Enum value "(\w+)" uses reserved number (-?\d+)\.$')
_PROTO3 = re.compile(r"^\s*syntax\s*=\s*[\"']proto3[\"']", re.M)
_AGAINST = re.compile(r" \(in against (.+)\)$")
_OUT_OF_RANGE = ("Field numbers cannot be greater than 536870911.", "Field numbers must be positive integers.")
_IMPLEMENTATION_RANGE = "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation."
# words buf's lexer knows (checked one by one against buf-bin): named in `unexpected `int32``, where any
# other word is `unexpected identifier`
_KEYWORDS = frozenset(
    "int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 float double bool string bytes "
    "optional repeated required map message enum oneof option reserved extensions extend service rpc returns "
    "stream syntax edition package import weak public group to max inf nan true false default json_name export "
    "local".split())
_RANGE = re.compile(r"-?\d+(?:\s+to\s+(?:-?\d+|max))?")
_VALUE = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|-?[\w.+]+")
_ALIAS_UNNEEDED = re.compile(r'"(\w+)" declares support for enum aliases but no enum values share field numbers\.')
_MISSING_PARTS = {  # protoc's words at the token where a part is missing -> buf's, over the statement
    "Expected field name.": "missing name in message field",
    "Expected field number.": "missing message field tag in declaration",
    "Expected integer.": "missing enum value in declaration",
}
_UNKNOWN_OPTION = re.compile(r'Option "([A-Za-z_]\w*)" unknown\.')
_OPTIONS_OF = {"": "FileOptions", "message": "MessageOptions", "enum": "EnumOptions", "service": "ServiceOptions",
               "oneof": "OneofOptions", "rpc": "MethodOptions"}
_OPTION_VALUE_KIND = re.compile(r"Value must be (?:identifier for boolean|quoted string for string) option ")
_NO_ENUM_VALUE = re.compile(r'Enum type "[^"]+" has no value named "(\w+)"(?:\.$| for option ")')
_NO_NAME = re.compile(r"Expected (message|enum|service|oneof) name\.$")
_SIMPLE = {  # protoc's words -> buf's, where both point at the same token
    "The first enum value must be zero for open enums.": "first value of open enum must be zero",
}


def translate(errors: Iterable[Finding], read: Reader) -> tuple[list[Violation], list[Finding]]:
    """buf's located COMPILE lines for `errors`, and the errors buf prints at no line (on stderr).

    `read(path)` is the text of a file the errors name (None when it cannot be read: then the
    words may still change, the span stays protoc's point)."""
    errors = list(errors)
    if any(not _AGAINST.search(f.message) for f in errors):
        # buf builds the input first and stops at its errors: the against side's are not printed
        errors = [f for f in errors if not _AGAINST.search(f.message)]
    else:
        read = _against_reader(errors, read)
        errors = [_as_buf_names(f) for f in errors]
    texts: dict[str, str | None] = {}
    source = read

    def cached(path: str) -> str | None:
        if path not in texts:
            texts[path] = source(path)
        return texts[path]

    read = cached
    errors = [_in_characters(f, read) for f in errors]
    missing = {f.file for f in errors if not f.line and f.message == "File not found."}
    # the files of import cycles: protoc's "not found" on an import in one is the cycle, not a missing file
    in_cycles = {name.strip() for f in errors if (m := _CYCLE.match(f.message)) for name in m[1].split(" -> ")}
    errors += compile_options.unknown_options(errors, missing, read, lambda path: _code_of(read, path),
                                              _shown_as(read, errors))
    located, across = compile_dups.across_files(errors, lambda path: _code_of(read, path),
                                                  _shown_as(read, errors))
    unlocated: list[Finding] = []
    said: set[tuple[str, str, str]] = set()  # (file, scope, name) whose duplicates buf has reported
    for index, f in enumerate(errors):
        if index in across or f.message.startswith(compile_dups.SCOPING_NOTE):
            continue  # answered above; protoc's second line on an enum value declared twice
        if f.message.startswith("Suggested field numbers for "):
            continue  # protoc's hint after a number error; buf's compiler gives none
        if f.message == "End-of-file inside block comment." and any(
                e.message == "Comment started here." and e.file == f.file for e in errors):
            continue  # buf's one error is at the `/*` (protoc's second line)
        if not f.line:
            if f.file in missing and any(_imports_failed(e, f.file) for e in errors):
                continue  # said at the import, as buf does
            found = _locate_unlocated(f, read, sum(e.message == f.message and e.file == f.file
                                                    for e in errors[:index]))
            if found is None:
                unlocated.append(f)
            else:
                located.append(found)
            continue
        if _declared_in_broken_import(f, errors, missing, read):
            continue
        match = _IMPORT_FAILED.match(f.message)
        if match and match[1] not in missing:
            # the imported file is there and failed itself (or is in a cycle): buf reports only that
            continue
        if compile_dups.ALREADY_DEFINED.match(f.message):
            lines = _lines(read, f.file)
            proto3 = lines is not None and _PROTO3.search("\n".join(lines)) is not None
            twice = compile_dups.in_file(f, None if lines is None else _code(lines), proto3, said)
            if twice is not None:
                located += twice
                continue
        if _CYCLE.match(f.message):
            located.append(_cycle(f, read))
            continue
        rewritten = _rewritten(f, read, match is not None and match[1] not in in_cycles)
        located += rewritten if isinstance(rewritten, list) else [rewritten]
    return located, unlocated


def _as_buf_names(f: Finding) -> Finding:
    """An error of the against side (`... (in against LABEL)`) as buf prints it: no suffix, and a
    directory's file named from the current directory (`../before/a.proto`)."""
    match = _AGAINST.search(f.message)
    if not match:
        return f
    path = f.file
    if f.file and Path(match[1]).is_dir():
        path = os.path.relpath(Path(match[1]) / f.file).replace(os.sep, "/")
    return Finding(f.severity, f.rule, path, f.line, f.message[:match.start()], f.column, f.entity)


def _against_reader(errors: list[Finding], read: Reader) -> Reader:
    """Where the against side's files are read: a directory's through `read` (their names are made
    relative to here), a git ref's from its commit (`LABEL (commit)`) with `git show`, as the same
    path in the working tree is another version. None (protoc's point kept) when git cannot say."""
    commits = {f.file: m[1] for f in errors if (m := re.search(r" \(in against .* \(([0-9a-f]{7,40})\)\)$",
                                                               f.message)) and f.file}
    if not commits:
        return read

    def from_git(path: str) -> str | None:
        if path not in commits:
            return read(path)
        import subprocess

        done = subprocess.run(["git", "show", f"{commits[path]}:./{path}"], capture_output=True,  # noqa: S607
                              check=False)
        return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None

    return from_git


def _in_characters(f: Finding, read: Reader) -> Finding:
    """protoc counts a tab as up to the next multiple of 8 columns; buf's compiler counts characters."""
    if not (f.line and f.column and f.file):
        return f
    text = read(f.file)
    lines = text.split("\n") if text is not None else []
    if f.line > len(lines) or "\t" not in lines[f.line - 1]:
        return f
    index = index_at(lines[f.line - 1], f.column - 1)
    if index < 0:
        return f
    return Finding(f.severity, f.rule, f.file, f.line, f.message, index + 1, f.entity)


def _declared_in_broken_import(f: Finding, errors: list[Finding], missing: set[str], read: Reader) -> bool:
    """An undefined name that a file `f.file` imports, which failed itself, declares: buf's compiler
    builds that file all the same, so the name is found (protoc left the import out)."""
    match = _NOT_DEFINED.match(f.message)
    if match is None:
        return False
    last = match[1].rsplit(".", 1)[-1]
    shown = _shown_as(read, errors)
    for e in errors:
        failed = _IMPORT_FAILED.match(e.message)
        if not failed or e.file != f.file or failed[1] in missing:
            continue
        code = _code_of(read, shown(f, failed[1]))
        if code is not None and any(d.name == last and d.kind == "type" for d in declarations(code)):
            return True
    return False


def _code_of(read: Reader, path: str) -> list[str] | None:
    lines = _lines(read, path)
    return None if lines is None else _code(lines)


def _shown_as(read: Reader, errors: list[Finding]) -> Callable[[Finding, str], str]:
    """protoc's file `name` (an import path) as findings name it: below a folder `f.file` is in (the
    longest whose `name` can be read), as the files of one root share their prefix; else a file of
    another root that `errors` name (a workspace's other module)."""

    def shown(f: Finding, name: str) -> str:
        parts = f.file.split("/")
        for cut in range(len(parts) - 1, 0, -1):
            candidate = "/".join([*parts[:cut], name])
            if read(candidate) is not None:
                return candidate
        return next((e.file for e in errors if e.file.endswith("/" + name)), name)

    return shown


def _imports_failed(f: Finding, name: str) -> bool:
    match = _IMPORT_FAILED.match(f.message)
    return bool(match and match[1] == name and f.line)


def _lines(read: Reader, path: str) -> list[str] | None:
    text = read(path)
    return None if text is None else text.split("\n")


def _at(f: Finding, message: str, end_column: int = 0, line: int = 0, column: int = 0) -> Violation:
    line = line or f.line
    column = column or f.column or 1
    return Violation(f.file, line, column, "COMPILE", message, line, end_column or column)


def _token_end(text: str, column: int, pattern: re.Pattern[str]) -> int:
    """The column after the token `pattern` matches at 1-based `column` of `text`, 0 if none does."""
    match = pattern.match(text, column - 1)
    return match.end() + 1 if match else 0


def _rewritten(f: Finding, read: Reader, import_missing: bool) -> Violation | list[Violation]:
    lines = _lines(read, f.file)
    text = lines[f.line - 1] if lines and f.line <= len(lines) else None
    column = f.column or 1
    message = f.message

    def spanned(words: str, pattern: re.Pattern[str]) -> Violation:
        end = _token_end(text, column, pattern) if text is not None else 0
        return _at(f, words, end) if end else f_as_is()

    def f_as_is() -> Violation:
        return _at(f, message)

    if import_missing:
        # the whole statement, `import` to its `;`
        statement = re.compile(r"import\b[^;]*;")
        return spanned("imported file does not exist", statement)
    if lines is not None:
        code = _code(lines)
        further = compile_literals.rewrite(f, lines, code) or compile_statements.rewrite(f, lines, code)
        if further is not None:
            return further
    if match := _NOT_DEFINED.match(message):
        return spanned(f"cannot find `{match[1]}` in this scope", _NAME)
    if _FIELD_NUMBER_USED.match(message) and text is not None:
        number = _NUMBER.match(text, column - 1)
        return spanned(f"field number `{number[0]}` used more than once", _NUMBER) if number else f_as_is()
    if _ENUM_NUMBER_USED.match(message) and text is not None:
        number = _NUMBER.match(text, column - 1)
        return spanned(f"enum value `{number[0]}` used more than once", _NUMBER) if number else f_as_is()
    if message.startswith("Field name \"") and message.endswith("\" is reserved."):
        return spanned("use of reserved message field name", _IDENT)
    if message.startswith("Enum value \"") and message.endswith("\" is reserved."):
        return spanned("use of reserved enum value name", _IDENT)
    if message == "Missing field number." and text is not None and _NUMBER.match(text, column - 1):
        return spanned("unexpected integer literal in definition", _NUMBER)
    if message == 'Expected "required", "optional", or "repeated".':
        return spanned("unexpected type name", _NAME)  # a proto2 field without a label
    if message in _SIMPLE:
        return spanned(_SIMPLE[message], _NUMBER)
    if message in _OUT_OF_RANGE or (message == "Expected field number." and text is not None
                                    and _NUMBER.match(text, column - 1) and text[column - 1] == "-"):
        return spanned("field number out of range", _NUMBER)
    if message.startswith("Unrecognized syntax identifier "):
        return spanned("unrecognized `syntax` declaration value", _STRING)
    if match := _FIELD_RESERVED_NUMBER.match(message):
        return _number_of(f, lines, match[1], match[2], f"use of reserved field number `{match[2]}`") or f_as_is()
    if match := _ENUM_RESERVED_NUMBER.match(message):
        return _number_of(f, lines, match[1], match[2], f"use of reserved enum value `{match[2]}`") or f_as_is()
    if message == "Required fields are not allowed in proto3." and text is not None:
        # protoc points at the type; buf at the `required` before it
        before = [m for m in re.finditer(r"\brequired\b", text[:column - 1])]
        if before:
            start = before[-1].start() + 1
            return _at(f, "unexpected `required`", start + len("required"), column=start)
    if message.startswith("The default JSON name of field ") and " conflicts with the default JSON name" in message:
        return spanned("message fields have the same JSON name", _IDENT)
    if message == "Multiple package definitions.":
        return spanned("unexpected `package` declaration", re.compile(r"package\b[^;]*;"))
    if re.match(r'Import "[^"]+" was listed twice\.$', message):
        return spanned("file imported multiple times", re.compile(r"import\b[^;]*;"))
    if message.startswith("Fields in oneofs must not have labels ") and text is not None:
        label = _IDENT.match(text, column - 1)
        return spanned(f"unexpected `{label[0]}`", _IDENT) if label else f_as_is()
    if message == "Expected message type." and text is not None and (word := _IDENT.match(text, column - 1)):
        return spanned(f"expected message type, found scalar type `{word[0]}`", _IDENT)
    if message.startswith("Field labels (required/optional/repeated) are not allowed on map fields.") and text:
        # protoc points at the `<`; buf spans `map<...>` after the label
        typed = re.compile(r"map\s*<[^>]*>").search(text, max(0, column - 1 - 8))
        label = re.search(r"\b(required|optional|repeated)\s+$", text[:typed.start()]) if typed else None
        if typed and label:
            return _at(f, f"unexpected type after `{label[1]}`", typed.end() + 1, column=typed.start() + 1)
    if message.startswith("Key in map fields cannot be ") and text is not None:
        key = re.compile(r"map\s*<\s*(float|double|bytes)\s*,").match(text, column - 1)
        if key:
            return _at(f, f"expected map key type, found scalar type `{key[1]}`", key.end(1) + 1,
                       column=key.start(1) + 1)
    if (match := _UNKNOWN_OPTION.match(message)) and lines is not None:
        return _unknown_option(f, lines, match[1]) or f_as_is()
    if _OPTION_VALUE_KIND.match(message) and text is not None and (value := _VALUE.match(text, column - 1)):
        # a value of the wrong kind; a bare word given for a string is looked up as a name by buf
        if _IDENT.fullmatch(value[0]) and "quoted string" in message:
            return spanned(f"cannot find `{value[0]}` in this scope", _IDENT)
        return spanned("mismatched types", _VALUE)
    if (match := _NO_ENUM_VALUE.match(message)) and text is not None:
        return spanned(f"cannot find `{match[1]}` in this scope", _IDENT)
    if (match := _NO_NAME.match(message)) and lines is not None:
        return _unnamed_body(f, lines, match[1]) or f_as_is()
    if message in _MISSING_PARTS and lines is not None:
        return _missing_part(f, lines, _MISSING_PARTS[message]) or f_as_is()
    if message == 'Unmatched "}".' and text is not None and text[column - 1:column] == "}":
        return _at(f, "encountered unmatched `}` delimiter", column + 1)
    if message.startswith("Expected top-level statement") and text is not None and text[column - 1:column] == "}":
        return _at(f, "unexpected `}` in file scope", column + 1)
    if message == "Groups are not supported in proto3 syntax.":
        return spanned("group syntax is not supported", _IDENT)
    if message == "Extension ranges are not allowed in proto3.":
        return spanned('extension range in "proto3"', _RANGE)
    if message == "Explicit default values are not allowed in proto3." and text is not None:
        # protoc points at the value; buf spans `default = value`
        option = re.search(r"\bdefault\s*=\s*$", text[:column - 1])
        end = _token_end(text, column, _VALUE)
        if option and end:
            return _at(f, 'custom default in "proto3"', end, column=option.start() + 1)
    if (match := _ALIAS_UNNEEDED.match(message)) and lines is not None:
        return _alias_option(f, lines, match[1]) or f_as_is()
    if message == 'Expected ";".' and lines is not None:
        return _missing_semicolon(f, lines) or f_as_is()
    if message.startswith("Reached end of input in ") and lines is not None:
        return _unmatched_brace(f, lines) or f_as_is()
    return f_as_is()


def _number_of(f: Finding, lines: list[str] | None, name: str, number: str, words: str) -> Violation | None:
    """buf's error at the number of `name = number` (protoc points at the `reserved` it hits)."""
    if lines is None:
        return None
    pattern = re.compile(rf"\b{re.escape(name)}\s*=\s*({re.escape(number)})\b")
    for index in range(f.line - 1, len(lines)):
        if match := pattern.search(lines[index]):
            start = match.start(1) + 1
            return _at(f, words, start + len(number), line=index + 1, column=start)
    return None


def _missing_part(f: Finding, lines: list[str], words: str) -> list[Violation] | None:
    """A statement missing its name (protoc stops at its `=`), number or value (protoc stops at the
    `;`): buf's error spans the statement from its first word to its `;`, and a missing number or
    value also names the `;` as unexpected."""
    code = _code(lines)
    text = code[f.line - 1] if f.line <= len(code) else ""
    column = f.column or 1
    semicolon = text.find(";", column - 1)
    stopped_at = text[column - 1:column]
    if semicolon < 0 or stopped_at != ("=" if words == "missing name in message field" else ";"):
        return None
    before = "\n".join([*code[:f.line - 1], text[:column - 1]])
    cut = max(before.rfind(c) for c in ";{}") + 1
    start_at = cut + len(before[cut:]) - len(before[cut:].lstrip())
    start_line = before.count("\n", 0, start_at) + 1
    start_column = start_at - before.rfind("\n", 0, start_at)
    if stopped_at == "=" and before[start_at:].split(None, 1)[:1] in (["optional"], ["repeated"], ["required"]):
        return None  # buf reads the label as the type and the type as the name: other errors
    found = [Violation(f.file, start_line, start_column, "COMPILE", words, f.line, semicolon + 2)]
    if stopped_at == ";":
        found.append(Violation(f.file, f.line, column, "COMPILE", "unexpected `;` in definition", f.line, column + 1))
    return found


def _unknown_option(f: Finding, lines: list[str], name: str) -> Violation | None:
    """buf's `cannot find message field `name` in `google.protobuf.XOptions``: the options message is
    the one of the scope the option statement is in, or of a field or enum value for `[name = ...]`."""
    code = _code(lines)
    text = code[f.line - 1] if f.line <= len(code) else ""
    column = f.column or 1
    if not text[column - 1:].startswith(name):
        return None
    inner = open_scope(code, f.line, column - 1)
    bracket = text.rfind("[", 0, column - 1) > text.rfind("]", 0, column - 1)
    if bracket:
        kind = {"message": "FieldOptions", "oneof": "FieldOptions", "enum": "EnumValueOptions"}.get(inner)
    else:
        kind = _OPTIONS_OF.get(inner) if re.search(r"\boption\s+$", text[:column - 1]) else None
    if kind is None:
        return None
    return _at(f, f"cannot find message field `{name}` in `google.protobuf.{kind}`", column + len(name))


def _unnamed_body(f: Finding, lines: list[str], keyword: str) -> Violation | None:
    """`message {...}` without a name: buf spans the keyword to its body's `}` (protoc points at `{`)."""
    code = _code(lines)
    text = code[f.line - 1] if f.line <= len(code) else ""
    column = f.column or 1
    head = re.search(rf"\b{keyword}\s*$", text[:column - 1])
    if head is None or text[column - 1:column] != "{":
        return None
    depth = 0
    for index in range(f.line - 1, len(code)):
        start = column - 1 if index == f.line - 1 else 0
        for at in range(start, len(code[index])):
            char = code[index][at]
            depth += (char == "{") - (char == "}")
            if depth == 0:
                return Violation(f.file, f.line, head.start() + 1, "COMPILE", f"missing name after `{keyword}`",
                                 index + 1, at + 2)
    return None


def _alias_option(f: Finding, lines: list[str], enum: str) -> Violation | None:
    """buf's error at `allow_alias = true` in enum `enum` (protoc points at the enum's end)."""
    code = _code(lines)
    start = re.compile(rf"\benum\s+{re.escape(enum)}\s*\{{")
    option = re.compile(r"\ballow_alias\s*=\s*true\b")
    inside = False
    for index, text in enumerate(code):
        if not inside and start.search(text):
            inside = True
        if inside and (match := option.search(text)):
            return Violation(f.file, index + 1, match.start() + 1, "COMPILE",
                             "`allow_alias` requires at least one aliasing enum value", index + 1, match.end() + 1)
    return None


def _missing_semicolon(f: Finding, lines: list[str]) -> Violation | None:
    """protoc's `Expected ";".` at the token after a statement is buf's `unexpected TOKEN after ...`:
    after `syntax`/`package` declarations by name, after an import, after any other (a field, an
    option, a method) "definition"; a keyword is named, any other word is "identifier". (buf goes on
    to read the next statement: a field whose type is then a keyword (`optional x = 2;`) or unknown
    gets a `cannot find` protoc never reaches.)"""
    code = _code(lines)
    text = code[f.line - 1] if f.line <= len(code) else ""
    column = f.column or 1
    token = _IDENT.match(text, column - 1)
    if token:
        shown = f"`{token[0]}`" if token[0] in _KEYWORDS else "identifier"
        end = token.end() + 1
    elif text[column - 1:column] == "}":
        shown, end = "`}`", column + 1
    else:
        return None
    before = "\n".join([*code[:f.line - 1], text[:column - 1]])
    statement = re.split(r"[;{}]", before)[-1].split()
    if not statement:
        return None
    kind = statement[0]
    if kind in ("syntax", "package"):
        after = f"`{kind}` declaration"
    elif kind == "import":
        after = "import"
    elif kind in ("edition", "reserved", "extensions", "map", "oneof"):
        return None  # buf's wording for these is not checked
    else:
        after = "definition"
    return _at(f, f"unexpected {shown} after {after}", end)


def _unmatched_brace(f: Finding, lines: list[str]) -> Violation | None:
    """protoc's end-of-input error is buf's `encountered unmatched `{` delimiter` at the outermost `{`
    left open (checked for one left open; more are reported as the outermost)."""
    opened: list[tuple[int, int]] = []
    for index, text in enumerate(_code(lines)):
        for column, char in enumerate(text, 1):
            if char == "{":
                opened.append((index + 1, column))
            elif char == "}" and opened:
                opened.pop()
    if not opened:
        return None
    line, column = opened[0]
    return _at(f, "encountered unmatched `{` delimiter", column + 1, line=line, column=column)


def _locate_unlocated(f: Finding, read: Reader, nth: int) -> Violation | None:
    """Errors protoc reports at no line that buf places: a field number in 19000-19999, an unknown
    map value type, an option set on an entity its `targets` leave out (`nth`: how many times
    protoc said the same before)."""
    lines = _lines(read, f.file) if f.file else None
    if lines is None:
        return None
    code = _code(lines)
    if target := compile_targets.match(f.message):
        return compile_targets.locate(f.file, code, *target, nth)
    if f.message == _IMPLEMENTATION_RANGE:
        pattern = re.compile(r"=\s*(19\d{3})\b")
        words = "field number out of range"
    elif match := _NOT_DEFINED.match(f.message):
        name = re.escape(match[1])  # a map's value type, or its key
        pattern = re.compile(rf"\bmap\s*<\s*\w+\s*,\s*({name})\s*>|\bmap\s*<\s*({name})\s*,")
        words = f"cannot find `{match[1]}` in this scope"
    else:
        return None
    for index, text in enumerate(code):
        if found := pattern.search(text):
            group = 1 if found[1] is not None else 2
            start = found.start(group) + 1
            end = found.end(group) + 1
            return Violation(f.file, index + 1, start, "COMPILE", words, index + 1, end)
    return None


def _cycle(f: Finding, read: Reader) -> Violation:
    """protoc's `File recursively imports itself: a -> b -> a` is buf's error in the file that closes
    the cycle (b), at its import of a."""
    chain = [name.strip() for name in _CYCLE.match(f.message)[1].split(" -> ")]  # type: ignore[index]
    first, closer, target = chain[0], chain[-2], chain[-1]
    prefix = f.file[:-len(first)] if f.file.endswith(first) else ""
    path = prefix + closer
    words = f'detected cyclic import while importing "{target}"'
    lines = _lines(read, path)
    if lines is not None:
        pattern = re.compile(rf"import\s+(?:public\s+|weak\s+)?\"{re.escape(target)}\"\s*;")
        for index, text in enumerate(lines):
            if match := pattern.search(text):
                return Violation(path, index + 1, match.start() + 1, "COMPILE", words, index + 1, match.end() + 1)
    return _at(f, words)
