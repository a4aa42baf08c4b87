"""Random buf modules of every syntax linted by `workbench lint` and by buf-bin: every line the same.

tests/test_lint_fuzz.py draws proto3 files of one shape; this draws what it never does: proto2,
edition 2023 and files without a syntax line (SYNTAX_SPECIFIED, FIELD_NOT_REQUIRED on `required`
and LEGACY_REQUIRED fields, ENUM_FIRST_VALUE_ZERO on a proto2 enum), nested messages and enums
(their names and comments), maps, groups, extension ranges and `extend` blocks, `allow_alias` enums,
imports between the module's files (used, unused, public; across packages, so package-level
import cycles and stable packages importing unstable ones), files without a package, and configs
with `except`, `ignore` and `ignore_only` over files and directories, the zero-suffix and
service-suffix options, and comment ignores on or off.

WB_LINT_EXAMPLES sets the number of modules (default 10).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool
from test_lint_fuzz import COMMENTS, TRAILING, assert_lints_as_buf
from test_proto_lint import buf_binary

SYNTAXES = ["proto3", "proto2", "2023", "2024", "none"]
EDITIONS = ("2023", "2024")
PACKAGES = ["acme.v1", "acme.v1", "acme.v1beta1", "shop.v1", "shop.v2alpha", "acme", ""]
SCALARS = ["int32", "string", "bytes", "bool", "double", "uint64"]
MESSAGE_NAMES = ["Thing", "thing_item", "THING", "Thing2b", "HTTPThing"]
INNER_NAMES = ["Inner", "inner_one", "INNER", "In2"]
FIELD_NAMES = ["name", "Name", "item_id", "itemID", "f1_a", "x__y", "last_"]
VALUE_NAMES = ["UNSPECIFIED", "{P}_UNSPECIFIED", "{P}_NONE", "{P}_A", "B", "{P}_b", "{P}_2"]
RULE_IDS = ["ENUM_VALUE_PREFIX", "ENUM_ZERO_VALUE_SUFFIX", "FIELD_LOWER_SNAKE_CASE", "MESSAGE_PASCAL_CASE",
            "FIELD_NOT_REQUIRED", "IMPORT_USED", "IMPORT_NO_PUBLIC", "PACKAGE_DIRECTORY_MATCH", "SYNTAX_SPECIFIED",
            "ENUM_FIRST_VALUE_ZERO", "PACKAGE_VERSION_SUFFIX", "COMMENT_FIELD", "COMMENT_MESSAGE", "ENUM_NO_ALLOW_ALIAS",
            "PACKAGE_DEFINED", "STABLE_PACKAGE_NO_IMPORT_UNSTABLE", "PACKAGE_NO_IMPORT_CYCLE", "ONEOF_LOWER_SNAKE_CASE"]
CATEGORIES = {"v1beta1": ["DEFAULT", "BASIC", "MINIMAL", "COMMENTS", "UNARY_RPC", "FILE_LAYOUT", "PACKAGE_AFFINITY",
                          "SENSIBLE", "STYLE_BASIC", "STYLE_DEFAULT", "OTHER"],
              "v1": ["DEFAULT", "BASIC", "MINIMAL", "COMMENTS", "UNARY_RPC", "STANDARD"],
              "v2": ["STANDARD", "DEFAULT", "BASIC", "MINIMAL", "COMMENTS", "UNARY_RPC"]}
NOT_IN = {"v1beta1": {"FIELD_NOT_REQUIRED", "SYNTAX_SPECIFIED", "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
                      "PACKAGE_NO_IMPORT_CYCLE", "IMPORT_USED"},
          "v1": {"FIELD_NOT_REQUIRED", "STABLE_PACKAGE_NO_IMPORT_UNSTABLE"}, "v2": set()}


@dataclass
class Drawn:
    """One file as drawn: its path, package and the message names others may use."""

    path: str
    package: str
    syntax: str
    messages: list[str] = field(default_factory=list)
    public: list[Drawn] = field(default_factory=list)  # the files it imports publicly
    option: str = ""  # the custom message option it defines, by full name
    text: str = ""


def _visible(imported: list[Drawn]) -> list[Drawn]:
    """The files whose names an importer sees: those it imports and, transitively, their public imports."""
    out: list[Drawn] = []
    todo = list(imported)
    while todo:
        d = todo.pop(0)
        if all(d is not seen for seen in out):
            out.append(d)
            todo += d.public
    return out


def _comment(rng: random.Random, indent: str) -> str:
    # split at "\n" only: the comments hold U+2028 and U+001C, which str.splitlines splits at too
    return "".join(indent + line + "\n" for line in rng.choice(COMMENTS).split("\n")[:-1])


def _label(rng: random.Random, syntax: str) -> tuple[str, str]:
    """(label, option) of a field that is not in a oneof: `required` where the syntax has it, the
    LEGACY_REQUIRED feature in editions."""
    if syntax in ("proto2", "none"):
        return rng.choice(["optional ", "required ", "repeated "]), ""
    if syntax == "proto3":
        return rng.choice(["", "optional ", "repeated "]), ""
    pick = rng.random()
    if pick < 0.2:
        return "", "features.field_presence = LEGACY_REQUIRED"
    return ("repeated " if pick < 0.5 else ""), ""


def _enum(rng: random.Random, name: str, syntax: str, indent: str, bare: bool = True) -> list[str]:
    """`bare`: values may go without the prefix (not in a second file's top-level enum, whose
    values are the package's names: two files' `B` would clash)."""
    prefix = "".join(("_" + c if c.isupper() and i else c) for i, c in enumerate(name)).upper().strip("_")
    values: list[str] = []
    for value in rng.sample([v for v in VALUE_NAMES if bare or "{P}" in v], rng.randint(1, 4)):
        # protoc refuses (in proto3) two values that are one without the prefix, case aside
        if value.replace("{P}_", "").upper() not in {v.replace("{P}_", "").upper() for v in values}:
            values.append(value)
    numbers = list(range(len(values)))
    if syntax in ("proto2", "none") and rng.random() < 0.3:
        numbers = [n + 1 for n in numbers]  # proto2 enums may start anywhere
    alias = len(values) > 1 and rng.random() < 0.2
    if alias:
        numbers[-1] = numbers[0]
    out = [f"{_comment(rng, indent)}{indent}enum {name} {{"]
    if alias:
        out.append(f"{indent}  option allow_alias = true;")
    for value, number in zip(values, numbers, strict=True):
        out.append(f"{_comment(rng, indent + '  ')}{indent}  {value.replace('{P}', prefix)} = {number};"
                   f"{rng.choice(TRAILING)}")
    out.append(f"{indent}}}")
    return out


def _message(rng: random.Random, name: str, syntax: str, types: list[str], indent: str, depth: int) -> list[str]:
    out = [f"{_comment(rng, indent)}{indent}message {name} {{"]
    inner = indent + "  "
    number = 1
    nested: list[str] = []
    if depth == 0 and rng.random() < 0.4:
        nested.append(rng.choice(INNER_NAMES))
    enums = [f"{name.capitalize()}Kind"] if depth == 0 and rng.random() < 0.3 else []
    usable = types + nested + enums
    for fname in rng.sample(FIELD_NAMES, rng.randint(0, 3)):
        kind = rng.choice(SCALARS + usable + ["map"])
        if kind == "map":
            out.append(f"{_comment(rng, inner)}{inner}map<string, {rng.choice(SCALARS + usable)}> {fname} = {number};")
        else:
            label, option = _label(rng, syntax)
            if option and kind in enums:
                option = ""
            shown = f" [{option}]" if option else ""
            out.append(f"{_comment(rng, inner)}{inner}{label}{kind} {fname} = {number}{shown};{rng.choice(TRAILING)}")
        number += 1
    if rng.random() < 0.3:
        oneof = rng.choice(["choice", "Choice", "the_choice_"])
        out.append(f"{_comment(rng, inner)}{inner}oneof {oneof} {{ int32 picked_{number} = {number}; }}")
        number += 1
    if syntax in ("proto2", "none") and rng.random() < 0.15:
        out.append(f"{inner}optional group Grouped = {number} {{ optional int32 g = 1; }}")
        number += 1
    if syntax != "proto3" and (depth == 0 or rng.random() < 0.3):  # other files extend the top ones
        out.append(f"{inner}extensions 100 to 199;")
    for n in nested:
        out += _message(rng, n, syntax, types, inner, depth + 1)
    for e in enums:
        out += _enum(rng, e, syntax, inner)
    out.append(f"{indent}}}")
    return out


def _file(rng: random.Random, index: int, drawn: list[Drawn]) -> Drawn:
    package = rng.choice(PACKAGES)
    syntax = rng.choice(SYNTAXES)
    directory = rng.choice([package.replace(".", "/"), "misc", "."]) if package else rng.choice(["misc", "."])
    base = rng.choice(["thing", "Thing", "thing_v2"])
    path = f"{directory}/{base}{index}.proto" if directory != "." else f"{base}{index}.proto"
    me = Drawn(path, package, syntax)
    head = [f'edition = "{syntax}";'] if syntax in EDITIONS else [f'syntax = "{syntax}";'] if syntax != "none" else []
    if package:
        head.append(f"package {package};")
    if syntax == "2024":  # else edition 2024 refuses the names drawn in buf's odd shapes
        head.append("option features.enforce_naming_style = STYLE_LEGACY;")
    imported = [d for d in drawn if rng.random() < 0.5]
    for d in imported:
        public = rng.random() < 0.25
        head.append(f'import {"public " if public else ""}"{d.path}";')
        if public:
            me.public.append(d)
    types: list[str] = []
    options: list[str] = []
    for d in _visible(imported):  # an import whose names go unused is unused (or a forwarder)
        if rng.random() < 0.6:
            types += [f"{d.package}.{m}" if d.package else m for m in d.messages]
        if d.option and rng.random() < 0.6:
            options.append(d.option)
    if rng.random() < 0.3:  # a custom option, set by files that see this one
        head.append('import "google/protobuf/descriptor.proto";')
        me.option = f"{package}.tag_{index}" if package else f"tag_{index}"
    body: list[str] = []
    for m in rng.sample(MESSAGE_NAMES, rng.randint(1, 2)):
        own = f"{m}{index}"
        body += _message(rng, own, syntax, types + me.messages, "", 0)
        me.messages.append(own)
    body += _enum(rng, f"Kind{index}", syntax, "", bare=index == 0)
    if me.option:
        body.append(f"extend google.protobuf.MessageOptions {{ {'' if syntax in EDITIONS else 'optional '}string "
                    f"tag_{index} = {50000 + index}; }}")
    if options:
        body.append(f"message Opted{index} {{\n" + "".join(f'  option ({o}) = "x";\n' for o in options) + "}")
    extendable = [d for d in imported if d.syntax != "proto3"]
    if syntax != "proto3" and extendable and rng.random() < 0.3:
        d = rng.choice(extendable)
        target = f"{d.package}.{d.messages[0]}" if d.package else d.messages[0]
        label = "" if syntax in EDITIONS else "optional "
        body.append(f"extend {target} {{ {label}int32 ext_{index} = {100 + index}; }}")
    if rng.random() < 0.4:
        body.append(_service(rng, index, me.messages + types, head))
    me.text = "\n".join([*head, "", *body]) + "\n"
    return me


def _service(rng: random.Random, index: int, types: list[str], head: list[str]) -> str:
    """A service whose RPCs take the file's own types, imported ones or google.protobuf.Empty (its
    import added to `head`), streaming or not, commented or not, with options or not."""
    if rng.random() < 0.3:
        head.append('import "google/protobuf/empty.proto";')
        types = [*types, "google.protobuf.Empty"]
    lines = [f"{_comment(rng, '')}service {rng.choice(['ThingService', 'ThingAPI', 'things'])}{index} {{"]
    for rpc in rng.sample(["Get", "get_thing", "ListThings", "Do2"], rng.randint(1, 3)):
        req, res = rng.choice(types), rng.choice(types)
        client, server = ("stream " if rng.random() < 0.2 else "" for _ in range(2))
        options = " { option idempotency_level = NO_SIDE_EFFECTS; }" if rng.random() < 0.2 else ";"
        lines.append(f"{_comment(rng, '  ')}  rpc {rpc}({client}{req}) returns ({server}{res}){options}"
                     f"{rng.choice(TRAILING)}")
    return "\n".join(lines) + "\n}"


def _config(rng: random.Random, paths: list[str]) -> str | None:
    version = rng.choice(["v1beta1", "v1", "v1", "v2", "v2", "v2", None])
    if version is None:
        return None
    lines = [f"version: {version}", "lint:"]
    # now and then a rule of another version: buf refuses the config, and so must we
    ids = RULE_IDS if rng.random() < 0.05 else [r for r in RULE_IDS if r not in NOT_IN[version]]
    use = rng.sample(CATEGORIES[version], rng.randint(1, 2)) + rng.sample(ids, rng.randint(0, 2))
    lines.append(f"  use: [{', '.join(use)}]")
    if rng.random() < 0.4:
        lines.append(f"  except: [{', '.join(rng.sample(ids, rng.randint(1, 2)))}]")
    dirs = sorted({p.rsplit("/", 1)[0] for p in paths if "/" in p})
    # `{root}`: where the module is from the config's folder (a v2 workspace's config names its
    # module's files by their workspace paths)
    if rng.random() < 0.3 and paths:
        lines.append(f"  ignore: [{{root}}{rng.choice(paths + dirs)}]")
    if rng.random() < 0.3 and paths:
        lines.append("  ignore_only:")
        for rule in rng.sample([*ids, *CATEGORIES[version]], 2):
            lines.append(f"    {rule}: [{{root}}{rng.choice(paths + dirs)}]")
    if rng.random() < 0.3:
        lines.append(f"  enum_zero_value_suffix: {rng.choice(['_NONE', '_UNSPECIFIED', 'NONE'])}")
    if rng.random() < 0.2:
        lines.append(f"  service_suffix: {rng.choice(['API', 'Service'])}")
    if rng.random() < 0.3:
        lines.append("  disallow_comment_ignores: true" if version == "v2" else "  allow_comment_ignores: true")
    return "\n".join(lines) + "\n"


def wide_module(rng: random.Random) -> dict[str, str]:
    drawn: list[Drawn] = []
    for i in range(rng.randint(1, 4)):
        drawn.append(_file(rng, i, drawn))
    files = {d.path: d.text for d in drawn}
    config = _config(rng, list(files))
    if config is not None:
        files["buf.yaml"] = config
    return files


def _placed(files: dict[str, str], root: str) -> dict[str, str]:
    return {name: text.replace("{root}", root) if name == "buf.yaml" else text for name, text in files.items()}


@settings(max_examples=int(os.environ.get("WB_LINT_EXAMPLES", "10")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), placement=st.sampled_from(["here", "here", "module folder", "input path"]))
def test_random_wide_modules_lint_as_buf_lints_them(rng: random.Random, placement: str,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    need_tool(buf_binary(), "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    files = wide_module(rng)
    # a v2 workspace's config names the module's files by their workspace paths
    v2 = files.get("buf.yaml", "").startswith("version: v2")
    assert_lints_as_buf(_placed(files, ""), _placed(files, "m/" if v2 else ""), placement,
                        tmp_path_factory.mktemp("wide"), _flags(rng, files),
                        rng.choice(["json", "json", "text", "msvs", "github-actions", "config-ignore-yaml"]),
                        per_module=rng.random() < 0.5)


def _flags(rng: random.Random, files: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Mostly none; else --path / --exclude-path over a file or a directory of the module."""
    paths = sorted(n for n in files if n.endswith(".proto"))
    paths += sorted({p.rsplit("/", 1)[0] for p in paths if "/" in p})
    if rng.random() < 0.7:
        return ()
    return tuple((rng.choice(["--path", "--exclude-path"]), rng.choice(paths)) for _ in range(rng.randint(1, 2)))
