"""buf's `--config` and `--against-config`: a buf.yaml given on the command line, as a file or as
its YAML/JSON data, used in place of the input's own.

buf reads the value as a file when it ends in .yaml, .yml or .json (a missing one is "could not
read file"), else as the data itself; an empty value is no override. The input directory is then
the module (v1) or the workspace (v2: its `modules` paths are relative to the input).
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from workbench.breaking.inputs import Side

FILE_SUFFIXES = (".yaml", ".yml", ".json")


class ConfigFlagError(ValueError):
    """An unreadable --config file: a usage error (exit 2)."""


def read_config_flag(value: str | None, flag: str = "--config") -> tuple[str, str] | None:
    """(how messages name it, its text), or None when no config is given."""
    if not value:
        return None
    if value.endswith(FILE_SUFFIXES):
        try:
            return value, Path(value).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ConfigFlagError(f"could not read file: open {value}: {reason.lower()}") from None
    return flag, as_block_yaml(value)


def as_block_yaml(text: str) -> str:
    """`text` unchanged, or, when it is JSON (buf tries JSON first), the same data as block YAML: the
    buf.yaml reader (`workbench.breaking.bufyaml`) reads buf.yaml's block style, not a JSON document."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text  # not a config: the YAML reader says why, with its line
    return "".join(_block(data, 0))


def _block(value: object, indent: int) -> list[str]:
    import json

    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out += [f"{pad}{json.dumps(key)}:\n", *_block(item, indent + 2)]
            else:
                out.append(f"{pad}{json.dumps(key)}: {json.dumps(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                lines = _block(item, indent + 2)
                out += [f"{pad}- {lines[0].lstrip()}", *lines[1:]]
            else:
                out.append(f"{pad}- {json.dumps(item)}\n")
    return out


def apply_config(side: Side, config: tuple[str, str] | None) -> None:
    """Give `side` the layout `config` defines. Raises LayoutError for a config buf refuses."""
    if config is None or side.layout is None or side.proto_root is None:
        return  # a descriptor set, or a contracts repository (its own workbench.toml layout), keeps its own
    from workbench.breaking.layout import override_layout

    side.layout = override_layout(side.proto_root, *config)
    side.forget_files()
