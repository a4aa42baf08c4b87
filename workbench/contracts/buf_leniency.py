"""Protos buf 1.75 builds and protoc refuses: compile a same-length rewrite, then put the original back.

protoc (grpcio-tools) checks a few things buf's compiler does not, so a module buf lints and compares
fine would make us exit 2. Each class below was met on real release histories or found by probing
both compilers side by side; for each, buf's image (and so its lint and breaking results) holds the
values the source wrote:

- `[unverified_lazy = true]` on an extension ("Extensions cannot be marked as unverified_lazy."):
  compiled as `[lazy = true]` (the name padded with spaces), then the option moved back.
- an enum field's `[default = 3]` given by number, also negative or hex ("Default value for an enum
  field must be an identifier.", or 'Expected "]".' at a negative number): the option blanked out,
  then the default set to the name of the enum's first value with that number, as buf sets it, with
  protoc's locations for it. No value with that number: buf's lint and breaking fail too ("invalid
  default"), so that stays an error.
- `option optimize_for = LITE_RUNTIME;` in a file with services and generic services on, or with
  extensions of a non-lite message: every lite file compiled as `SPEED`, then LITE_RUNTIME put back;
  a non-lite file importing a lite one is refused as buf refuses it.
- a "/*" inside a block comment ('"/*" inside block comment.  Block comments cannot be nested.'):
  its '/' compiled as a byte the file does not hold, turned back into '/' in the set's comments.
- a proto2 enum value whose name matches an earlier one's with case and the enum's prefix set aside
  ("Enum name A has the same name as FOO_BAR_A ..."; buf takes it in a closed enum): compiled under a
  fresh name of the same length (a `[default = A]` in the file too), then named back; in an open
  enum buf refuses it as well, so it stays an error.
- a NUL byte in a comment ("Invalid control characters encountered in text."; buf keeps it in the
  comment): compiled as a byte the file does not hold, turned back into NUL in the set's comments.
- a `json_name` written in brackets, `[json_name = "[x]"]` ("JSON names may not start with '[' and
  end with ']'"), or holding a NUL, `"a\\0b"` ("json_name cannot have embedded null characters."):
  its strings compiled as '_'s, then the name (escapes decoded) put back.

Every rewrite keeps each byte's line and column (same-length replacements, blanks), so protoc's
locations, comments and other diagnostics are the source's. It runs only after protoc failed, and
only when every error is one of these (or follows from one: an importer's "had errors"); protoc stops
at the first file that fails, so it repeats while the next failing file is of a known class too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from workbench.contracts import buf_option_values as option_values
from workbench.findings import Finding, Severity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb

UNVERIFIED_LAZY = "Extensions cannot be marked as unverified_lazy."
ENUM_DEFAULT = "Default value for an enum field must be an identifier."
EXPECTED_BRACKET = 'Expected "]".'
LITE_SERVICES = "Files with optimize_for = LITE_RUNTIME cannot define services"
LITE_EXTENSIONS = "Extensions to non-lite types can only be declared in non-lite files."
NESTED_COMMENT = '"/*" inside block comment.  Block comments cannot be nested.'
JSON_NAME_NUL = "json_name cannot have embedded null characters."
CONTROL_CHARACTER = "Invalid control characters encountered in text."
NO_SUCH_VALUE = re.compile(r'^Enum type "[\w.]+" has no value named "(?P<name>\w+)"\.$')
BRACKETED_JSON_NAME = re.compile(r"^The custom JSON name of field \"\w+\" \(.*\) is invalid: JSON names may not start "
                                 r"with '\[' and end with '\]'\.$")
ENUM_CONFLICT = re.compile(r"^Enum name \w+ has the same name as \w+ if you ignore case and strip out the enum name prefix")
_HAD_ERRORS = re.compile(r'^Import "(?P<dep>[^"]+)" was not found or had errors\.$')
_KNOWN = (UNVERIFIED_LAZY, ENUM_DEFAULT, EXPECTED_BRACKET, LITE_SERVICES, LITE_EXTENSIONS, NESTED_COMMENT,
          CONTROL_CHARACTER, JSON_NAME_NUL, "Enum name ",
          "Enum type ", "The custom JSON name of field ", *option_values.KNOWN)
_MARKERS = b"~^`|@$%!&?#\\"  # stand-ins for the '/' of a "/*" inside a block comment
MAX_ROUNDS = 32  # files fixed one per round (protoc stops at the first failing file)

# FieldOptions.lazy / unverified_lazy, FileOptions.optimize_for, descriptor paths
_LAZY, _UNVERIFIED_LAZY = 5, 15
_FIELD_NAME, _FIELD_NUMBER, _FIELD_DEFAULT, _FIELD_OPTIONS, _FIELD_JSON_NAME = 1, 3, 7, 8, 10
_LITE_RUNTIME = 3

Compile = Callable[[Path, Sequence[str]], "tuple[int, list[Finding], bytes | None]"]


def may_recover(findings: Sequence[Finding]) -> bool:
    """Cheap first test: is every error protoc printed one a rewrite may get past?"""
    return any(f.severity is Severity.ERROR and f.message.startswith(_KNOWN) for f in findings)


class _Token:
    __slots__ = ("kind", "start", "end")

    def __init__(self, kind: str, start: int, end: int) -> None:
        self.kind = kind  # "id", "num", "str" or the punctuation byte itself
        self.start = start
        self.end = end


_TOKEN = re.compile(
    rb"(?P<ws>\s+)|(?P<line>//[^\n]*)|(?P<block>/\*.*?(?:\*/|\Z))"
    rb"|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    rb"|(?P<num>(?:0[xX][0-9A-Fa-f]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)[A-Za-z0-9_]*)"
    rb"|(?P<str>\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?)"
    rb"|(?P<sym>.)", re.S)


def tokens_from(data: bytes, start: int = 0) -> Iterator[_Token]:
    """The tokens of `data` from byte `start` on, comments and white space left out."""
    for m in _TOKEN.finditer(data, start):
        kind = m.lastgroup or "sym"
        if kind not in ("ws", "line", "block"):
            yield _Token(m.group().decode("latin-1") if kind == "sym" else kind, m.start(), m.end())


def _lex(data: bytes) -> list[_Token]:
    return list(tokens_from(data))


def _text(data: bytes, t: _Token) -> str:
    return data[t.start:t.end].decode("latin-1")


def _offset(data: bytes, line: int, column: int) -> int:
    """Byte offset of protoc's 1-based line and column (a tab advances it to the next multiple of 8)."""
    from workbench.contracts.protoc_columns import index_at  # here: the helpers are all this change touches

    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return -1
    end = data.find(b"\n", start)
    index = index_at(data[start:end if end >= 0 else len(data)], column - 1)
    return -1 if index < 0 else start + index


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """protoc's 0-based (line, column) of a byte offset, as its source info spans count them."""
    from workbench.contracts.protoc_columns import column_at

    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset), column_at(data[start:offset], offset - start)


class _Plan:
    """The rewrites of one file and what to put back into its descriptor afterwards."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.edits: dict[int, bytes] = {}  # offset -> same-length replacement
        self.lazy: list[tuple[int, int]] = []  # (line, column) of each `unverified_lazy` compiled as `lazy`
        # (field name's (line, column), number, value span, brackets span when they were blanked too)
        self.defaults: list[tuple[tuple[int, int], int, list[int], list[int] | None]] = []
        self.lite = False
        self.marker = b""  # what stands for '/' in "/*" inside a block comment (absent from the source)
        self.nul_marker = b""  # what stands for a NUL byte in a comment (absent from the source too)
        self.renames: list[tuple[tuple[int, int], str]] = []  # enum value names compiled under another name
        self.fresh: set[str] = set()  # the names they were compiled under
        self.fresh_order: list[str] = []  # the same, in the order of `renames`
        self.json_names: list[tuple[tuple[int, int], str]] = []  # (json_name's (line, column), the name written)
        self.blanked: list[option_values.Blanked] = []  # options compiled away, set again afterwards
        self.feature_targets: set[tuple[str, str]] = set()  # (feature, entity) whose settings were blanked
        self.declarations = 0  # the round (from 1) the file's extension declarations were blanked in

    def rewritten(self) -> bytes:
        out = bytearray(self.data)
        for at, new in self.edits.items():
            out[at:at + len(new)] = new
        return bytes(out)

    def blank(self, start: int, end: int) -> None:
        # line breaks and tabs kept: every later byte keeps its line and (tab-expanded) column
        self.edits[start] = bytes(b if b in b"\t\n\r\v\f" else 32 for b in self.data[start:end])

    def span(self, start: int, end: int) -> list[int]:
        (line, col), (end_line, end_col) = _position(self.data, start), _position(self.data, end)
        return [line, col, end_col] if line == end_line else [line, col, end_line, end_col]


def _at(tokens: list[_Token], offset: int) -> int:
    for i, t in enumerate(tokens):
        if t.start == offset:
            return i
    return -1


def _option_list(tokens: list[_Token], i: int) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The bracketed option list around token `i`: (index of '[', of ']', (first, last) token of each
    option), or None when `i` is not inside one."""
    depth = 0
    j = i - 1
    while j >= 0:
        kind = tokens[j].kind
        if kind in ("]", "}", ")"):
            depth += 1
        elif kind in ("[", "{", "("):
            if depth == 0:
                break
            depth -= 1
        elif kind == ";" and depth == 0:
            return None
        j -= 1
    if j < 0 or tokens[j].kind != "[":
        return None
    return _options_from(tokens, j)


def _options_from(tokens: list[_Token], open_i: int) -> tuple[int, int, list[tuple[int, int]]] | None:
    """The option list opened by the '[' at `open_i`: as `_option_list` gives it."""
    options: list[tuple[int, int]] = []
    first = open_i + 1
    depth = 0
    for k in range(open_i + 1, len(tokens)):
        kind = tokens[k].kind
        if kind in ("[", "{", "("):
            depth += 1
        elif kind in ("]", "}", ")"):
            if depth == 0:
                options.append((first, k - 1))
                return open_i, k, options
            depth -= 1
        elif kind == "," and depth == 0:
            options.append((first, k - 1))
            first = k + 1
    return None


def _plan_unverified_lazy(plan: _Plan, tokens: list[_Token], offset: int) -> bool:
    """The error points at the extension's name: rename its `unverified_lazy` option to `lazy`."""
    i = _at(tokens, offset)
    if i < 0:
        return False
    j = i
    while j < len(tokens) and tokens[j].kind not in ("[", ";", "{"):
        j += 1
    if j >= len(tokens) or tokens[j].kind != "[":
        return False
    found = _options_from(tokens, j)
    if found is None:
        return False
    names = [_text(plan.data, tokens[a]) for a, _ in found[2]]
    if "lazy" in names:
        return False  # `lazy` set too: no free name to compile it under
    for a, b in found[2]:
        if _text(plan.data, tokens[a]) == "unverified_lazy" and b == a + 2 and _text(plan.data, tokens[b]) == "true":
            t = tokens[a]
            if t.start not in plan.edits:
                plan.edits[t.start] = b"lazy" + b" " * (t.end - t.start - 4)
                plan.lazy.append(_position(plan.data, t.start))
            return True
    return False


def _plan_enum_default(plan: _Plan, tokens: list[_Token], offset: int) -> bool:
    """The error points at the number (after its '-'): blank `default = N` out of the option list."""
    i = _at(tokens, offset)
    if i < 2 or tokens[i].kind != "num":
        return False
    value = _text(plan.data, tokens[i])
    value_start = i - 1 if tokens[i - 1].kind == "-" else i
    if tokens[value_start - 1].kind != "=" or _text(plan.data, tokens[value_start - 2]) != "default":
        return False
    try:
        number = int(value, 0) if not value.startswith("0") or value.lower().startswith("0x") or value == "0" \
            else int(value, 8)
    except ValueError:
        return False
    if value_start != i:
        number = -number
    found = _option_list(tokens, i)
    if found is None:
        return False
    open_i, close_i, options = found
    if open_i < 3 or tokens[open_i - 1].kind != "num" or tokens[open_i - 2].kind != "=":
        return False
    name = tokens[open_i - 3]
    which = next(n for n, (a, b) in enumerate(options) if a <= i <= b)
    a, b = options[which]
    brackets = None
    if len(options) == 1:
        plan.blank(tokens[open_i].start, tokens[close_i].end)
        brackets = plan.span(tokens[open_i].start, tokens[close_i].end)
    elif which + 1 < len(options):  # `default = N,` and the blanks up to the next option
        plan.blank(tokens[a].start, tokens[options[which + 1][0]].start)
    else:  # the last one: from the comma before it
        plan.blank(tokens[a - 1].start, tokens[b].end)
    plan.defaults.append((_position(plan.data, name.start), number,
                          plan.span(tokens[value_start].start, tokens[i].end), brackets))
    return True


def _plan_json_name(plan: _Plan, tokens: list[_Token], offset: int) -> bool:
    """The error points at the field's name (a name in brackets) or at `json_name` (a NUL in it): the
    value's strings compiled as '_'s, the value (escapes decoded) put back afterwards."""
    j = _at(tokens, offset)
    if j < 0:
        return False
    if _text(plan.data, tokens[j]) == "json_name":
        found = _option_list(tokens, j)
    else:
        while j < len(tokens) and tokens[j].kind not in ("[", ";", "{"):
            j += 1
        found = _options_from(tokens, j) if j < len(tokens) and tokens[j].kind == "[" else None
    if found is None:
        return False
    a, b = next(((a, b) for a, b in found[2] if _text(plan.data, tokens[a]) == "json_name"), (-1, -1))
    if a < 0 or b < a + 2 or tokens[a + 1].kind != "=" or any(t.kind != "str" for t in tokens[a + 2:b + 1]):
        return False
    strings = [_text(plan.data, t) for t in tokens[a + 2:b + 1]]
    if any(len(v) < 2 or v[-1] != v[0] for v in strings):
        return False
    name = _unescape("".join(v[1:-1] for v in strings))
    if name is None or not ("\x00" in name or (name.startswith("[") and name.endswith("]"))):
        return False
    # a letter of its own for each name (two alike would clash as JSON names)
    filler = "QZXJKVWYqzxjkvwy"[len(plan.json_names) % 16].encode()
    for t in tokens[a + 2:b + 1]:
        plan.edits[t.start + 1] = filler * (t.end - t.start - 2)
    plan.json_names.append((_position(plan.data, tokens[a].start), name))
    return True


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'",
            '"': '"', "?": "?"}
_ESCAPE = re.compile(r"\\(?:(?P<oct>[0-7]{1,3})|[xX](?P<hex>[0-9A-Fa-f]{1,2})|u(?P<u>[0-9A-Fa-f]{4})"
                     r"|U(?P<U>[0-9A-Fa-f]{8})|(?P<c>.))", re.S)


def _unescape(text: str) -> str | None:
    """A string literal's content as the compilers decode it (C escapes, bytes taken as UTF-8); None
    when it is no UTF-8 or holds an escape they refuse."""
    out = bytearray()
    at = 0
    for m in _ESCAPE.finditer(text):
        out += text[at:m.start()].encode("latin-1")
        at = m.end()
        if m["oct"] is not None:
            out.append(int(m["oct"], 8) & 0xFF)
        elif m["hex"] is not None:
            out.append(int(m["hex"], 16))
        elif m["u"] is not None or m["U"] is not None:
            out += chr(int(m["u"] or m["U"], 16)).encode("utf-8", "surrogatepass")
        elif m["c"] in _ESCAPES:
            out += _ESCAPES[m["c"]].encode()
        else:
            return None
    out += text[at:].encode("latin-1")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _plan_lite(plan: _Plan, tokens: list[_Token]) -> bool:
    """Every top-level `option optimize_for = LITE_RUNTIME;` compiled as SPEED."""
    depth = 0
    for n, t in enumerate(tokens):
        if t.kind in "{":
            depth += 1
        elif t.kind in "}":
            depth -= 1
        elif depth == 0 and t.kind == "id" and n + 4 < len(tokens) and _text(plan.data, t) == "option" and \
                _text(plan.data, tokens[n + 1]) == "optimize_for" and tokens[n + 2].kind == "=" and \
                _text(plan.data, tokens[n + 3]) == "LITE_RUNTIME":
            plan.edits[tokens[n + 3].start] = b"SPEED       "
            plan.lite = True
    return plan.lite


def _plan_nested_comment(plan: _Plan, at: int) -> bool:
    """A "/*" inside a block comment (buf reads it as text): its '/' compiled as a marker, put back
    into the comments afterwards."""
    if plan.data[at - 1:at + 1] == b"/*":
        at -= 1  # protoc points at the '*'
    elif plan.data[at:at + 2] != b"/*":
        return False
    if not plan.marker:
        plan.marker = next((bytes([m]) for m in _MARKERS if bytes([m]) not in plan.data), b"")
        if not plan.marker:
            return False
    plan.edits[at] = plan.marker
    return True


def _plan_nul_in_comment(plan: _Plan, at: int) -> bool:
    """A NUL byte in a comment (buf keeps it there): compiled as a marker, put back afterwards."""
    if at < 0 or plan.data[at:at + 1] != b"\x00" or not any(
            m.lastgroup in ("line", "block") and m.start() < at < m.end() for m in _TOKEN.finditer(plan.data)):
        return False
    if not plan.nul_marker:
        plan.nul_marker = next((bytes([m]) for m in _MARKERS if bytes([m]) not in plan.data and bytes([m]) != plan.marker),
                               b"")
        if not plan.nul_marker:
            return False
    plan.edits[at] = plan.nul_marker
    return True


def _plan_enum_rename(plan: _Plan, tokens: list[_Token], at: int) -> bool:
    """An enum value whose name matches an earlier one's with case and the enum's prefix set aside
    (buf takes that in a closed enum): compiled under a fresh name of the same length."""
    i = _at(tokens, at)
    if i < 0 or tokens[i].kind != "id":
        return False
    t = tokens[i]
    if t.start in plan.edits:
        return False  # our own name collided: give up
    taken = {_text(plan.data, x).upper() for x in tokens if x.kind == "id"} | {n.upper() for n in plan.fresh}
    size = t.end - t.start
    if size == 1:
        fresh = next((c for c in "QZXJKVWY" if c not in taken), "")
    else:
        fresh = next((c for c in (f"Q{k:0{size - 1}d}" for k in range(min(10 ** (size - 1), 1000)))
                      if c not in taken), "")
    if len(fresh) != size:
        return False
    plan.edits[t.start] = fresh.encode()
    plan.fresh.add(fresh)
    plan.fresh_order.append(fresh)
    plan.renames.append((_position(plan.data, t.start), _text(plan.data, t)))
    return True


def _plan_renamed_default(plan: _Plan, tokens: list[_Token], at: int, name: str) -> bool:
    """`[default = A]` naming a value this file's rewrite renamed: the fresh name there too."""
    fresh = [new for (_, original), new in zip(plan.renames, plan.fresh_order, strict=True) if original == name]
    i = _at(tokens, at)
    if len(fresh) != 1 or i < 2 or _text(plan.data, tokens[i]) != name or tokens[i - 1].kind != "=" or \
            _text(plan.data, tokens[i - 2]) != "default" or tokens[i].start in plan.edits:
        return False
    plan.edits[tokens[i].start] = fresh[0].encode()
    return True


def _plan_option_value(plan: _Plan, tokens: list[_Token], message: str, at: int) -> bool:
    """An enum option given by number, a feature on a service, method or extension range: compiled
    away, set on the descriptor afterwards (`buf_option_values`)."""
    def position(offset: int) -> tuple[int, int]:
        return _position(plan.data, offset)

    target = option_values.FEATURE_TARGET.match(message)
    if target is None and at < 0:
        return bool(plan.blanked)  # said again without a line for each range of an `extensions` statement
    if target is None:
        found = option_values.blank_enum_number(plan.data, tokens, _at(tokens, at), plan.edits, position, plan.span)
        if found is not None:
            plan.blanked.append(found)
        return found is not None
    key = (target["feature"], target["entity"])
    if key in plan.feature_targets:
        return True  # protoc says it once per element, without a line
    plan.feature_targets.add(key)
    blanked = option_values.blank_feature_targets(plan.data, tokens, *key, plan.edits, position, plan.span)
    plan.blanked += blanked or []
    return bool(blanked)


def _plan_declarations(plan: _Plan, tokens: list[_Token], rounds: int) -> bool:
    """An extension number a range with declarations leaves out: the file's declarations compiled
    away, set again and checked afterwards (`buf_option_values.blank_declarations`)."""
    if plan.declarations:
        # one error per extension: the file's declarations went with the first (this round's)
        return plan.declarations == rounds
    plan.declarations = rounds
    blanked = option_values.blank_declarations(plan.data, tokens, plan.edits, lambda o: _position(plan.data, o),
                                               plan.span)
    plan.blanked += blanked or []
    return bool(blanked)


class Recovery:
    """Compile a set whose first compile failed, rewriting the files of known "buf accepts" classes."""

    def __init__(self, roots: Sequence[Path], files: Sequence[str], name_of: Callable[[str], str],
                 compile_overlay: Compile) -> None:
        self.roots = roots  # where the sources are, in search order
        self.files = files
        self.name_of = name_of  # finding's file name -> compiled name
        self.compile_overlay = compile_overlay  # (overlay root, files) -> (code, findings, set or None)
        self.plans: dict[str, _Plan] = {}
        self.first: dict[str, list[Finding]] = {}  # findings of a rewritten file from before its rewrite
        self.rounds = 0  # compiles planned so far

    def run(self, findings: list[Finding]) -> tuple[bytes | None, list[Finding]] | None:
        """(set, findings) once a rewrite compiled, or (None, the findings to report) when a rewrite
        got further but failed; None when nothing could be rewritten (the caller keeps its findings)."""
        import tempfile

        current = findings
        with tempfile.TemporaryDirectory(prefix="wb-lenient-") as tmp:
            for round_ in range(MAX_ROUNDS):
                if not self._plan(current):
                    # protoc's own findings when nothing got compiled differently yet
                    return None if round_ == 0 else (None, self._reported(current))
                overlay = Path(tmp, f"r{len(self.plans)}-{os.urandom(4).hex()}")
                for name, plan in self.plans.items():
                    target = overlay / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(plan.rewritten())
                code, current, data = self.compile_overlay(overlay, self.files)
                if code == 0 and data is not None:
                    restored = self._restore(data)
                    if restored is None or not self._values_pass(Path(tmp, "named")):
                        return None, self._reported(findings)
                    return restored, current
        return None, self._reported(current)

    def _values_pass(self, overlay: Path) -> bool:
        """Do protoc's checks of the values pass, the options given by number written by name (run
        only when some were)? buf checks them too (a feature's targets, ...)."""
        twins = {name: option_values.named_twin(plan.data, plan.edits, plan.blanked) for name, plan in self.plans.items()}
        if not any(twins.values()):
            return True
        for name, plan in self.plans.items():
            target = overlay / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(twins[name] or plan.rewritten())
        return self.compile_overlay(overlay, self.files)[0] == 0

    def _reported(self, findings: list[Finding]) -> list[Finding]:
        """A failed rewrite's findings: protoc's own first words on the files we rewrote."""
        kept = [f for f in findings if self.name_of(f.file) not in self.plans]
        return [f for name in self.plans for f in self.first.get(name, [])] + kept

    def _plan(self, findings: list[Finding]) -> bool:
        """Add rewrites for every error in `findings`; False when one is of no known class."""
        self.rounds += 1
        errors = [f for f in findings if f.severity is Severity.ERROR]
        failed = {self.name_of(f.file) for f in errors}
        progress = False
        lite = any(f.message.startswith((LITE_SERVICES, LITE_EXTENSIONS)) for f in errors)
        for name in sorted(failed):
            own = [f for f in errors if self.name_of(f.file) == name]
            if not any(f.message.startswith(_KNOWN) for f in own):
                # an importer of a file that failed: its errors are the import's, unless they stay
                if any(_follows_from(f, failed | set(self.plans)) for f in own):
                    continue
                return False
            plan = self._plan_of(name)
            if plan is None:
                return False
            self.first.setdefault(name, own)
            tokens = _lex(plan.data)
            if any(f.message == CONTROL_CHARACTER for f in own):
                # a NUL in a comment ends protoc's reading of the file: what it said after that is
                # said again (or not) by the compile of the rewrite
                if not all(_plan_nul_in_comment(plan, _offset(plan.data, f.line, f.column))
                           for f in own if f.message == CONTROL_CHARACTER):
                    return False
                progress = True
                continue
            for f in own:
                if _follows_from(f, failed | set(self.plans)):
                    continue
                at = _offset(plan.data, f.line, f.column)
                if f.message == UNVERIFIED_LAZY:
                    ok = _plan_unverified_lazy(plan, tokens, at)
                elif f.message in (ENUM_DEFAULT, EXPECTED_BRACKET):
                    ok = _plan_enum_default(plan, tokens, at)
                elif f.message.startswith((LITE_SERVICES, LITE_EXTENSIONS)):
                    ok = plan.lite or _plan_lite(plan, tokens)
                elif f.message == NESTED_COMMENT:
                    ok = _plan_nested_comment(plan, at)
                elif ENUM_CONFLICT.match(f.message):
                    ok = _plan_enum_rename(plan, tokens, at)
                elif BRACKETED_JSON_NAME.match(f.message) or f.message == JSON_NAME_NUL:
                    ok = _plan_json_name(plan, tokens, at)
                elif (missing := NO_SUCH_VALUE.match(f.message)) and plan.renames:
                    ok = _plan_renamed_default(plan, tokens, at, missing["name"])
                elif option_values.MISSING_DECLARATION.match(f.message):
                    ok = _plan_declarations(plan, tokens, self.rounds)
                elif option_values.ENUM_BY_NUMBER.match(f.message) or option_values.FEATURE_TARGET.match(f.message):
                    ok = _plan_option_value(plan, tokens, f.message, at if f.line else -1)
                else:
                    ok = False
                if not ok:
                    return False
            progress = True
        if lite:
            for name in self.files:
                if name in self.plans and self.plans[name].lite:
                    continue
                data = self._read(name)
                if data is not None and b"LITE_RUNTIME" in data:
                    plan = self._plan_of(name)
                    if plan is not None and _plan_lite(plan, _lex(plan.data)):
                        progress = True
        return progress

    def _plan_of(self, name: str) -> _Plan | None:
        plan = self.plans.get(name)
        if plan is None:
            data = self._read(name)
            if data is None:
                return None
            plan = self.plans[name] = _Plan(data)
        return plan

    def _read(self, name: str) -> bytes | None:
        for root in self.roots:
            try:
                return (root / name).read_bytes()
            except OSError:
                continue
        return None

    def _restore(self, data: bytes) -> bytes | None:
        """The compiled set with the source's values put back; None when buf would refuse it after all."""
        from google.protobuf import descriptor_pb2 as pb

        fds = pb.FileDescriptorSet.FromString(data)
        by_name = {f.name: f for f in fds.file}
        pools: dict[str, object] = {}  # a descriptor pool of the set, made once if an option needs it
        for name, plan in self.plans.items():
            proto = by_name.get(name)
            if proto is None:
                return None
            if plan.lite:
                proto.options.optimize_for = _LITE_RUNTIME  # type: ignore[assignment]
            for at in plan.lazy:
                if not _restore_lazy(proto, at):
                    return None
            if plan.marker:
                _restore_comments(proto, plan.marker)
            if plan.nul_marker:
                _restore_comments(proto, plan.nul_marker, "\x00")
            if plan.renames and proto.syntax not in ("", "proto2"):
                return None  # an open enum: buf refuses it too ("enum values have the same name ...")
            for (at, original), fresh in zip(plan.renames, plan.fresh_order, strict=True):
                enum = _restore_enum_value_name(proto, at, original)
                if enum is None:
                    return None
                _restore_defaults_named(fds, enum, fresh, original)
            for at, original in plan.json_names:
                if not _restore_json_name(proto, at, original):
                    return None
            for name_at, number, value_span, brackets in plan.defaults:
                if not _restore_default(fds, proto, name_at, number, value_span, brackets):
                    return None
            if not option_values.restore(fds, proto, plan.blanked, pools):  # type: ignore[arg-type]
                return None
            if plan.declarations:
                if not option_values.declarations_hold(fds, proto):
                    return None
                option_values.strip_declarations(proto)
        lite = {f.name for f in fds.file if f.options.optimize_for == _LITE_RUNTIME}
        for f in fds.file:  # buf: "`LITE_RUNTIME` file imported in non-`LITE_RUNTIME` file"
            if f.name not in lite and any(d in lite for d in f.dependency):
                return None
        return fds.SerializeToString()


def without_source_info(data: bytes) -> bytes:
    from google.protobuf import descriptor_pb2 as pb

    fds = pb.FileDescriptorSet.FromString(data)
    for f in fds.file:
        f.ClearField("source_code_info")
    return fds.SerializeToString()


def _follows_from(finding: Finding, failed: set[str]) -> bool:
    """Is `finding` an importer's report that an import of a failed file failed?"""
    m = _HAD_ERRORS.match(finding.message)
    return m is not None and m["dep"] in failed


def _element(proto: pb.FileDescriptorProto, path: Sequence[int]) -> object:
    node: object = proto
    for n in range(0, len(path), 2):
        field = node.DESCRIPTOR.fields_by_number[path[n]]  # type: ignore[attr-defined]
        node = getattr(node, field.name)[path[n + 1]]
    return node


def _restore_lazy(proto: pb.FileDescriptorProto, at: tuple[int, int]) -> bool:
    for loc in proto.source_code_info.location:
        if len(loc.path) >= 4 and loc.path[-2:] == [_FIELD_OPTIONS, _LAZY] and tuple(loc.span[:2]) == at:
            field = _element(proto, loc.path[:-2])
            if field.type != 11:  # type: ignore[attr-defined]  # TYPE_MESSAGE: buf refuses the rest
                return False
            field.options.ClearField("lazy")  # type: ignore[attr-defined]
            field.options.unverified_lazy = True  # type: ignore[attr-defined]
            loc.path[-1] = _UNVERIFIED_LAZY
            return True
    return False


def _restore_json_name(proto: pb.FileDescriptorProto, at: tuple[int, int], original: str) -> bool:
    for loc in proto.source_code_info.location:
        if len(loc.path) >= 3 and loc.path[-1] == _FIELD_JSON_NAME and tuple(loc.span[:2]) == at:
            field = _element(proto, loc.path[:-1])
            field.json_name = original  # type: ignore[attr-defined]
            if proto.syntax in ("", "proto2") or loc.path[-3] != 2:
                return True  # (proto2's clashes are buf_compile_checks'; an extension's name is its own)
            # in proto3 and editions protoc refuses two fields of a message alike: it compiled other names
            message = _element(proto, loc.path[:-3])
            names = [f.json_name for f in message.field]  # type: ignore[attr-defined]
            return len(set(names)) == len(names)
    return False


def _restore_comments(proto: pb.FileDescriptorProto, marker: bytes, original: str = "/") -> None:
    """Each marker in the comments back to the byte it stands for, '/' or NUL (the source has no such
    byte; a '/' marker's '*' may have ended the comment, as in `/* a /*/`)."""
    stand_in = marker.decode("latin-1")
    for loc in proto.source_code_info.location:
        if loc.leading_comments:
            loc.leading_comments = loc.leading_comments.replace(stand_in, original)
        if loc.trailing_comments:
            loc.trailing_comments = loc.trailing_comments.replace(stand_in, original)
        for n, text in enumerate(loc.leading_detached_comments):
            loc.leading_detached_comments[n] = text.replace(stand_in, original)


def _restore_enum_value_name(proto: pb.FileDescriptorProto, at: tuple[int, int], original: str) -> str | None:
    """Name the value at `at` back; the full name (".pkg.Enum") of its enum, None when not found."""
    for loc in proto.source_code_info.location:
        if len(loc.path) >= 5 and loc.path[-1] == 1 and loc.path[-3] == 2 and loc.path[-5] in (4, 5) and \
                tuple(loc.span[:2]) == at:
            _element(proto, loc.path[:-1]).name = original  # type: ignore[attr-defined]
            names = [_element(proto, loc.path[:n]).name for n in range(2, len(loc.path) - 2, 2)]  # type: ignore[attr-defined]
            return ".".join(["", *([proto.package] if proto.package else []), *names])
    return None


def _restore_defaults_named(fds: pb.FileDescriptorSet, enum: str, fresh: str, original: str) -> None:
    """Defaults that named a renamed value (written with its fresh name): the source's name again."""
    def fields(messages: Iterable[pb.DescriptorProto]) -> Iterator[pb.FieldDescriptorProto]:
        for m in messages:
            yield from m.field
            yield from m.extension
            yield from fields(m.nested_type)

    for f in fds.file:
        for field in [*f.extension, *fields(f.message_type)]:
            if field.type_name == enum and field.default_value == fresh:
                field.default_value = original


def _restore_default(fds: pb.FileDescriptorSet, proto: pb.FileDescriptorProto, name_at: tuple[int, int],
                     number: int, value_span: list[int], brackets: list[int] | None) -> bool:
    locations = proto.source_code_info.location
    path = None
    for loc in locations:
        if len(loc.path) >= 3 and loc.path[-1] == _FIELD_NAME and loc.path[-3] in (2, 6, 7) and \
                tuple(loc.span[:2]) == name_at:
            path = list(loc.path[:-1])
            break
    if path is None:
        return False
    field = _element(proto, path)
    value = _enum_value_name(fds, field.type_name, number)  # type: ignore[attr-defined]
    if value is None:
        return False  # buf's lint and breaking fail too: "invalid default: could not parse value for enum"
    field.default_value = value  # type: ignore[attr-defined]
    # protoc's locations for it: the option list's ("[...]") after the number's, the value's in its order
    index = next((n for n, loc in enumerate(locations) if list(loc.path) == path + [_FIELD_NUMBER]), None)
    if index is None:
        return False
    index += 1
    new = []
    if brackets is not None:
        new.append((path + [_FIELD_OPTIONS], brackets))
    else:
        while index < len(locations) and list(locations[index].path[:len(path)]) == path and \
                len(locations[index].path) > len(path) and \
                locations[index].path[len(path)] in (_FIELD_OPTIONS, _FIELD_JSON_NAME) and \
                (list(locations[index].path) == path + [_FIELD_OPTIONS] or
                 tuple(locations[index].span[:2]) < tuple(value_span[:2])):
            index += 1
    new.append((path + [_FIELD_DEFAULT], value_span))
    for offset, (p, span) in enumerate(new):
        locations.insert(index + offset, _location(p, span))
    return True


def _location(path: list[int], span: list[int]) -> pb.SourceCodeInfo.Location:
    from google.protobuf import descriptor_pb2 as pb

    return pb.SourceCodeInfo.Location(path=path, span=span)


def _enum_value_name(fds: pb.FileDescriptorSet, type_name: str, number: int) -> str | None:
    """The first value of enum `type_name` (".pkg.Enum") numbered `number`, as buf names the default."""
    for f in fds.file:
        prefix = f".{f.package}." if f.package else "."
        if not type_name.startswith(prefix):
            continue
        rest = type_name[len(prefix):].split(".")
        scope: object = f
        for n, part in enumerate(rest):
            if n == len(rest) - 1:
                for e in scope.enum_type:  # type: ignore[attr-defined]
                    if e.name == part:
                        return next((v.name for v in e.value if v.number == number), None)
            else:
                scope = next((m for m in scope.message_type if m.name == part), None)  # type: ignore[attr-defined]
                if scope is None:
                    break
    return None
