"""What buf 1.75 accepts in a buf.yaml and a buf.work.yaml, checked the way its strict decode does.

buf decodes its config files into Go structs with unknown fields refused (go-yaml v3's KnownFields):
a misspelt key, a string where a list belongs, a list where a mapping belongs are all errors there
(`decode buf.yaml: yaml: unmarshal errors: line 2: field foo not found`), as is a file without a
version. Each check here names the line, and the value read is normalised as Go reads it (a YAML 1.1
`yes` into a bool field is true; a plain `True` into a string field is the text "True").
"""

from __future__ import annotations

from workbench.breaking.bufyaml import YamlList, YamlMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})
VERSIONS = ("v1beta1", "v1", "v2")

_CHECK = {"use": "strings", "except": "strings", "ignore": "strings", "ignore_only": "ignore_only",
          "disable_builtin": "bool"}
LINT = {**_CHECK, "enum_zero_value_suffix": "string", "rpc_allow_same_request_response": "bool",
        "rpc_allow_google_protobuf_empty_requests": "bool", "rpc_allow_google_protobuf_empty_responses": "bool",
        "service_suffix": "string"}
LINT_V1 = {**LINT, "allow_comment_ignores": "bool"}
LINT_V2 = {**LINT, "disallow_comment_ignores": "bool"}
BREAKING = {**_CHECK, "ignore_unstable_packages": "bool"}
BUILD = {"roots": "strings", "excludes": "strings"}
TOP_V1 = {"version": "string", "name": "string", "deps": "strings", "build": BUILD, "lint": LINT_V1,
          "breaking": BREAKING}
MODULE_V2 = {"path": "string", "name": "string", "excludes": "strings", "includes": "strings", "lint": LINT_V2,
             "breaking": BREAKING}
TOP_V2 = {"version": "string", "name": "string", "modules": "modules", "deps": "strings", "lint": LINT_V2,
          "breaking": BREAKING, "plugins": "any_list", "policies": "any_list"}
WORK = {"version": "string", "directories": "strings"}


class SchemaError(ValueError):
    """A config buf's decode refuses: the message names the line."""


def decode_buf_yaml(text: str) -> YamlMap:
    """A buf.yaml's text as buf's strict decode reads it (values normalised, `check_buf_yaml`).
    Raises YamlError (not YAML buf reads) or SchemaError (not a buf.yaml buf accepts), with the line:
    every reader of a buf.yaml reports a malformed one the same way."""
    from workbench.breaking.bufyaml import parse

    data = parse(text)
    check_buf_yaml(data)
    return data  # type: ignore[no-any-return]


def check_buf_yaml(data: Any) -> str:
    """Validate a parsed buf.yaml (normalising its values in place); return its version."""
    version = _version(data, "v2")
    _check_map(data, TOP_V2 if version == "v2" else TOP_V1)
    for holder in [data, *(m for m in data.get("modules") or () if isinstance(m, YamlMap))]:
        name = holder.get("name")
        parts = str(name).split("/")
        if name and (len(parts) != 3 or not all(parts)):
            raise SchemaError(f'line {holder.lines["name"]}: could not parse full name "{name}": must be in the '
                              "form registry/owner/name")
        if name and not 2 <= len(parts[0]) <= 254:
            raise SchemaError(f'line {holder.lines["name"]}: could not parse full name "{name}": registry '
                              f'"{parts[0]}" is not a valid hostname: must be at least 2 and at most 254 characters')
    for dep in data.get("deps") or ():
        if str(dep).count("/") < 2:
            raise SchemaError(f'invalid dep: could not parse reference "{dep}": must be in the form '
                              "registry/owner/name[:ref]")
    return version


def check_buf_work_yaml(data: Any) -> None:
    version = _version(data, "v1")
    if version != "v1":
        raise SchemaError(f"{version} is not supported for buf.work.yaml files")
    _check_map(data, WORK)
    directories = data.get("directories") or []
    if not directories:
        raise SchemaError("directories is empty")
    seen: set[str] = set()
    for d in directories:
        name = str(d).strip("/") or "."
        if name == ".":
            raise SchemaError('directory "." is listed, it is not valid to have "." as a workspace directory')
        if name in seen:
            raise SchemaError(f'directory "{name}" is listed more than once')
        seen.add(name)


def as_bool(value: object) -> bool | None:
    """A value read into a Go bool field: True/False, None when it is no bool at all."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return True if value in TRUE else False if value in FALSE else None
    return None


def _version(data: Any, suggested: str) -> str:
    if not isinstance(data, YamlMap):
        line = getattr(data, "line", 1)
        raise SchemaError(f"line {line}: cannot unmarshal a {'list' if isinstance(data, list) else 'scalar'} "
                          "into the config (expected a mapping at the top level)")
    version = data.get("version")
    if version is None or version == "":
        raise SchemaError(f'"version" is not set. Please add "version: {suggested}"')
    if isinstance(version, (YamlMap, YamlList)):
        raise SchemaError(f"line {data.lines['version']}: cannot unmarshal a "
                          f"{'list' if isinstance(version, list) else 'mapping'} into the version")
    text = data.raw.get("version", str(version))
    if text not in VERSIONS:
        raise SchemaError(f'line {data.lines["version"]}: unknown file version: "{text}"')
    data["version"] = text
    return text


def _check_map(data: YamlMap, schema: dict[str, Any]) -> None:
    for key in list(data):
        line = data.lines.get(key, data.line)
        if key not in schema:
            raise SchemaError(f"line {line}: field {key} not found")
        kind = schema[key]
        value = data[key]
        if value is None:
            continue
        if isinstance(kind, dict):
            if not isinstance(value, YamlMap):
                raise SchemaError(f"line {line}: '{key}' must be a mapping, not {_what(value)}")
            _check_map(value, kind)
        elif kind == "strings":
            data[key] = _strings(value, key, line)
        elif kind == "string":
            if isinstance(value, (YamlMap, YamlList)):
                raise SchemaError(f"line {line}: '{key}' must be a string, not {_what(value)}")
            data[key] = data.raw.get(key, value if isinstance(value, str) else str(value))
        elif kind == "bool":
            flag = as_bool(value)
            if flag is None:
                raise SchemaError(f"line {line}: '{key}' must be true or false, not {_what(value)}")
            data[key] = flag
        elif kind == "ignore_only":
            if not isinstance(value, YamlMap):
                raise SchemaError(f"line {line}: 'ignore_only' must map rule IDs to lists of paths, not {_what(value)}")
            for rule, paths in list(value.items()):
                value[rule] = [] if paths is None else _strings(paths, f"ignore_only.{rule}", value.lines.get(rule, line))
        elif kind == "modules":
            if not isinstance(value, YamlList):
                raise SchemaError(f"line {line}: 'modules' must be a list of mappings, not {_what(value)}")
            for module in value:
                if module is None:
                    continue
                if not isinstance(module, YamlMap):
                    raise SchemaError(f"line {getattr(module, 'line', line)}: each of 'modules' must be a mapping "
                                      f"with a 'path', not {_what(module)}")
                _check_map(module, MODULE_V2)
        elif kind == "any_list" and not isinstance(value, YamlList):
            raise SchemaError(f"line {line}: '{key}' must be a list, not {_what(value)}")


def _strings(value: object, key: str, line: int) -> list[str]:
    if not isinstance(value, YamlList):
        raise SchemaError(f"line {line}: '{key}' must be a list of strings, not {_what(value)}")
    out = []
    for item in value:
        if isinstance(item, (YamlMap, YamlList)):
            raise SchemaError(f"line {getattr(item, 'line', line)}: each of '{key}' must be a string, not {_what(item)}")
        out.append("" if item is None else str(item).lower() if isinstance(item, bool) else str(item))
    return out


def _what(value: object) -> str:
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    return f"the scalar {str(value).lower() if isinstance(value, bool) else value!s}"
