"""Options buf's compiler takes and protoc refuses: compiled without them, then set on the descriptor.

Two classes (`workbench.contracts.buf_leniency` runs them after protoc failed):

- An enum-typed option given by number, `option optimize_for = 3;`, `[ctype = 1]`, `option (e) = -1;`
  ("Value must be identifier for enum-valued option ..."): buf's evaluator (protocompile's
  `experimental/ir/lower_eval.go`, `evalLiteral`) reads any integer literal for an enum as an int32,
  a number no value has and negative or hex ones too; protoc wants a value's name.
- A feature set on a service, a method or an extension range ("Option google.protobuf.FeatureSet.X
  cannot be set on an entity of type `service`.", with no line): protoc checks the feature's
  `targets`, buf's compiler does not for these three.

The option is compiled as an empty statement (`;`, where protoc drops the comments around it) or
blanked out of its `[...]` list, both the same length; afterwards its value is encoded into the
element's options and protoc's locations for it are put back (the statement's comments are not:
neither lint nor breaking reads an option's comments).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb
    from google.protobuf.descriptor import Descriptor, FieldDescriptor
    from google.protobuf.descriptor_pool import DescriptorPool

    from workbench.contracts.buf_leniency import _Token as Token

ENUM_BY_NUMBER = re.compile(r'^Value must be identifier for enum-valued option "[\w.]+"\.$')
FEATURE_TARGET = re.compile(r"^Option google\.protobuf\.FeatureSet\.(?P<feature>\w+) cannot be set on an entity of type "
                            r"`(?P<entity>service|method|extension range)`\.$")
MISSING_DECLARATION = re.compile(r"^Missing extension declaration for field [\w.]+ with number \d+ in extendee message ")
KNOWN = ("Value must be identifier for enum-valued option ", "Option google.protobuf.FeatureSet.",
         "Missing extension declaration for field ")

# (kind of element, field number of its `options`, options message)
_OPTIONS = {"file": (8, "FileOptions"), "message": (7, "MessageOptions"), "field": (8, "FieldOptions"),
            "oneof": (2, "OneofOptions"), "enum": (3, "EnumOptions"), "value": (3, "EnumValueOptions"),
            "service": (3, "ServiceOptions"), "method": (4, "MethodOptions"), "range": (3, "ExtensionRangeOptions")}
# element kinds by the field that holds them, per parent kind
_CHILDREN = {"file": {4: "message", 5: "enum", 6: "service", 7: "field"},
             "message": {2: "field", 3: "message", 4: "enum", 6: "field", 8: "oneof", 5: "range"},
             "enum": {2: "value"}, "service": {2: "method"}}
_ENTITY_BLOCKS = {"service": "service", "method": "rpc"}


class Blanked:
    """One option compiled away: where it was, its name and its value, as the source wrote them."""

    def __init__(self, start: tuple[int, int], span: list[int], brackets: list[int] | None, statement: bool,
                 name: list[tuple[bool, str]], value: list[tuple[str, str]]) -> None:
        self.start = start  # protoc's 0-based (line, column) of the statement's `option` or the option's name
        self.span = span  # protoc's span of the statement, or of `name = value` in a list
        self.brackets = brackets  # the list's span when the whole `[...]` was blanked with it
        self.statement = statement
        self.name = name  # (is an extension in parentheses, text) of each part
        self.value = value  # (kind, text) of each value token
        self.edit_at = -1  # the offset of its blank among the plan's edits
        self.value_at = (-1, -1)  # the value's byte span in the source
        self.named = ""  # the name of the enum value its number is (set on restore), for `named_twin`


Position = Callable[[int], tuple[int, int]]
Span = Callable[[int, int], list[int]]


def _name_parts(data: bytes, tokens: Sequence[Token], first: int, last: int) -> list[tuple[bool, str]] | None:
    parts: list[tuple[bool, str]] = []
    k = first
    while k <= last:
        t = tokens[k]
        if t.kind == "(":
            close = next((n for n in range(k + 1, last + 1) if tokens[n].kind == ")"), -1)
            if close < 0:
                return None
            parts.append((True, "".join(data[x.start:x.end].decode("latin-1") for x in tokens[k + 1:close])))
            k = close + 1
        elif t.kind == "id":
            parts.append((False, data[t.start:t.end].decode("latin-1")))
            k += 1
        else:
            return None
        if k <= last:
            if tokens[k].kind != ".":
                return None
            k += 1
    return parts or None


def blank_enum_number(data: bytes, tokens: Sequence[Token], i: int, edits: dict[int, bytes],
                      position: Position, span: Span) -> Blanked | None:
    """protoc points at the number (its '-'): compile the option it is the value of away."""
    if i < 0:
        return None
    if tokens[i].kind == "-" and i + 1 < len(tokens):
        i += 1
    if tokens[i].kind != "num" or i < 2:
        return None
    value_first = i - 1 if tokens[i - 1].kind == "-" else i
    if tokens[value_first - 1].kind != "=":
        return None
    return _blank_assignment(data, tokens, value_first - 1, i, edits, position, span)


def _blank_assignment(data: bytes, tokens: Sequence[Token], eq: int, value_last: int, edits: dict[int, bytes],
                      position: Position, span: Span) -> Blanked | None:
    """The option whose '=' is at `eq` and value ends at `value_last`: blanked (a statement compiled as
    `;`), recorded to be set again."""
    j = eq - 1
    while j >= 0 and tokens[j].kind in ("id", ".", "(", ")"):
        j -= 1
    first = j + 1
    text = data[tokens[first].start:tokens[first].end] if first < eq else b""
    value = [(t.kind, data[t.start:t.end].decode("latin-1")) for t in tokens[eq + 1:value_last + 1]]
    if text == b"option" and first + 1 < eq and tokens[first + 1].kind != "." and \
            (first == 0 or tokens[first - 1].kind in (";", "{", "}")):
        if value_last + 1 >= len(tokens) or tokens[value_last + 1].kind != ";":
            return None
        name = _name_parts(data, tokens, first + 1, eq - 1)
        start, end = tokens[first].start, tokens[value_last + 1].end
        if name is None or any(at in edits for at in range(start, end)):
            return None
        blank = bytearray(b if b in b"\t\n\r\v\f" else 32 for b in data[start:end])
        if not _in_oneof(data, tokens, first):
            blank[-1] = ord(";")  # an empty statement: protoc drops the comments before and after it
        edits[start] = bytes(blank)
        return _placed(Blanked(position(start), span(start, end), None, True, name, value), start, tokens, eq,
                       value_last)
    if first == 0 or tokens[first - 1].kind not in ("[", ","):
        return None
    name = _name_parts(data, tokens, first, eq - 1)
    if name is None:
        return None
    open_i = first - 1
    depth = 0
    while open_i >= 0 and not (tokens[open_i].kind == "[" and depth == 0):
        depth += tokens[open_i].kind in ("]", "}", ")", ">")
        depth -= tokens[open_i].kind in ("{", "(", "<") or (tokens[open_i].kind == "[" and depth > 0)
        open_i -= 1
    close_i = value_last + 1
    if open_i < 0 or close_i >= len(tokens) or tokens[close_i].kind not in (",", "]"):
        return None
    if _covered(edits, tokens[first].start):
        return None
    others = [o for o in _list_starts(tokens, open_i) if o != tokens[first].start]
    if all(_covered(edits, o) for o in others):  # the last option left: the list goes too
        start, end = tokens[open_i].start, _list_end(tokens, open_i)
        brackets: list[int] | None = span(start, end)
    elif tokens[close_i].kind == ",":  # `name = value,` and what is up to the next option
        start, end, brackets = tokens[first].start, tokens[close_i + 1].start, None
    else:  # the last one: from the comma before it (the last one left, when options before went too)
        start, end, brackets = _comma_before(tokens, first, open_i, edits), tokens[value_last].end, None
    edits[start] = bytes(b if b in b"\t\n\r\v\f" else 32 for b in data[start:end])
    return _placed(Blanked(position(tokens[first].start), span(tokens[first].start, tokens[value_last].end), brackets,
                           False, name, value), start, tokens, eq, value_last)


def _placed(option: Blanked, edit_at: int, tokens: Sequence[Token], eq: int, value_last: int) -> Blanked:
    option.edit_at = edit_at
    option.value_at = (tokens[eq + 1].start, tokens[value_last].end)
    return option


def named_twin(data: bytes, edits: dict[int, bytes], blanked: Sequence[Blanked]) -> bytes | None:
    """The source with the plan's other rewrites and each enum option given by number written with
    its value's name (another value's for a number no value has): protoc's checks of the values (a
    feature's targets, LEGACY_REQUIRED at the file level, ...) run on it. None when there are none.
    Lines and columns do not hold."""
    named = [b for b in blanked if b.named]
    if not named:
        return None
    out = bytearray(data)
    skipped = {b.edit_at for b in named}
    for at, new in edits.items():
        if at not in skipped:
            out[at:at + len(new)] = new
    for option in sorted(named, key=lambda b: -b.value_at[0]):
        start, end = option.value_at
        out[start:end] = option.named.encode()
    return bytes(out)


def _covered(edits: dict[int, bytes], offset: int) -> bool:
    return any(at <= offset < at + len(new) for at, new in edits.items())


def _comma_before(tokens: Sequence[Token], first: int, open_i: int, edits: dict[int, bytes]) -> int:
    depth = 0
    for k in range(first - 1, open_i, -1):
        kind = tokens[k].kind
        if kind in ("]", "}", ")", ">"):
            depth += 1
        elif kind in ("[", "{", "(", "<"):
            depth -= 1
        elif kind == "," and depth == 0 and not _covered(edits, tokens[k].start):
            return tokens[k].start
    return tokens[first - 1].start


def _list_starts(tokens: Sequence[Token], open_i: int) -> list[int]:
    """The offsets where the options of the `[...]` list opened at `open_i` start."""
    out = [tokens[open_i + 1].start] if open_i + 1 < len(tokens) else []
    depth = 0
    for k in range(open_i + 1, len(tokens)):
        kind = tokens[k].kind
        if kind in ("[", "{", "(", "<"):
            depth += 1
        elif kind in ("]", "}", ")", ">"):
            if depth == 0:
                return out
            depth -= 1
        elif kind == "," and depth == 0 and k + 1 < len(tokens):
            out.append(tokens[k + 1].start)
    return out


def _list_end(tokens: Sequence[Token], open_i: int) -> int:
    depth = 0
    for k in range(open_i + 1, len(tokens)):
        kind = tokens[k].kind
        if kind in ("[", "{", "(", "<"):
            depth += 1
        elif kind in ("]", "}", ")", ">"):
            if depth == 0:
                return tokens[k].end
            depth -= 1
    return tokens[-1].end


def _in_oneof(data: bytes, tokens: Sequence[Token], i: int) -> bool:
    """Is token `i` in a oneof's body (which has no empty statement)?"""
    depth = 0
    for k in range(i - 1, -1, -1):
        kind = tokens[k].kind
        if kind == "}":
            depth += 1
        elif kind == "{":
            if depth == 0:
                return k >= 2 and data[tokens[k - 2].start:tokens[k - 2].end] == b"oneof"
            depth -= 1
    return False


def blank_feature_targets(data: bytes, tokens: Sequence[Token], feature: str, entity: str, edits: dict[int, bytes],
                          position: Position, span: Span) -> list[Blanked] | None:
    """Every `features.<feature>` set on a service, a method or an extension range (protoc names no
    line): blanked; None when one cannot be."""
    out: list[Blanked] = []
    blocks: list[str] = []
    statement = 0  # index of the current statement's first token
    for k, t in enumerate(tokens):
        if t.kind == "{":
            blocks.append(data[tokens[statement].start:tokens[statement].end].decode("latin-1"))
            statement = k + 1
        elif t.kind == "}":
            if blocks:
                blocks.pop()
            statement = k + 1
        elif t.kind == ";":
            statement = k + 1
        elif t.kind == "=" and k >= 3 and tokens[k - 2].kind == "." and \
                data[tokens[k - 1].start:tokens[k - 1].end].decode("latin-1") == feature and \
                data[tokens[k - 3].start:tokens[k - 3].end] == b"features":
            owner = data[tokens[statement].start:tokens[statement].end].decode("latin-1")
            in_statement = k - 4 == statement and owner == "option" and blocks and \
                blocks[-1] == _ENTITY_BLOCKS.get(entity)
            in_range = entity == "extension range" and owner == "extensions" and tokens[k - 4].kind in ("[", ",")
            if not (in_statement or in_range):
                continue
            if _covered(edits, tokens[k - 3].start):
                continue  # compiled away already (its value given by number)
            last = _value_end(tokens, k + 1)
            found = None if last < 0 else _blank_assignment(data, tokens, k, last, edits, position, span)
            if found is None:
                return None
            out.append(found)
    return out


def _value_end(tokens: Sequence[Token], first: int) -> int:
    """The last token of the value starting at `first` (a '-' and a number, a `{...}`, or one token)."""
    if first >= len(tokens):
        return -1
    if tokens[first].kind == "-":
        return first + 1 if first + 1 < len(tokens) else -1
    if tokens[first].kind != "{":
        return first
    depth = 0
    for k in range(first, len(tokens)):
        depth += tokens[k].kind == "{"
        depth -= tokens[k].kind == "}"
        if depth == 0:
            return k
    return -1


def blank_declarations(data: bytes, tokens: Sequence[Token], edits: dict[int, bytes], position: Position,
                       span: Span) -> list[Blanked] | None:
    """Every `declaration = {...}` and `verification = ...` of the file's extension ranges: blanked
    (protoc refuses an extension whose number a range with declarations leaves out, buf does not;
    `declarations_hold` checks the rest of protoc's rules, which buf has too, on the set)."""
    out: list[Blanked] = []
    statement = 0
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.kind in (";", "{", "}"):
            statement = k + 1
        elif t.kind == "=" and k >= 2 and tokens[k - 2].kind in ("[", ",") and \
                data[tokens[statement].start:tokens[statement].end] == b"extensions":
            last = _value_end(tokens, k + 1)
            if last < 0:
                return None
            if data[tokens[k - 1].start:tokens[k - 1].end] in (b"declaration", b"verification"):
                found = _blank_assignment(data, tokens, k, last, edits, position, span)
                if found is None:
                    return None
                out.append(found)
            k = last  # past the value (a literal's braces are no statement's)
        k += 1
    return out


# ------------------------------------------------------------------ setting them on the compiled set

def restore(fds: pb.FileDescriptorSet, proto: pb.FileDescriptorProto, blanked: Sequence[Blanked],
            pools: dict[str, DescriptorPool]) -> bool:
    """Each blanked option's value in its element's options, protoc's locations for it among the
    file's; False when one cannot be placed (buf's own checks would say more: leave protoc's error)."""
    if not blanked:
        return True
    pool = pools.get("pool")
    if pool is None:
        from google.protobuf import descriptor_pb2, descriptor_pool

        pool = pools["pool"] = descriptor_pool.DescriptorPool()
        if all(f.name != "google/protobuf/descriptor.proto" for f in fds.file):  # the options' own types
            pool.AddSerializedFile(descriptor_pb2.DESCRIPTOR.serialized_pb)
        try:
            for f in fds.file:
                pool.AddSerializedFile(f.SerializeToString())
        except (TypeError, KeyError):  # a set the runtime will not build: leave protoc's error
            return False
    return all(_restore_one(pool, proto, option) for option in blanked)


def _restore_one(pool: DescriptorPool, proto: pb.FileDescriptorProto, option: Blanked) -> bool:
    locations = proto.source_code_info.location
    targets = _targets(proto, option)
    if not targets:
        return False
    kind, path = targets[0]
    field_number, options_name = _OPTIONS[kind]
    resolved = _resolve(pool, proto, path, pool.FindMessageTypeByName(f"google.protobuf.{options_name}"), option.name)
    if resolved is None:
        return False
    fields = resolved
    names: list[str] = []
    encoded = _encode(pool, fields[-1], option.value, names)
    if encoded is None:
        return False
    # (a feature on a service, method or range stays blank there too: protoc checks its targets, buf not)
    option.named = names[0] if names and option.value[-1][0] == "num" and not (
        kind in ("service", "method", "range") and option.name[0] == (False, "features")) else ""
    for outer in reversed(fields[:-1]):
        if outer.type == outer.TYPE_GROUP:
            encoded = _tag(outer.number, 3) + encoded + _tag(outer.number, 4)
        else:
            encoded = _tag(outer.number, 2) + _varint(len(encoded)) + encoded
    for _, target in targets:
        element = _element(proto, target)
        if not fields[-1].is_repeated and _set_in(element.options.SerializeToString(),  # type: ignore[attr-defined]
                                                  [f.number for f in fields]):
            return False  # buf: "... set multiple times" (and protoc, had it taken the value)
        element.options.MergeFromString(encoded)  # type: ignore[attr-defined]
    if kind == "range":
        return True  # protoc keeps no locations for an extension range's options
    from google.protobuf import descriptor_pb2

    def insert_at(start: tuple[int, int]) -> int:  # locations are in source order, an element before its parts
        return next((n for n, loc in enumerate(locations) if n and tuple(loc.span[:2]) > start), len(locations))

    if option.statement:
        locations.insert(insert_at(option.start), descriptor_pb2.SourceCodeInfo.Location(
            path=[*path, field_number], span=option.span))
    elif option.brackets is not None:
        locations.insert(insert_at((option.brackets[0], option.brackets[1])), descriptor_pb2.SourceCodeInfo.Location(
            path=[*path, field_number], span=option.brackets))
    named = [*path, field_number, *(f.number for f in fields)]
    index = insert_at(option.start)
    if fields[-1].is_repeated:  # protoc numbers a repeated option's settings: this one's and the later ones'
        size = len(named) + 1
        settings = [loc for loc in locations if len(loc.path) == size and list(loc.path[:-1]) == named]
        earlier = sum(1 for n, loc in enumerate(locations) if n < index and loc in settings)
        for loc in settings[earlier:]:
            loc.path[-1] += 1
        named.append(earlier)
    locations.insert(index, descriptor_pb2.SourceCodeInfo.Location(path=named, span=option.span))
    return True


def _set_in(data: bytes, numbers: Sequence[int]) -> bool:
    """Does the serialized message `data` set the field at `numbers` (a path through message fields,
    each occurrence of a message merged)?"""
    payloads = [data]
    for depth, number in enumerate(numbers):
        found = [value for payload in payloads for n, value in _records(payload) if n == number]
        if not found:
            return False
        if depth == len(numbers) - 1:
            return True
        payloads = [value for value in found if value is not None]
    return False


def _records(data: bytes) -> list[tuple[int, bytes | None]]:
    """(field number, payload of a length-delimited record or None) of each record of `data`."""
    out: list[tuple[int, bytes | None]] = []
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    try:
        while at < len(data):
            key = varint()
            wire = key & 7
            payload = None
            if wire == 0:
                varint()
            elif wire == 1:
                at += 8
            elif wire == 5:
                at += 4
            elif wire == 2:
                size = varint()
                payload = data[at:at + size]
                at += size
            else:  # groups: not in options written by number
                return out
            out.append((key >> 3, payload))
    except IndexError:
        pass
    return out


def _contains(span: Sequence[int], at: tuple[int, int]) -> bool:
    end = (span[0], span[2]) if len(span) == 3 else (span[2], span[3])
    return (span[0], span[1]) <= at < end


def _kind(path: Sequence[int]) -> str | None:
    kind = "file"
    for n in range(0, len(path), 2):
        found = _CHILDREN.get(kind, {}).get(path[n])
        if found is None or n + 1 >= len(path):
            return None
        kind = found
    return kind


def _targets(proto: pb.FileDescriptorProto, option: Blanked) -> list[tuple[str, list[int]]]:
    """(kind, path) of the element(s) the option was set on: the innermost element whose span holds
    it; for an `extensions` statement's list, each range of the statement."""
    best: list[int] = []
    ranges: list[tuple[str, list[int]]] = []
    statement: list[int] | None = None
    statement_span: Sequence[int] = ()
    for loc in proto.source_code_info.location:
        path = list(loc.path)
        if not _contains(loc.span, option.start):
            if statement is not None and len(path) == len(statement) + 1 and path[:-1] == statement and \
                    _contains(statement_span, (loc.span[0], loc.span[1])):
                ranges.append(("range", path))
            continue
        if len(path) % 2 == 1 and path[-1] == 5 and _kind(path[:-1]) == "message" and not option.statement:
            statement, statement_span = path, list(loc.span)  # an `extensions` statement holding the list
            ranges = []
        elif _kind(path) is not None and len(path) > len(best):
            best = path
    if statement is not None:
        return ranges
    kind = _kind(best) if best else "file"
    return [(kind, best)] if kind is not None else []


def _element(proto: pb.FileDescriptorProto, path: Sequence[int]) -> object:
    node: object = proto
    for n in range(0, len(path), 2):
        field = node.DESCRIPTOR.fields_by_number[path[n]]  # type: ignore[attr-defined]
        node = getattr(node, field.name)[path[n + 1]]
    return node


def _scopes(proto: pb.FileDescriptorProto, path: Sequence[int]) -> list[str]:
    """The scopes an extension's name in an option is looked up in, innermost first."""
    names = [proto.package] if proto.package else []
    node: object = proto
    for n in range(0, len(path), 2):
        field = node.DESCRIPTOR.fields_by_number[path[n]]  # type: ignore[attr-defined]
        node = getattr(node, field.name)[path[n + 1]]
        if field.message_type.name == "DescriptorProto":
            names.append(node.name)  # type: ignore[attr-defined]
    return [".".join(names[:k]) for k in range(len(names), -1, -1)]


def _resolve(pool: DescriptorPool, proto: pb.FileDescriptorProto, path: Sequence[int], message: Descriptor,
             name: Sequence[tuple[bool, str]]) -> list[FieldDescriptor] | None:
    out: list[FieldDescriptor] = []
    scopes = _scopes(proto, path)
    for n, (extension, part) in enumerate(name):
        if n and out[-1].message_type is None:
            return None
        current = message if not n else out[-1].message_type
        field = None
        if current is None:
            return None
        if not extension:
            field = current.fields_by_name.get(part)
        else:
            candidates = [part[1:]] if part.startswith(".") else [f"{s}.{part}" if s else part for s in scopes]
            for full in candidates:
                try:
                    found = pool.FindExtensionByName(full)
                except KeyError:
                    continue
                if found.containing_type is current:
                    field = found
                    break
        if field is None:
            return None
        out.append(field)
    return out


def _tag(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _integer(text: str) -> int | None:
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    try:
        value = int(digits, 16) if digits[:2].lower() == "0x" else int(digits, 8) if len(digits) > 1 and \
            digits.startswith("0") else int(digits)
    except ValueError:
        return None
    return -value if negative else value


def _encode(pool: DescriptorPool, field: FieldDescriptor, value: Sequence[tuple[str, str]],
            names: list[str]) -> bytes | None:
    """The field's tag and value as the wire has it; None for what is not a plain scalar here."""
    text = "".join(t for _, t in value)
    kind = field.type
    if kind == field.TYPE_ENUM:
        if len(value) == 1 and value[0][0] == "id":
            found = field.enum_type.values_by_name.get(text) if field.enum_type is not None else None
            if found is None:
                return None
            number: int | None = found.number
        else:
            number = _integer(text)
            if number is None or not -(1 << 31) <= number < 1 << 31:
                return None  # buf: "literal out of range for `int32`"
            if field.enum_type is not None and field.enum_type.values:
                # its value's name; for a number no value has, another value's (a number checks as any)
                others = [v for v in field.enum_type.values if v.number] or list(field.enum_type.values)
                names.append(field.enum_type.values_by_number[number].name
                             if number in field.enum_type.values_by_number else others[0].name)
            if field.containing_type is not None and field.containing_type.full_name == "google.protobuf.FeatureSet" \
                    and not number:
                return None  # buf: "feature field `...` must resolve to a known value"
        assert number is not None
        return _tag(field.number, 0) + _varint(number)
    if kind == field.TYPE_BOOL:
        if text not in ("true", "false"):
            return None
        return _tag(field.number, 0) + _varint(int(text == "true"))
    if kind in (field.TYPE_INT32, field.TYPE_INT64, field.TYPE_UINT32, field.TYPE_UINT64):
        number = _integer(text)
        return None if number is None else _tag(field.number, 0) + _varint(number)
    if kind == field.TYPE_MESSAGE and field.message_type is not None and value and value[0][0] == "{" and \
            value[-1][0] == "}":
        from google.protobuf import message_factory, text_format

        message = message_factory.GetMessageClass(field.message_type)()
        try:
            text_format.Parse(" ".join(t for _, t in value[1:-1]), message)
        except text_format.ParseError:
            return None
        payload = message.SerializeToString()
        return _tag(field.number, 2) + _varint(len(payload)) + payload
    if kind in (field.TYPE_DOUBLE, field.TYPE_FLOAT):
        try:
            real = float(text)
        except ValueError:
            return None
        packed = struct.pack("<d", real) if kind == field.TYPE_DOUBLE else struct.pack("<f", real)
        return _tag(field.number, 1 if kind == field.TYPE_DOUBLE else 5) + packed
    return None


_SCALAR_NAMES = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
                 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64"}


def declarations_hold(fds: pb.FileDescriptorSet, proto: pb.FileDescriptorProto) -> bool:
    """The declarations of `proto`'s extension ranges (compiled away, set again) against the set's
    extensions, as protoc and buf check them: a declared number's extension has the declared name,
    type and repetition, a reserved one is not used, an UNVERIFIED range declares nothing and a
    DECLARATION one declares something. A number no declaration names passes (buf takes it)."""
    extensions: dict[str, list[tuple[str, pb.FieldDescriptorProto]]] = {}
    for f in fds.file:
        scope = f".{f.package}" if f.package else ""
        pending = [(scope, list(f.extension), list(f.message_type))]
        while pending:
            outer, fields, messages = pending.pop()
            for ext in fields:
                extensions.setdefault(ext.extendee, []).append((f"{outer}.{ext.name}", ext))
            pending += [(f"{outer}.{m.name}", list(m.extension), list(m.nested_type)) for m in messages]
    scope = f".{proto.package}" if proto.package else ""
    stack = [(f"{scope}.{m.name}", m) for m in proto.message_type]
    while stack:
        full, m = stack.pop()
        stack += [(f"{full}.{n.name}", n) for n in m.nested_type]
        for r in m.extension_range:
            declared = {d.number: d for d in r.options.declaration}
            if r.options.HasField("verification") and (r.options.verification == 1) == bool(declared):
                return False  # UNVERIFIED (1) with declarations; DECLARATION (0) without any
            for name, ext in extensions.get(full, []):
                d = declared.get(ext.number)
                if d is None or not r.start <= ext.number < r.end:
                    continue
                kind = ext.type_name if ext.type_name else _SCALAR_NAMES.get(ext.type, "")
                if d.reserved or d.full_name != name or d.type != kind or d.repeated != (ext.label == 3):
                    return False
    return True


def strip_declarations(proto: pb.FileDescriptorProto) -> None:
    """Declarations and verification out of the file's extension ranges again once checked: both
    are source-retention options, which protoc leaves out of the sets it writes (as for any file)."""
    stack = list(proto.message_type)
    while stack:
        m = stack.pop()
        stack += m.nested_type
        for r in m.extension_range:
            if r.HasField("options"):
                r.options.ClearField("declaration")
                r.options.ClearField("verification")
                if not r.options.ListFields() and not r.options.ByteSize():
                    r.ClearField("options")
