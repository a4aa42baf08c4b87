"""The repository as one typed model: config, protos, migrations, the schema they define, fixtures.

Loading never raises on bad input: every problem becomes a finding with its location, and
whatever could be loaded is still there (a proto that does not compile leaves `protos` empty
but migrations and fixtures loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.contracts.config import Config
from workbench.contracts.fixture_files import Fixture
from workbench.contracts.layer_mapping import table_for
from workbench.contracts.migration_files import Migration
from workbench.contracts.migration_schema import SqlSchema, Table
from workbench.contracts.proto_model import ProtoMessage, ProtoModel
from workbench.findings import Finding


@dataclass
class Model:
    root: Path
    config: Config
    protos: ProtoModel
    descriptor_set: bytes | None
    migrations: list[Migration]
    schema: SqlSchema
    fixtures: list[Fixture]
    findings: list[Finding] = field(default_factory=list)  # load-time findings
    timings: dict[str, float] = field(default_factory=dict)
    # The PostgreSQL version migrations are linted for ("17.2"); "" = the embedded server's.
    # `workbench check` sets it from the server it tries the migrations on.
    pg_version: str = ""

    @property
    def entities(self) -> list[ProtoMessage]:
        excluded = self.config.mapping.exclude_messages
        return [m for m in self.protos.messages if m.name not in excluded]

    def table_name(self, message: ProtoMessage) -> str:
        return table_for(message.name, self.config.mapping)

    def table_of(self, message: ProtoMessage) -> Table | None:
        return self.schema.table(self.table_name(message))

    def fixture_for(self, table: str) -> Fixture | None:
        return next((f for f in self.fixtures if f.table == table), None)

    def entity_tables(self) -> tuple[tuple[str, str], ...]:
        """(table, message) for every entity: what checks that name entities depend on."""
        return tuple((self.table_name(m), m.name) for m in self.entities)

    def entity_for_table(self, table: str) -> ProtoMessage | None:
        return next((m for m in self.entities if self.table_name(m) == table), None)


def load_protos(root: Path, config: Config) -> tuple[ProtoModel, bytes | None, list[Finding]]:
    from workbench.contracts.proto_compile import compile_protos
    from workbench.contracts.proto_model import build_model, encoding_finding

    proto_root = root / config.proto_dir
    prefix = config.proto_dir.rstrip("/") + "/"
    if not proto_root.is_dir():
        return ProtoModel(), None, []
    result = compile_protos(proto_root, rel_prefix=prefix)
    model = build_model(result.descriptor_set, prefix) if result.descriptor_set else ProtoModel()
    findings = list(result.findings)
    for path in sorted(proto_root.rglob("*.proto")):
        rel = prefix + path.relative_to(proto_root).as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            continue
        model.sources[rel] = data.decode("utf-8", "replace")
        bad = encoding_finding(rel, data)
        if bad is not None:
            findings.append(bad)
    return model, result.descriptor_set, findings

