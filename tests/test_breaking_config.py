"""buf.yaml handling: rule selection (v1beta1, v1, v2, categories, deprecated IDs) and ignores,
checked against buf itself where buf can tell (`buf config ls-breaking-rules`, `buf breaking --config`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from skips import need_tool

from workbench.breaking.bufcli import buf_executable, run_buf
from workbench.breaking.bufyaml import YamlError, parse
from workbench.breaking.config import ConfigError, find_config, load_config
from workbench.breaking.inputs import Side, compile_sides
from workbench.breaking.proto_diff import diff_sets

CASES = Path(__file__).parent / "breaking_cases"
needs_buf = pytest.mark.usefixtures("_buf_installed")


@pytest.fixture(scope="module")
def _buf_installed() -> None:
    need_tool(buf_executable(), "buf-bin is not installed: pip install -e '.[test]'")


def to_yaml(config: dict[str, object]) -> str:
    """Block-style YAML as people write buf.yaml (our parser must read it, buf reads the JSON)."""
    lines = [f"version: {config['version']}"]
    breaking = config.get("breaking") or {}
    if breaking:
        lines.append("breaking:")
    for key, value in breaking.items():  # type: ignore[union-attr]
        if isinstance(value, list):
            lines.append(f"  {key}:")
            lines += [f"    - {v}  # comment" for v in value]
        elif isinstance(value, dict):
            lines.append(f"  {key}:")
            for k, paths in value.items():
                lines.append(f"    {k}:")
                lines += [f"      - {p}" for p in paths]
        else:
            lines.append(f"  {key}: {str(value).lower()}")
    return "\n".join(lines) + "\n"


SELECTIONS = [
    {"version": "v2"},
    {"version": "v1"},
    {"version": "v1beta1"},
    {"version": "v2", "breaking": {"use": ["WIRE"], "except": ["FIELD_SAME_ONEOF"]}},
    {"version": "v2", "breaking": {"use": ["WIRE_JSON", "FIELD_SAME_JSTYPE"]}},
    {"version": "v2", "breaking": {"use": ["PACKAGE"]}},
    {"version": "v1", "breaking": {"use": ["FIELD_SAME_LABEL", "FILE_SAME_JAVA_STRING_CHECK_UTF8"]}},
    {"version": "v1beta1", "breaking": {"use": ["FIELD_SAME_LABEL", "FIELD_SAME_CTYPE"]}},
    {"version": "v1", "breaking": {"use": ["FILE"], "except": ["FIELD_SAME_LABEL"]}},
    {"version": "v2", "breaking": {"use": ["FILE", "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT"]}},
]


@needs_buf
@pytest.mark.parametrize("config", SELECTIONS, ids=lambda c: json.dumps(c, sort_keys=True))
def test_rule_selection_matches_buf(config: dict[str, object]) -> None:
    done = subprocess.run(
        [str(buf_executable()), "config", "ls-breaking-rules", "--configured-only", "--config", json.dumps(config),
         "--format", "json"], capture_output=True, text=True, check=True)
    theirs = sorted(json.loads(line)["id"] for line in done.stdout.splitlines() if line.strip())
    assert load_config(to_yaml(config)).rule_ids() == theirs


IGNORES = [
    {"version": "v2", "breaking": {"use": ["FILE", "PACKAGE"], "ignore_unstable_packages": True}},
    {"version": "v2", "breaking": {"use": ["FILE", "WIRE"], "ignore": ["foo/v1beta1"]}},
    {"version": "v1", "breaking": {"use": ["FILE"], "ignore_only": {"FIELD_SAME_TYPE": ["foo/v1/stable.proto"],
                                                                    "WIRE_JSON": ["bar"]}}},
    {"version": "v2", "breaking": {"use": ["FILE"], "ignore_only": {"FILE": ["foo"]}}},
]


@needs_buf
@pytest.mark.parametrize("config", IGNORES, ids=lambda c: json.dumps(c, sort_keys=True))
def test_ignores_match_buf(config: dict[str, object]) -> None:
    before, after = CASES / "unstable_packages" / "before", CASES / "unstable_packages" / "after"
    b, a = Side("b", "b", proto_root=before), Side("a", "a", proto_root=after)
    compile_sides(b, a)
    assert b.fds is not None and a.fds is not None
    ours = sorted((c.rule, c.file, c.line, c.column)
                  for c in diff_sets(b.fds, a.fds, load_config(to_yaml(config)), b.targets, a.targets))
    theirs = sorted((f.rule, f.path, f.line, f.column) for f in run_buf(after, before, config))
    assert ours == theirs
    assert ours  # each config still leaves something, so the ignore really filtered


def test_yaml_subset() -> None:
    text = """# buf.yaml
version: v2
modules:
  - path: proto
    breaking:
      use: [FILE, "WIRE"]
breaking:
  use:
    - PACKAGE
  ignore_unstable_packages: true
"""
    assert parse(text) == {
        "version": "v2",
        "modules": [{"path": "proto", "breaking": {"use": ["FILE", "WIRE"]}}],
        "breaking": {"use": ["PACKAGE"], "ignore_unstable_packages": True},
    }
    with pytest.raises(YamlError):
        parse("version: v2\n  oops: [\n")


def test_v2_module_section_wins(tmp_path: Path) -> None:
    (tmp_path / "buf.yaml").write_text(
        "version: v2\nmodules:\n  - path: proto\n    breaking:\n      use: [WIRE]\nbreaking:\n  use: [FILE]\n")
    config = find_config(tmp_path / "nowhere", tmp_path, module_path="proto")
    assert config.use == ["WIRE"] and config.version == "v2"
    assert find_config(tmp_path / "nowhere").use == ["FILE"]  # no buf.yaml: buf's default


@pytest.mark.parametrize("text, message", [
    ("version: v9\n", 'line 1: unknown file version: "v9"'),
    ("breaking:\n  use: [FILE]\n", '"version" is not set'),  # buf.yaml needs one, as buf's decode says
    ("version: v2\nbreaking:\n  use: [FILE]\n  fields: 1\n", "line 4: field fields not found"),
    ("version: v2\nbreaking:\n  use: [NOT_A_RULE]\n", "\"NOT_A_RULE\" is not a known rule or category ID"),
    ("version: v2\nbreaking:\n  use: {a: b}\n", "must be a list"),
    ("- just\n- a list\n", "mapping at the top level"),
])
def test_bad_config_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(text, "buf.yaml")
