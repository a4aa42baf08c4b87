"""Random buf modules for differential runs of `workbench breaking` against `buf breaking`.

A module is drawn from a `random.Random` (Hypothesis' `st.randoms` in the tests, plain seeds in long
sweeps): a buf config (none, buf.yaml v1beta1/v1/v2, buf.work.yaml) and proto files in its roots,
written in proto2, proto3, edition 2023 or 2024 or with no syntax line. The "after" side is the "before" side
with a few random edits (what a pull request does), including edits of the config itself. Every
generated file is rendered for its own syntax (labels, defaults and features only where that syntax
allows them), so most draws compile.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYNTAXES = ["proto3", "proto3", "proto2", "2023", "2023", "2024", "none"]
EDITIONS = ("2023", "2024")
SCALARS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64",
           "bool", "string", "bytes", "double", "float"]
PACKAGES = ["acme.v1", "acme.v1", "acme.v2", "acme.v1beta1", "acme.v1alpha1", "acme.v1test", "other", ""]
STRING_OPTS = {
    "go_package": ["example.com/acme/v1;acmev1", "example.com/acme/v2"],
    "java_package": ["com.acme.v1", "com.acme.v2"],
    "java_outer_classname": ["AcmeProto", "OtherProto"],
    "csharp_namespace": ["Acme.V1", "Acme.V2"],
    "objc_class_prefix": ["AXX", "AYY"],
    "php_namespace": ["Acme\\\\V1", "Acme\\\\V2"],
    "php_class_prefix": ["Ac", "Bc"],
    "php_metadata_namespace": ["Acme\\\\V1\\\\Meta", "Meta"],
    "ruby_package": ["Acme::V1", "Acme::V2"],
    "swift_prefix": ["AC", "BC"],
}
BOOL_OPTS = ["java_multiple_files", "java_generic_services", "java_string_check_utf8", "cc_generic_services",
             "py_generic_services", "cc_enable_arenas", "deprecated"]
OPTIMIZE = ["SPEED", "CODE_SIZE", "LITE_RUNTIME"]
FILE_FEATURES = {
    "field_presence": ["EXPLICIT", "IMPLICIT"],
    "enum_type": ["OPEN", "CLOSED"],
    "repeated_field_encoding": ["PACKED", "EXPANDED"],
    "utf8_validation": ["VERIFY", "NONE"],
    "message_encoding": ["LENGTH_PREFIXED", "DELIMITED"],
    "json_format": ["ALLOW", "LEGACY_BEST_EFFORT"],
}
CPP_STRING = ["VIEW", "CORD", "STRING"]
JAVA_UTF8 = ["DEFAULT", "VERIFY"]
CATEGORIES = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]
SOME_RULES = ["FILE_NO_DELETE", "FILE_SAME_PACKAGE", "PACKAGE_NO_DELETE", "FIELD_NO_DELETE", "FIELD_SAME_TYPE",
              "FIELD_SAME_NAME", "FIELD_SAME_CPP_STRING_TYPE", "FIELD_SAME_JAVA_UTF8_VALIDATION", "FILE_SAME_SYNTAX",
              "MESSAGE_NO_DELETE", "ENUM_VALUE_NO_DELETE", "FILE_SAME_GO_PACKAGE", "FIELD_SAME_CARDINALITY",
              "FIELD_SAME_UTF8_VALIDATION", "ENUM_SAME_TYPE", "FILE_SAME_JAVA_STRING_CHECK_UTF8", "FIELD_SAME_CTYPE",
              "FIELD_SAME_LABEL", "PACKAGE_MESSAGE_NO_DELETE", "FIELD_WIRE_COMPATIBLE_TYPE",
              "FIELD_SAME_DEFAULT", "RPC_SAME_IDEMPOTENCY_LEVEL", "FIELD_SAME_JSON_NAME", "EXTENSION_NO_DELETE"]


@dataclass
class Field:
    label: str  # "", "optional", "required", "repeated" (rendered per syntax)
    type: str
    name: str
    number: int
    opts: dict[str, str] = field(default_factory=dict)
    oneof: str = ""


@dataclass
class Enum:
    name: str
    values: list[tuple[str, int]]
    alias: bool = False
    reserved: list[int] = field(default_factory=list)
    opts: dict[str, str] = field(default_factory=dict)


@dataclass
class Message:
    name: str
    fields: list[Field]
    reserved: list[str] = field(default_factory=list)  # "5", "7 to 9", '"old"'
    extensions: str = ""  # "100 to 199" or ""
    opts: dict[str, str] = field(default_factory=dict)
    nested: list[Message] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)


@dataclass
class Rpc:
    name: str
    req: str
    res: str
    client: bool = False
    server: bool = False
    idempotency: str = ""


@dataclass
class ProtoFile:
    path: str  # relative to its root
    syntax: str
    package: str
    opts: dict[str, str] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    rpcs: list[Rpc] = field(default_factory=list)
    extends: list[tuple[str, Field]] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    tag: str = ""  # prefixes its type and enum value names: files of one package never collide


@dataclass
class Module:
    """A buf input: `config` is {file name: YAML text} at the input directory (modules' own buf.yaml
    files included, by their path), `roots` maps a root path ("" for the directory) to its files."""

    config: dict[str, dict[str, Any]]
    roots: dict[str, list[ProtoFile]]
    vendored_wkt: list[str] = field(default_factory=list)  # root-relative google/protobuf files copied in


# ---------------------------------------------------------------- drawing protos


def _draw_field(rng: random.Random, i: int, refs: list[str], syntax: str) -> Field:
    kind = rng.choice(SCALARS + refs + ["map<string, int32>"] + (["string"] * 3))
    label = "" if kind.startswith("map") else rng.choice(["", "optional", "repeated", "required"])
    f = Field(label, kind, rng.choice([f"f{i}", f"field_{chr(97 + i % 26)}", f"f{i}_x"]), 0)  # edition 2024 refuses "_0"
    if rng.random() < 0.15:
        f.opts["json_name"] = json.dumps(rng.choice([f"j{i}", f"fooBar{i}"]))
    if kind in ("string", "bytes") and rng.random() < 0.3:
        f.opts["ctype"] = rng.choice(["CORD", "STRING", "STRING_PIECE"])
    if kind == "string" and rng.random() < 0.3:
        f.opts["features.(pb.cpp).string_type"] = rng.choice(CPP_STRING)
    if kind == "string" and rng.random() < 0.3:
        f.opts["features.(pb.java).utf8_validation"] = rng.choice(JAVA_UTF8)
    if kind == "string" and rng.random() < 0.2:
        f.opts["features.utf8_validation"] = rng.choice(["VERIFY", "NONE"])
    if kind in ("int64", "uint64", "sint64", "fixed64", "sfixed64") and rng.random() < 0.2:
        f.opts["jstype"] = rng.choice(["JS_NORMAL", "JS_STRING", "JS_NUMBER"])
    if kind in SCALARS and kind not in ("string", "bytes") and rng.random() < 0.2:
        f.opts["packed"] = rng.choice(["true", "false"])
    if rng.random() < 0.2:
        f.opts["default"] = {"string": '"x"', "bytes": '"b"', "bool": "true", "double": "1.5", "float": "2",
                             "E0": "E0_B"}.get(kind, "3")
    if rng.random() < 0.1:
        f.opts["deprecated"] = "true"
    if rng.random() < 0.15:
        f.opts["features.field_presence"] = rng.choice(["EXPLICIT", "IMPLICIT", "LEGACY_REQUIRED"])
    if kind in ("M0", "M1") and rng.random() < 0.2:
        f.opts["features.message_encoding"] = "DELIMITED"
    if rng.random() < 0.1:
        f.opts["features.repeated_field_encoding"] = rng.choice(["PACKED", "EXPANDED"])
    return f


def _draw_enum(rng: random.Random, name: str) -> Enum:
    numbers = rng.sample(range(1, 8), rng.randint(1, 4))
    values = [(f"{name.upper()}_UNSPECIFIED", 0)] + [(f"{name.upper()}_V{n}", n) for n in numbers]
    values.insert(1, (f"{name.upper()}_B", 9))
    e = Enum(name, values)
    if rng.random() < 0.2:
        e.alias = True
        e.values.append((f"{name.upper()}_ALIAS", numbers[0]))
    if rng.random() < 0.3:
        e.reserved = rng.sample(range(20, 30), 2)
    if rng.random() < 0.2:
        e.opts["features.enum_type"] = rng.choice(["OPEN", "CLOSED"])
    if rng.random() < 0.1:
        e.opts["features.json_format"] = rng.choice(FILE_FEATURES["json_format"])
    return e


def _draw_message(rng: random.Random, name: str, refs: list[str], syntax: str, depth: int = 0) -> Message:
    count = rng.randint(1, 5)
    numbers = rng.sample(range(1, 16), count)
    fields = [_draw_field(rng, i, refs, syntax) for i in range(count)]
    for f, n in zip(fields, numbers, strict=True):
        f.number = n
    if count > 1 and rng.random() < 0.3:
        for f in fields[-2:]:
            if f.label != "repeated" and not f.type.startswith("map"):
                f.oneof = "choice"
    m = Message(name, fields)
    if rng.random() < 0.3:
        m.reserved = rng.sample(["20", "21 to 23", '"old"', '"gone"', "25"], rng.randint(1, 2))
    if rng.random() < 0.2:
        m.extensions = rng.choice(["100 to 199", "100 to max", "100 to 150"])
    if rng.random() < 0.1:
        m.opts["no_standard_descriptor_accessor"] = rng.choice(["true", "false"])
    if rng.random() < 0.15:  # the only feature a message may set (the others target fields and files)
        m.opts["features.json_format"] = rng.choice(FILE_FEATURES["json_format"])
    if rng.random() < 0.1:
        m.opts["deprecated"] = "true"
    if depth == 0 and rng.random() < 0.25:
        m.nested.append(_draw_message(rng, "Inner", refs, syntax, depth + 1))
    if depth == 0 and rng.random() < 0.2:
        m.enums.append(_draw_enum(rng, "Kind"))
    return m


def draw_file(rng: random.Random, path: str, tag: str, syntax: str | None = None,
              package: str | None = None) -> ProtoFile:
    syntax = syntax or rng.choice(SYNTAXES)
    pkg = package if package is not None else rng.choice(PACKAGES)
    f = ProtoFile(path, syntax, pkg, tag=tag)
    for opt, values in STRING_OPTS.items():
        if rng.random() < 0.15:
            f.opts[opt] = json.dumps(rng.choice(values))
    for opt in BOOL_OPTS:
        if rng.random() < 0.1:
            f.opts[opt] = rng.choice(["true", "false"])
    if rng.random() < 0.1:
        f.opts["optimize_for"] = rng.choice(OPTIMIZE)
    for feat, values in FILE_FEATURES.items():
        if rng.random() < 0.12:
            f.opts[f"features.{feat}"] = rng.choice(values)
    if rng.random() < 0.25:
        f.opts["features.(pb.cpp).string_type"] = rng.choice(CPP_STRING)
    if rng.random() < 0.25:
        f.opts["features.(pb.java).utf8_validation"] = rng.choice(JAVA_UTF8)
    refs = ["E0", "M0"]
    f.enums.append(_draw_enum(rng, "E0"))
    f.messages = [_draw_message(rng, f"M{i}", refs, syntax) for i in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        f.imports.append("google/protobuf/timestamp.proto")
        f.messages[0].fields.append(Field("", "google.protobuf.Timestamp", "ts", 30))
    if rng.random() < 0.4:
        f.rpcs = [Rpc(f"Do{i}", rng.choice(["M0", "google.protobuf.Empty"]), "M0", rng.random() < 0.2,
                      rng.random() < 0.2, rng.choice(["", "", "NO_SIDE_EFFECTS", "IDEMPOTENT",
                                                      "IDEMPOTENCY_UNKNOWN"]))
                  for i in range(rng.randint(1, 2))]
        if any(r.req.startswith("google") for r in f.rpcs):
            f.imports.append("google/protobuf/empty.proto")
    if rng.random() < 0.25:
        f.messages[0].extensions = f.messages[0].extensions or "100 to 199"
        x = _draw_field(rng, 9, ["E0"], syntax)
        x.number, x.oneof, x.name = rng.choice([100, 101]), "", "ext_" + x.name
        x.label = "repeated" if x.label == "repeated" else "optional"
        x.type = "int32" if x.type.startswith("map") else x.type
        f.extends.append(("M0", x))
    return f


# ---------------------------------------------------------------- rendering


def _legal_field_opts(f: Field, syntax: str, in_oneof: bool, is_ext: bool) -> dict[str, str]:
    """Options valid for this field in this syntax (protoc refuses the rest)."""
    editions = syntax in EDITIONS
    proto3 = syntax == "proto3"
    out: dict[str, str] = {}
    scalar = f.type in SCALARS
    for k, v in f.opts.items():
        if k.startswith("features.") and not editions:
            continue
        if k == "features.field_presence" and (f.label == "repeated" or in_oneof or is_ext
                                               or f.type.startswith("map") or f.type.startswith("google")
                                               or (v == "IMPLICIT" and not scalar and f.type != "E0")):
            continue
        if k == "features.field_presence" and v == "IMPLICIT" and f.type == "E0":
            continue  # the enum may be closed
        if k == "features.field_presence" and "default" in f.opts:
            continue
        if k == "features.message_encoding" and (f.type.startswith("map") or f.type not in ("M0", "M1")):
            continue
        if k == "features.repeated_field_encoding" and (f.label != "repeated" or not scalar or f.type in ("string", "bytes")):
            continue
        if k == "packed" and (f.label != "repeated" or editions):
            continue
        if k == "default" and f.type == "E0" and v != "E0_B":
            continue  # buf takes a number as an enum's default, protoc does not
        if k == "default" and (proto3 or f.label == "repeated" or f.type.startswith("map") or f.type in ("M0", "M1")
                               or f.type.startswith("google") or in_oneof and editions):
            continue
        if k == "default" and editions and "features.field_presence" in f.opts and f.opts["features.field_presence"] == "IMPLICIT":
            continue
        if k in ("features.(pb.cpp).string_type", "features.(pb.java).utf8_validation", "features.utf8_validation") \
                and f.type not in ("string", "bytes"):
            continue
        if k == "features.utf8_validation" and f.type != "string":
            continue
        if k == "ctype" and syntax == "2024":
            continue  # edition 2024 has only the (pb.cpp).string_type feature
        if k == "ctype" and f.type not in ("string", "bytes"):
            continue  # protoc takes ctype on any field, buf only on strings and bytes
        if k == "ctype" and editions and ("features.(pb.cpp).string_type" in f.opts):
            continue
        if k == "ctype" and is_ext and v != "STRING":
            continue  # buf refuses CORD and STRING_PIECE on extensions
        if k == "json_name" and is_ext:
            continue
        if k == "jstype" and f.type not in ("int64", "uint64", "sint64", "fixed64", "sfixed64"):
            continue  # protoc lets JS_NORMAL through on any field, buf does not
        out[k] = v
    return out


def _label(f: Field, syntax: str, in_oneof: bool, is_ext: bool) -> str:
    if f.type.startswith("map") or in_oneof:
        return ""
    if syntax in EDITIONS:
        return "repeated " if f.label == "repeated" else ""
    if syntax == "proto3":
        if f.label == "required" or (is_ext and f.label != "repeated"):
            return "optional "
        return f"{f.label} " if f.label else ""
    # proto2 and no syntax: every field has a label; required extensions are refused
    if not f.label or (is_ext and f.label == "required"):
        return "optional "
    return f"{f.label} "


def _field_line(f: Field, syntax: str, in_oneof: bool = False, is_ext: bool = False, indent: str = "  ") -> str:
    opts = _legal_field_opts(f, syntax, in_oneof, is_ext)
    if syntax in EDITIONS and f.label == "required" and "features.field_presence" not in opts \
            and not in_oneof and not is_ext and not f.type.startswith("map"):
        opts["features.field_presence"] = "LEGACY_REQUIRED"
    shown = f" [{', '.join(f'{k} = {v}' for k, v in opts.items())}]" if opts else ""
    return f"{indent}{_label(f, syntax, in_oneof, is_ext)}{f.type} {f.name} = {f.number}{shown};"


def _enum_lines(e: Enum, syntax: str, indent: str) -> list[str]:
    out = [f"{indent}enum {e.name} {{"]
    numbers = [n for _, n in e.values]
    if e.alias and len(set(numbers)) < len(numbers):  # an edit may have dropped the alias
        out.append(f"{indent}  option allow_alias = true;")
    for k, v in e.opts.items():
        if syntax in EDITIONS:
            out.append(f"{indent}  option {k} = {v};")
    values = e.values if syntax != "proto3" or (e.values and e.values[0][1] == 0) else e.values
    seen: set[int] = set()
    for name, number in values:
        if number in seen and not e.alias:
            continue
        seen.add(number)
        out.append(f"{indent}  {name} = {number};")
    if e.reserved:
        out.append(f"{indent}  reserved {', '.join(str(r) for r in e.reserved)};")
    out.append(f"{indent}}}")
    return out


def _message_lines(m: Message, syntax: str, indent: str = "") -> list[str]:
    out = [f"{indent}message {m.name} {{"]
    for k, v in m.opts.items():
        if k.startswith("features.") and syntax not in EDITIONS:
            continue
        out.append(f"{indent}  option {k} = {v};")
    plain = [f for f in m.fields if not f.oneof]
    for f in plain:
        out.append(_field_line(f, syntax, indent=indent + "  "))
    oneof = [f for f in m.fields if f.oneof]
    if oneof:
        out.append(f"{indent}  oneof choice {{")
        out += [_field_line(f, syntax, in_oneof=True, indent=indent + "    ") for f in oneof]
        out.append(f"{indent}  }}")
    if m.reserved:
        names = [r for r in m.reserved if r.startswith('"')]
        nums = [r for r in m.reserved if not r.startswith('"')]
        if nums:
            out.append(f"{indent}  reserved {', '.join(nums)};")
        if names:
            shown = names if syntax not in EDITIONS else [n.strip('"') for n in names]
            out.append(f"{indent}  reserved {', '.join(shown)};")
    if m.extensions and syntax != "proto3":
        out.append(f"{indent}  extensions {m.extensions};")
    for n in m.nested:
        out += _message_lines(n, syntax, indent + "  ")
    for e in m.enums:
        out += _enum_lines(e, syntax, indent + "  ")
    out.append(f"{indent}}}")
    return out


def render(f: ProtoFile) -> str:
    syntax = f.syntax
    out = []
    if syntax in EDITIONS:
        out.append(f'edition = "{syntax}";')
    elif syntax != "none":
        out.append(f'syntax = "{syntax}";')
    if f.package:
        out.append(f"package {f.package};")
    imports = list(dict.fromkeys(f.imports))
    if syntax in EDITIONS:
        uses = render_body(f)
        if "pb.cpp" in uses:
            imports.append("google/protobuf/cpp_features.proto")
        if "pb.java" in uses:
            imports.append("google/protobuf/java_features.proto")
    out += [f'import "{i}";' for i in imports]
    out.append(_tagged(render_body(f), f.tag))
    return "\n".join(out) + "\n"


def _tagged(body: str, tag: str) -> str:
    """The file's own type names (M0, M1, E0) and top-level enum values (E0_*) with its tag."""
    body = re.sub(r"\b(M[0-9]|E0|SVC)\b", lambda m: tag + m.group(1), body)
    body = re.sub(r"\bext_", f"ext_{tag.lower()}_", body)  # extensions are package-level names too
    return re.sub(r"\bE0_", tag.upper() + "_E0_", body)


def render_body(f: ProtoFile) -> str:
    syntax = f.syntax
    out = []
    for k, v in f.opts.items():
        if k.startswith("features.") and syntax not in EDITIONS or k == "java_string_check_utf8" and syntax in EDITIONS:
            continue  # buf refuses java_string_check_utf8 in editions, whatever its value
        if k == "java_multiple_files" and syntax == "2024":
            continue  # edition 2024 has the (pb.java).nest_in_file_class feature instead
        if k in ("cc_generic_services", "java_generic_services") and f.rpcs \
                and f.opts.get("optimize_for") == "LITE_RUNTIME":
            continue  # protoc refuses generic services in a lite file (buf does not check it)
        out.append(f"option {k} = {v};")
    for e in f.enums:
        out += _enum_lines(e, syntax, "")
    for m in f.messages:
        out += _message_lines(m, syntax)
    for extendee, x in f.extends:
        if syntax == "proto3":
            continue  # proto3 extends only custom options
        out.append(f"extend {extendee} {{")
        out.append(_field_line(x, syntax, is_ext=True))
        out.append("}")
    if f.rpcs:
        out.append("service SVC {")
        for r in f.rpcs:
            body = f" {{ option idempotency_level = {r.idempotency}; }}" if r.idempotency else ";"
            out.append(f"  rpc {r.name}({'stream ' if r.client else ''}{r.req}) returns "
                       f"({'stream ' if r.server else ''}{r.res}){body}")
        out.append("}")
    return "\n".join(out)


# ---------------------------------------------------------------- editing protos


def edit_file(rng: random.Random, f: ProtoFile) -> None:
    """One random edit of the kind a pull request makes."""
    m = rng.choice(f.messages)
    kind = rng.choice(["field_type", "field_label", "field_name", "field_delete", "field_opt", "field_add",
                       "msg_opt", "file_opt", "syntax", "package", "enum", "rpc", "message_delete", "reserved",
                       "oneof", "nested", "ext", "file_feature", "file_feature", "field_number", "enum_value",
                       "rpc_rename", "nested_ref"])
    fld = rng.choice(m.fields)
    if kind == "field_type":
        fld.type = rng.choice(SCALARS + ["E0", "M0"])
    elif kind == "field_label":
        fld.label = rng.choice(["", "optional", "repeated", "required"])
    elif kind == "field_name":
        fld.name += "_renamed"
    elif kind == "field_delete" and len(m.fields) > 1:
        m.fields.remove(fld)
        if rng.random() < 0.5:
            m.reserved.append(str(fld.number) if rng.random() < 0.5 else json.dumps(fld.name))
    elif kind == "field_opt":
        fresh = _draw_field(rng, 0, ["E0", "M0"], f.syntax)
        if fld.type == fresh.type or rng.random() < 0.5:
            fld.opts = fresh.opts
        else:
            fld.opts.pop(rng.choice(list(fld.opts) or ["json_name"]), None)
    elif kind == "field_add":
        used = {x.number for x in m.fields}
        free = [n for n in range(1, 19) if n not in used]
        if free:
            new = _draw_field(rng, len(m.fields) + 7, ["E0", "M0"], f.syntax)
            new.number = rng.choice(free)
            m.fields.append(new)
    elif kind == "msg_opt":
        m.opts = _draw_message(rng, m.name, ["E0"], f.syntax).opts
    elif kind == "file_opt":
        opt = rng.choice([*STRING_OPTS, *BOOL_OPTS, "optimize_for"])
        if opt in f.opts and rng.random() < 0.5:
            del f.opts[opt]
        elif opt in STRING_OPTS:
            f.opts[opt] = json.dumps(rng.choice(STRING_OPTS[opt]))
        elif opt == "optimize_for":
            f.opts[opt] = rng.choice(OPTIMIZE)
        else:
            f.opts[opt] = rng.choice(["true", "false"])
    elif kind == "file_feature":
        feat = rng.choice([*FILE_FEATURES, "(pb.cpp).string_type", "(pb.java).utf8_validation"])
        key = f"features.{feat}"
        if key in f.opts and rng.random() < 0.4:
            del f.opts[key]
        else:
            values = FILE_FEATURES.get(feat) or (CPP_STRING if "cpp" in feat else JAVA_UTF8)
            f.opts[key] = rng.choice(values)
    elif kind == "field_number":
        used = {x.number for x in m.fields}
        fld.number = rng.choice([n for n in range(1, 19) if n not in used])
    elif kind == "enum_value":
        e = rng.choice(f.enums + [e for x in f.messages for e in x.enums])
        i = rng.randrange(1, len(e.values)) if len(e.values) > 1 else 0
        name, number = e.values[i]
        if i and rng.random() < 0.5:
            taken = {n for _, n in e.values} | set(e.reserved)
            e.values[i] = (name, rng.choice([n for n in range(1, 12) if n not in taken]))
        elif i:
            e.values[i] = (name + "_NEW", number)
    elif kind == "rpc_rename" and f.rpcs:
        r = rng.choice(f.rpcs)
        r.name += "V2"
    elif kind == "nested_ref":
        # a field of a nested type (M0.Inner, M0.Kind): its scope, not the package's
        holder = rng.choice([x for x in f.messages if x.nested or x.enums] or [m])
        inner = [f"{holder.name}.{n.name}" for n in holder.nested] + [f"{holder.name}.{e.name}" for e in holder.enums]
        if inner and not fld.type.startswith("map"):
            fld.type = rng.choice(inner)
            fld.opts.pop("default", None)
    elif kind == "syntax":
        f.syntax = rng.choice(["proto2", "proto3", "2023", "2024", "none"])
    elif kind == "package":
        f.package = rng.choice(PACKAGES)
    elif kind == "enum":
        e = rng.choice(f.enums + [e for x in f.messages for e in x.enums])
        if len(e.values) > 2 and rng.random() < 0.5:
            del e.values[-1]
        elif rng.random() < 0.5:
            e.values = [(n + "_X" if i == len(e.values) - 1 else n, v) for i, (n, v) in enumerate(e.values)]
        else:
            e.opts = _draw_enum(rng, e.name).opts
    elif kind == "rpc" and f.rpcs:
        r = rng.choice(f.rpcs)
        what = rng.choice(["client", "server", "idem", "req", "delete"])
        if what == "client":
            r.client = not r.client
        elif what == "server":
            r.server = not r.server
        elif what == "idem":
            r.idempotency = rng.choice(["", "NO_SIDE_EFFECTS", "IDEMPOTENT", "IDEMPOTENCY_UNKNOWN"])
        elif what == "req":
            r.req = "M1" if any(x.name == "M1" for x in f.messages) else "M0"
        else:
            f.rpcs.remove(r)
    elif kind == "message_delete" and len(f.messages) > 1:
        gone = f.messages.pop()
        _drop_refs(f, gone.name)
    elif kind == "reserved":
        m.reserved = m.reserved[1:] if m.reserved else ["20"]
    elif kind == "oneof":
        fld.oneof = "" if fld.oneof else "choice"
        if fld.oneof and (fld.label == "repeated" or fld.type.startswith("map")):
            fld.oneof = ""
    elif kind == "nested":
        if m.nested:
            m.nested.pop()
        else:
            m.nested.append(_draw_message(rng, "Inner", ["E0"], f.syntax, 1))
    elif kind == "ext":
        if f.extends:
            f.extends.pop()
        else:
            f.messages[0].extensions = f.messages[0].extensions or "100 to 199"
            x = _draw_field(rng, 9, ["E0"], f.syntax)
            x.number, x.oneof, x.name, x.label = 101, "", "ext_new", "optional"
            x.type = "int32" if x.type.startswith("map") else x.type
            f.extends.append(("M0", x))


def _drop_refs(f: ProtoFile, name: str) -> None:
    for m in f.messages:
        for x in m.fields:
            if x.type == name:
                x.type = "M0"
    f.rpcs = [r for r in f.rpcs if name not in (r.req, r.res)]
    f.extends = [(e, x) for e, x in f.extends if e != name]


# ---------------------------------------------------------------- configs and layouts


def _breaking_section(rng: random.Random, files: list[str], dirs: list[str]) -> dict[str, Any]:
    section: dict[str, Any] = {}
    pick = rng.random()
    if pick < 0.5:
        section["use"] = rng.sample(CATEGORIES, rng.randint(1, 3))
    elif pick < 0.7:
        section["use"] = rng.sample(SOME_RULES, rng.randint(1, 4))
    elif pick < 0.85:
        section["use"] = [rng.choice(CATEGORIES), *rng.sample(SOME_RULES, 2)]
    if rng.random() < 0.3:
        section["except"] = rng.sample(SOME_RULES, rng.randint(1, 3))
    targets = files + dirs
    if targets and rng.random() < 0.35:
        section["ignore"] = rng.sample(targets, 1)
    if targets and rng.random() < 0.25:
        section["ignore_only"] = {rng.choice(SOME_RULES + CATEGORIES): rng.sample(targets, 1)}
    if rng.random() < 0.3:
        section["ignore_unstable_packages"] = True
    return section


def _yaml(data: dict[str, Any]) -> str:
    """Block YAML as people write buf.yaml: nested maps, lists as flow lists or `- item` lines; a
    mapping given twice (the same object) is written once with an anchor, then as its alias."""
    return "\n".join(_yaml_lines(data, "", _shared(data), {})) + "\n"


def _shared(data: object) -> set[int]:
    """ids of the mappings that appear more than once in `data`."""
    seen: set[int] = set()
    twice: set[int] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if id(node) in seen:
                twice.add(id(node))
                return
            seen.add(id(node))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return twice


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.replace("_", "").replace("/", "").replace(".", "").isalnum() else json.dumps(text)


def _yaml_lines(data: object, indent: str, shared: set[int], anchors: dict[int, str]) -> list[str]:
    out: list[str] = []
    assert isinstance(data, dict)
    for key, value in data.items():
        if isinstance(value, dict) and id(value) in anchors:
            out.append(f"{indent}{key}: *{anchors[id(value)]}")
        elif isinstance(value, dict):
            anchor = ""
            if id(value) in shared:
                anchors[id(value)] = f"a{len(anchors)}"
                anchor = f" &{anchors[id(value)]}"
            out.append(f"{indent}{key}:{anchor}")
            out += _yaml_lines(value, indent + "  ", shared, anchors)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{indent}{key}:")
            for item in value:
                inner = _yaml_lines(item, indent + "    ", shared, anchors)
                out.append(f"{indent}  - {inner[0].strip()}")
                out += inner[1:]
        elif isinstance(value, list) and len(value) % 2:
            out.append(f"{indent}{key}: [{', '.join(_yaml_scalar(v) for v in value)}]")
        elif isinstance(value, list):
            out.append(f"{indent}{key}:")
            out += [f"{indent}  - {_yaml_scalar(v)}" for v in value]
        else:
            out.append(f"{indent}{key}: {_yaml_scalar(value)}")
    return out


def draw_module(rng: random.Random) -> Module:
    kind = rng.choice(["none", "v1beta1", "v1", "v1", "v2", "v2", "work"])
    dirs = ["acme/v1", "acme/v2", "other", "ex", "ig"]

    counter = iter(range(100))

    def files_for(count: int) -> list[ProtoFile]:
        """`count` files, named apart across roots (buf refuses a path that two modules hold)."""
        out = []
        for _ in range(count):
            i = next(counter)
            out.append(draw_file(rng, f"{rng.choice(dirs)}/f{i}.proto", f"T{i}"))
        return out

    def rels(fs: list[ProtoFile]) -> list[str]:
        return [f.path for f in fs]

    config: dict[str, dict[str, Any]] = {}
    if kind == "none":
        roots = {"": files_for(rng.randint(1, 3))}
    elif kind == "v1":
        fs = files_for(rng.randint(1, 4))
        data: dict[str, Any] = {"version": "v1"}
        if rng.random() < 0.4:
            data["build"] = {"excludes": rng.sample(["ex", "ig/sub", "other"], 1)}
        data["breaking"] = _breaking_section(rng, rels(fs), dirs)
        config["buf.yaml"] = data
        roots = {"": fs}
    elif kind == "v1beta1":
        names = rng.sample(["proto", "vendor", "third"], rng.randint(1, 2))
        roots = {n: files_for(rng.randint(1, 3)) for n in names}
        data = {"version": "v1beta1", "build": {"roots": names}}
        if rng.random() < 0.5:
            data["build"] = {"roots": names, "excludes": [f"{names[0]}/{rng.choice(['ex', 'other'])}"]}
        data["breaking"] = _breaking_section(rng, [f for n in names for f in rels(roots[n])], dirs)
        config["buf.yaml"] = data
    elif kind == "v2":
        names = rng.sample(["proto", "vendor", "third", "."], rng.randint(1, 2))
        if "." in names:
            names = ["."]
        roots = {("" if n == "." else n): files_for(rng.randint(1, 3)) for n in names}
        modules = []
        for n in names:
            module: dict[str, Any] = {"path": n}
            if rng.random() < 0.4:
                module["excludes"] = [f"{n}/ex" if n != "." else "ex"]
            if rng.random() < 0.4:
                prefix = "" if n == "." else n + "/"
                module["breaking"] = _breaking_section(rng, [prefix + f for f in rels(roots["" if n == "." else n])],
                                                       [prefix + d for d in dirs])
            modules.append(module)
        data = {"version": "v2", "modules": modules}
        if rng.random() < 0.7:
            data["breaking"] = _breaking_section(rng, [], [f"{'' if n == '.' else n + '/'}{d}" for n in names for d in dirs])
            if rng.random() < 0.3:
                # the same section for a module, written with a YAML anchor and alias
                rng.choice(modules)["breaking"] = data["breaking"]
        if len(names) > 1 and rng.random() < 0.3:
            _same_names_in_two_modules(rng, roots)
        config["buf.yaml"] = data
    else:
        names = rng.sample(["m1", "m2", "m3"], rng.randint(2, 3))
        roots = {n: files_for(rng.randint(1, 2)) for n in names}
        config["buf.work.yaml"] = {"version": "v1", "directories": names}
        if rng.random() < 0.3:
            _same_names_in_two_modules(rng, roots)
        # one version for every module: buf reads a v1 module's rule IDs as v1beta1's when a
        # v1beta1 module shares the workspace (and then refuses v1-only IDs)
        version = rng.choice(["v1", "v1", "v1beta1"])
        for n in names:
            if rng.random() < 0.7:
                sub: dict[str, Any] = {"version": version}
                if rng.random() < 0.3:
                    sub["build"] = {"excludes": ["ex"]}
                sub["breaking"] = _breaking_section(rng, rels(roots[n]), dirs)
                config[f"{n}/buf.yaml"] = sub
    module = Module(config, roots)
    if rng.random() < 0.15:
        module.vendored_wkt = rng.sample(["google/protobuf/empty.proto", "google/protobuf/timestamp.proto",
                                          "google/protobuf/duration.proto"], rng.randint(1, 2))
    return module


def _same_names_in_two_modules(rng: random.Random, roots: dict[str, list[ProtoFile]]) -> None:
    """A copy of one module's file in another module, at another path: two modules that define the
    same names without importing each other, which buf builds module by module."""
    source, target = rng.sample(sorted(roots), 2)
    if roots[source]:
        twin = copy.deepcopy(rng.choice(roots[source]))
        twin.path = f"twin/{twin.path.rsplit('/', 1)[-1]}"
        if all(f.path != twin.path for fs in roots.values() for f in fs):
            roots[target].append(twin)


def edit_module(rng: random.Random, module: Module) -> Module:
    """The after side: a copy of `module` with one to four random edits."""
    after = copy.deepcopy(module)
    all_files = [f for fs in after.roots.values() for f in fs]
    for _ in range(rng.randint(1, 4)):
        what = rng.random()
        if what < 0.6 and all_files:
            edit_file(rng, rng.choice(all_files))
        elif what < 0.7 and len(all_files) > 1:
            root = rng.choice([r for r, fs in after.roots.items() if fs])
            gone = rng.choice(after.roots[root])
            after.roots[root].remove(gone)
            all_files.remove(gone)
        elif what < 0.8 and all_files:
            # a file moves to another directory, or another root
            root = rng.choice([r for r, fs in after.roots.items() if fs])
            moved = rng.choice(after.roots[root])
            after.roots[root].remove(moved)
            moved.path = f"{rng.choice(['acme/v1', 'acme/v3', 'other', 'ex', 'ig'])}/{moved.path.split('/')[-1]}"
            target = rng.choice(list(after.roots))
            if all(f.path != moved.path for f in after.roots[target]):
                after.roots[target].append(moved)
            else:
                all_files.remove(moved)
        elif what < 0.9 and after.config:
            name = rng.choice(sorted(after.config))
            data = after.config[name]
            if data.get("version") == "v2" and "modules" in data and rng.random() < 0.5:
                for m in data["modules"]:
                    if "excludes" in m:
                        del m["excludes"]
                    elif rng.random() < 0.5:
                        m["excludes"] = [f"{m['path']}/ig" if m["path"] != "." else "ig"]
            elif data.get("version") in ("v1", "v1beta1") and "directories" not in data and rng.random() < 0.4:
                # the base and the input exclude different files: each side is built with its own
                build = data.setdefault("build", {})
                roots = build.get("roots", ["."])
                if build.get("excludes"):
                    del build["excludes"]
                else:
                    build["excludes"] = [d if r == "." else f"{r}/{d}" for r in roots[:1] for d in ("ig", "other")]
                if not build:
                    del data["build"]
            elif "breaking" in data:
                data["breaking"] = _breaking_section(rng, [], ["ig", "ex", "other", "acme/v1"])
        else:
            root = rng.choice(list(after.roots))
            taken = {f.path for f in after.roots[root]}
            path = f"{rng.choice(['acme/v1', 'other', 'ig'])}/new{rng.randint(0, 9)}.proto"
            if path not in taken:
                added = draw_file(rng, path, f"N{rng.randint(0, 999)}")
                after.roots[root].append(added)
                all_files.append(added)
    if module.vendored_wkt and rng.random() < 0.3:
        after.vendored_wkt = module.vendored_wkt[1:]
    return after


WKT_DIR = Path(__file__).resolve().parent  # replaced below by the grpc_tools copy when present


def _wkt_source() -> Path:
    import grpc_tools

    return Path(grpc_tools.__file__).parent / "_proto"


def write_module(module: Module, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name, text in module.config.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(_yaml(text))
    for root, files in module.roots.items():
        base = dest / root if root else dest
        base.mkdir(parents=True, exist_ok=True)
        for f in files:
            (base / f.path).parent.mkdir(parents=True, exist_ok=True)
            (base / f.path).write_text(render(f))
    if module.vendored_wkt:
        root = next(iter(module.roots))
        base = dest / root if root else dest
        for rel in module.vendored_wkt:
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_wkt_source() / rel, base / rel)


# ---------------------------------------------------------------- running both


@dataclass(frozen=True)
class Outcome:
    code: int  # 0 clean, 1 breaking changes, 2 error (buf's 0 / 100 / anything else, mapped)
    lines: tuple[str, ...]  # sorted JSON lines on stdout (empty on an error)
    err: str = ""


def buf_outcome(buf: str, after: Path, *args: str) -> Outcome:
    env = {**os.environ, "BUF_CACHE_DIR": os.environ.get("BUF_CACHE_DIR", "/tmp/wb-buf-cache")}
    done = subprocess.run([buf, "breaking", *args, "--against", "../before", "--error-format", "json"],
                          cwd=after, capture_output=True, text=True, check=False, timeout=300, env=env)
    code = {0: 0, 100: 1}.get(done.returncode, 2)
    if code == 1 and (not done.stdout.strip() or '"type":"COMPILE"' in done.stdout):
        code = 2  # buf exits 100 on a compile error too (its COMPILE lines on stdout): a refused input
    lines = tuple(sorted(x for x in done.stdout.split("\n") if x.strip())) if code != 2 else ()
    return Outcome(code, lines, done.stderr)


def ours_outcome(after: Path, *args: str) -> Outcome:
    done = subprocess.run([sys.executable, "-m", "workbench", "breaking", *args, "--against", "../before",
                           "--error-format", "json"], cwd=after, capture_output=True, text=True, check=False,
                          timeout=300)
    lines = tuple(sorted(x for x in done.stdout.split("\n") if x.strip())) if done.returncode != 2 else ()
    return Outcome(done.returncode, lines, done.stderr)
