"""Unit tests of the pieces the differential tests cannot isolate: locations, ranges, defaults, catalog."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2 as pb

from workbench.breaking.catalog import BY_VERSION, V2
from workbench.breaking.go_float import go_float as _go_float
from workbench.breaking.rules.build import RULES
from workbench.breaking.rules.ranges import collapse, missing, removed_ranges
from workbench.breaking.schema import find_location
from workbench.contracts.proto_compile import compile_protos

CASES = Path(__file__).parent / "breaking_cases"


@pytest.mark.parametrize("root", [CASES / "repo_base" / "proto", CASES / "field_defaults" / "after",
                                  CASES / "extensions" / "before", CASES / "editions_features" / "after"])
def test_find_location_agrees_with_a_full_index(root: Path) -> None:
    result = compile_protos(root)
    assert result.descriptor_set is not None
    fds = pb.FileDescriptorSet()
    fds.ParseFromString(result.descriptor_set)
    checked = 0
    for f in fds.file:
        data = f.source_code_info.SerializeToString()
        first: dict[tuple[int, ...], list[int]] = {}
        for loc in f.source_code_info.location:
            first.setdefault(tuple(loc.path), list(loc.span))
        for path, span in first.items():
            found = find_location(data, path)
            assert found is not None, path
            expected = (span[0] + 1, span[1] + 1, (span[2] if len(span) == 4 else span[0]) + 1, span[-1] + 1)
            assert (found.line, found.column, found.end_line, found.end_column) == expected, path
            checked += 1
        assert find_location(data, (4, 999)) is None
    assert checked > 20


def test_every_rule_id_has_one_spec_or_is_a_deprecated_alias() -> None:
    for specs in BY_VERSION.values():
        for rule_id, spec in specs.items():
            assert rule_id in RULES or spec.deprecated, rule_id
    assert len([r for r in V2.values() if not r.deprecated]) == 64 == len(RULES)
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule.purpose == V2[rule_id].purpose


def test_no_rule_reads_hidden_state() -> None:
    """Handlers are told their rule by the `emit` they get: no body reads `p.rule` or patches `p.out`."""
    import inspect

    import workbench.breaking.rules as rules_pkg

    folder = Path(inspect.getfile(rules_pkg)).parent
    for source in folder.glob("*.py"):
        text = source.read_text()
        assert "p.rule" not in text and "pair.rule" not in text and "p.out" not in text, source


def test_ranges() -> None:
    assert collapse([(5, 6), (8, 8), (7, 7), (1, 2)]) == [(1, 2), (5, 8)]
    assert missing(5, 10, collapse([(5, 6), (8, 8)])) == [(7, 7), (9, 10)]
    assert missing(1, 3, []) == [(1, 3)]
    assert removed_ranges([(100, 536870911)], [(100, 199)], 536870911) == [("[100,max]", "[200,max]")]
    assert removed_ranges([(1, 1)], [(1, 1)], 10) == []


@pytest.mark.parametrize("value, single, text", [
    (1.5, False, "1.5"), (2.0, False, "2"), (1e6, False, "1e+06"), (123456.0, False, "123456"),
    (1e-5, False, "1e-05"), (0.0001, False, "0.0001"), (math.inf, False, "+Inf"), (math.nan, False, "NaN"),
    (0.1, True, "0.1"), (1234567.0, False, "1.234567e+06"), (1234567.89, False, "1.23456789e+06"),
    (-2.5e-7, False, "-2.5e-07"), (100.0, False, "100"), (0.00012, False, "0.00012"),
])
def test_go_float_formatting(value: float, single: bool, text: str) -> None:
    assert _go_float(value, single) == text


def test_embedded_descriptor_proto_is_the_runtimes() -> None:
    """workbench.breaking.descriptors parses sets with this copy of descriptor.proto instead of
    importing descriptor_pb2; a protobuf upgrade that changes descriptor.proto must refresh it."""
    from google.protobuf import descriptor_pb2

    from workbench.breaking._descriptor_proto import DESCRIPTOR_PROTO
    from workbench.breaking.descriptors import parse_set

    assert DESCRIPTOR_PROTO == descriptor_pb2.DESCRIPTOR.serialized_pb
    original = descriptor_pb2.FileDescriptorSet(file=[descriptor_pb2.FileDescriptorProto(
        name="a.proto", package="p", options=descriptor_pb2.FileOptions(go_package="x"))])
    parsed = parse_set(original.SerializeToString())
    assert parsed.file[0].name == "a.proto" and parsed.file[0].options.HasField("go_package")
    assert parsed.SerializeToString(deterministic=True) == original.SerializeToString(deterministic=True)
