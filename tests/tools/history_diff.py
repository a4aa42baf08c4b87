"""Differential check of `workbench breaking` against `buf breaking` on real release histories.

Not run by the test suite (it downloads packages and runs for minutes): run it by hand,

    .venv/bin/python tests/tools/history_diff.py [--only SOURCE] [--quick] [--keep] [--lint]

It fetches consecutive released versions of public packages that ship .proto files (npm with
`npm pack`, PyPI sdists with `pip download --no-binary :all:`), cached under /tmp/histories, and for
each consecutive pair (older, newer) lays out a plain buf module the way a user would: the proto root
copied twice, with a buf.yaml (v2, v1, none, v1 `build.excludes`, v2 `ignore`) and a category. In the
newer copy it runs

    buf breaking . --against ../older --error-format json
    workbench breaking . --against ../older --error-format json

(and the same with `--error-format text`) and compares stdout as sets of lines, the exit codes (buf's 100 is the workbench's 1, buf's other
failures its 2) and whether either wrote a traceback. Every mismatch is printed with the lines only
one side printed; the run directory is kept for a repro (`--keep` keeps every run's).

With --lint it runs `buf lint` and `workbench lint` instead, in each release's module (no pairs) under
every LINT_CONFIGS entry (no config, v1/v2 defaults, MINIMAL, COMMENTS and UNARY_RPC, except, ignore,
ignore_only, the rule options, comment ignores allowed and disallowed, v1 excludes).

A subset of a big tree (one googleapis product directory) is laid out with its transitive imports, as
a user copying that directory with its dependencies would.

Not used (session 9 looked): opentelemetry-proto's sdist and npm's @opentelemetry/otlp-transformer
ship generated code, no .proto; @temporalio/proto ships a protobufjs bundle (its protos come from
@temporalio/core-bridge); @google-cloud/pubsub ships its own two files without the google/api they
import; grpcio-health-checking's sdist has no .proto. PyPI's protovalidate sdist ships one test proto importing buf/validate/validate.proto, which
neither it nor npm's @bufbuild/protovalidate ships; xds-protos' sdist builds its protos at install
time; opensearch-protobufs has no sdist past 0.0.2. Session 10 looked at more: @na-ji/pogo-protos and
@hyperledger/fabric-protos ship no .proto, nor do mlflow's sdists; @particle/device-os-protobuf imports
its files from three include roots at once (`nanopb.proto`, `ledger.proto` beside `cloud/describe.proto`),
which no buf module lays out; @dataform/protos imports `protos/core.proto` from files that sit beside it.

Known difference, left as is: protobuf's own google/protobuf/unittest.proto (grpcio-tools 1.66-1.71
sdists) marks an extension `unverified_lazy = true`; protoc 7 (grpcio-tools' compiler) refuses it
("Extensions cannot be marked as unverified_lazy"), buf accepts it. That is why `protobuf-src` (the
whole tree) differs and `protobuf-src-editions` leaves out the files that import unittest.proto.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess  # noqa: S404 - fixed argument lists, no shell
import sys
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CACHE = Path("/tmp/histories")
RUNS = CACHE / "runs"
BIN = Path(sys.executable).parent
IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.M)


@dataclass(frozen=True)
class Source:
    """A package whose releases ship protos: where its proto root sits inside an unpacked release."""

    name: str
    registry: str  # "npm" or "pypi"
    package: str
    versions: tuple[str, ...]
    root: Callable[[Path], Path | None]  # unpacked release -> its proto root
    subsets: tuple[tuple[str, ...], ...] = ((),)  # folders of the root to lay out (with imports); () = whole
    layouts: tuple[str, ...] = ("v2", "v1", "none")
    categories: tuple[str, ...] = ("FILE", "PACKAGE", "WIRE_JSON", "WIRE")
    exclude: str = ""  # a folder for the v1-excludes / v2-ignore layouts
    mutations: tuple[str, ...] = ()  # oddities (MUTATIONS) applied to the last pair, each a run of its own
    prune: bool = False  # drop the files buf refuses to build (test protos meant to fail) and their importers
    whole_tree: bool = True  # with subsets: also the whole tree for the last pairs


def _first_dir_with(pattern: str) -> Callable[[Path], Path | None]:
    """The shallowest folder holding `pattern` (e.g. "google/api"), as a proto root."""
    def find(unpacked: Path) -> Path | None:
        hits = sorted(unpacked.rglob(pattern), key=lambda p: (len(p.parts), str(p)))
        for hit in hits:
            if hit.is_file() or any(hit.glob("*.proto")):
                root = hit
                for _ in Path(pattern).parts:
                    root = root.parent
                return root
        return None
    return find


def _merged(*folders: str) -> Callable[[Path], Path | None]:
    """Several proto roots shipped side by side (e.g. deps/<repository>/<top folder>), merged into one
    folder as a user vendoring them into one module would: each `folders` entry is a path below the
    unpacked release whose last part becomes a top folder of the merged root."""
    def merge(unpacked: Path) -> Path | None:
        dest = unpacked.parent / "merged"
        if (dest / ".merged").exists():
            return dest
        for folder in folders:
            hits = sorted(unpacked.glob(f"**/{folder}"), key=lambda p: len(p.parts))
            if not hits:
                return None
            shutil.copytree(hits[0], dest / Path(folder).name, dirs_exist_ok=True)
        (dest / ".merged").touch()
        return dest
    return merge



GAX_COMMON = ("google/api", "google/cloud", "google/iam", "google/logging", "google/longrunning", "google/rpc",
              "google/type")


def _with_gax(folder: str, gax: str = "5.0.8") -> Callable[[Path], Path | None]:
    """A Google Cloud client's own protos (`folder`, e.g. google/cloud/kms) with the common googleapis
    protos they import (google/api, iam, longrunning, rpc, type, ...) from one google-gax release, merged as
    a user depending on googleapis would have them: the client ships only its own files."""
    own = _first_dir_with(folder)

    def merge(unpacked_dir: Path) -> Path | None:
        dest = unpacked_dir.parent / "merged-gax"
        if (dest / ".merged").exists():
            return dest
        root = own(unpacked_dir)
        gax_dir = unpacked(Source("google-gax", "npm", "google-gax", (gax,), own), gax)
        gax_root = _first_dir_with("google/longrunning")(gax_dir) if gax_dir is not None else None
        if root is None or gax_root is None:
            return None
        for common in GAX_COMMON:
            shutil.copytree(gax_root / common, dest / common, dirs_exist_ok=True)
        for name in proto_files(root):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, dest / name)
        (dest / ".merged").touch()
        return dest
    return merge


SOURCES = [
    Source("google-proto-files", "npm", "google-proto-files",
           ("3.0.3", "4.0.0", "4.2.0", "5.0.0", "5.0.3", "6.0.0", "6.0.1"), _first_dir_with("google/api"),
           subsets=(("google/pubsub",), ("google/cloud/kms",), ("google/spanner",), ("google/firestore",),
                    ("google/cloud/aiplatform/v1",), ("google/cloud/speech",), ("google/logging",),
                    ("google/storage",), ("google/cloud/bigquery/storage",), ()),
           exclude="google/protobuf"),
    Source("googleapis-common-protos", "pypi", "googleapis-common-protos",
           ("1.70.0", "1.72.0", "1.74.0", "1.75.0", "1.76.0"), _first_dir_with("google/api"),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"), exclude="google/rpc",
           mutations=("vendored-wkt", "api-deleted", "files-moved", "options-changed")),
    Source("google-gax", "npm", "google-gax", ("4.4.1", "5.0.8", "6.0.0", "6.17.0"),
           _first_dir_with("google/longrunning"), layouts=("v2", "v1", "none", "v1-excludes"),
           exclude="google/iam"),
    Source("protobufjs", "npm", "protobufjs", ("6.11.4", "7.2.0", "7.5.9", "8.0.0", "8.8.1"),
           _first_dir_with("google/protobuf/descriptor.proto")),
    Source("grpcio-tools", "pypi", "grpcio-tools", ("1.66.0", "1.68.0", "1.71.0", "1.76.0"),
           _first_dir_with("google/protobuf/descriptor.proto"),
           layouts=("v2", "v1", "none", "v1-excludes"), exclude="google/protobuf/compiler"),
    # protobuf's own sources inside grpcio-tools' sdist: editions files, proto2 groups and extensions,
    # unittest protos, and the well-known types themselves vendored inside the module
    Source("protobuf-src", "pypi", "grpcio-tools", ("1.66.0", "1.68.0", "1.71.0", "1.76.0"),
           _first_dir_with("google/protobuf/unittest.proto"),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"), exclude="google/protobuf/compiler",
           mutations=("no-syntax-newer", "no-syntax-both", "package-deleted", "files-moved", "options-changed"),
           prune=True),
    # the same tree's editions and proto2 files that do not import unittest.proto, whose
    # `unverified_lazy` extension protoc 7 refuses and buf accepts (see the report in the docstring)
    Source("protobuf-src-editions", "pypi", "grpcio-tools", ("1.66.0", "1.68.0", "1.71.0", "1.76.0"),
           _first_dir_with("google/protobuf/unittest.proto"),
           subsets=(tuple(f"google/protobuf/{n}.proto" for n in (
               "map_proto3_unittest", "only_one_enum_test", "unittest_arena", "unittest_delimited",
               "unittest_drop_unknown_fields", "unittest_legacy_features", "unittest_lite_edition_2024",
               "unittest_preserve_unknown_enum", "unittest_preserve_unknown_enum2",
               "compiler/java/message_serialization_unittest", "unittest_lazy_dependencies_enum")),
                    tuple(f"google/protobuf/{n}.proto" for n in (
                        "unittest_no_generic_services", "unittest_enormous_descriptor", "util/json_format",
                        "unittest_empty", "compiler/cpp/test_large_enum_value", "descriptor",
                        "compiler/plugin", "util/message_differencer_unittest"))),
           layouts=("v2", "v1", "none"), whole_tree=False, prune=True,
           mutations=("no-syntax-newer", "no-syntax-both", "files-moved", "options-changed", "vendored-wkt")),
    # session 9's held-out sources
    # the Temporal API (temporal/api/**, with google/api and seven well-known types vendored beside it)
    # inside sdk-core's sources that @temporalio/core-bridge ships
    Source("temporal-api", "npm", "@temporalio/core-bridge",
           ("1.8.0", "1.9.0", "1.10.1", "1.11.0", "1.12.0", "1.13.0", "1.14.0"),
           _first_dir_with("temporal/api/enums/v1"),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"), exclude="google",
           mutations=("files-moved", "options-changed", "api-deleted", "scrambled", "scrambled-2",
                      "crlf-tabs-scrambled")),
    # envoy's API with the xds, udpa, validate (protoc-gen-validate) and googleapis trees it imports,
    # shipped side by side under deps/ by @grpc/grpc-js-xds
    Source("grpc-js-xds", "npm", "@grpc/grpc-js-xds", ("1.10.1", "1.13.0", "1.14.0", "1.14.1"),
           _merged("envoy-api/envoy", "googleapis/google", "protoc-gen-validate/validate", "xds/xds", "xds/udpa"),
           subsets=(("envoy/config/cluster/v3",), ("envoy/extensions/filters/http",), ("xds",),
                    ("envoy/service",), ("envoy/type",), ("envoy/config/route/v3",)),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"), exclude="google",
           mutations=("files-moved", "options-changed", "scrambled", "scrambled-2", "crlf-tabs-scrambled"),
           prune=True),
    # Firestore's API (v1, admin v1, the unstable v1beta1) with its own copies of google/api,
    # google/type, google/rpc, google/longrunning and eight well-known types, as the client ships them
    Source("firestore", "npm", "@google-cloud/firestore",
           ("6.8.0", "7.0.0", "7.5.0", "7.11.6", "8.0.0", "8.7.1", "9.4.1"), _first_dir_with("google/firestore/v1"),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore", "v1-unstable", "v2-except"),
           exclude="google/firestore/v1beta1",
           mutations=("scrambled", "scrambled-2", "crlf-tabs-scrambled", "options-changed", "vendored-wkt"),
           prune=True),
    Source("protoc-gen-validate", "pypi", "protoc-gen-validate", ("0.10.1", "1.0.2", "1.0.4", "1.2.1", "1.3.3"),
           _first_dir_with("validate.proto"), mutations=("scrambled", "scrambled-2"), prune=True),
    Source("grpcio-status", "pypi", "grpcio-status", ("1.60.0", "1.70.0", "1.85.3"),
           _first_dir_with("google/rpc/status.proto")),
    # session 10's held-out sources
    # Google Cloud clients: each ships its product's protos (stable and beta versions side by side),
    # merged with the googleapis protos it imports from google-gax (see _with_gax)
    Source("gcloud-kms", "npm", "@google-cloud/kms", ("4.5.0", "5.0.1", "5.4.0", "6.0.0", "6.3.0"),
           _with_gax("google/cloud/kms/v1"), layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"),
           exclude="google/iam", mutations=("scrambled", "crlf-tabs-scrambled", "options-changed")),
    Source("gcloud-tasks", "npm", "@google-cloud/tasks", ("5.5.2", "6.0.1", "6.2.3", "7.0.0", "7.1.0"),
           _with_gax("google/cloud/tasks/v2"),
           layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore", "v1-unstable", "v2-except", "v2-ignore-only"),
           exclude="google/cloud/tasks/v2beta2", mutations=("scrambled", "scrambled-2", "files-moved")),
    Source("gcloud-spanner", "npm", "@google-cloud/spanner", ("7.0.0", "7.10.0", "7.21.0", "8.2.1"),
           _with_gax("google/spanner/v1"), layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore", "v1-unstable"),
           exclude="google/spanner/admin", mutations=("scrambled", "crlf-tabs-scrambled", "vendored-wkt")),
    # Restorecommerce's microservice APIs: io/restorecommerce/** with five vendored well-known types
    Source("restorecommerce", "npm", "@restorecommerce/protos", ("6.8.0", "6.10.0", "6.11.10", "6.13.1", "6.16.1"),
           _first_dir_with("io/restorecommerce"), layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"),
           exclude="google", mutations=("scrambled", "scrambled-2", "crlf-tabs-scrambled", "files-moved"),
           prune=True),
    Source("gcloud-dialogflow", "npm", "@google-cloud/dialogflow", ("6.14.0", "7.0.1", "7.5.0", "7.9.0"),
           _with_gax("google/cloud/dialogflow/v2"),
           subsets=(("google/cloud/dialogflow/v2",), ("google/cloud/dialogflow/v2beta1",)),
           layouts=("v2", "v1", "none", "v1-unstable", "v2-except"), exclude="google/cloud/dialogflow/v2beta1",
           mutations=("scrambled", "options-changed")),
    Source("gcloud-monitoring", "npm", "@google-cloud/monitoring", ("4.1.0", "5.0.1", "5.3.0", "6.0.0", "6.1.1"),
           _with_gax("google/monitoring/v3"), layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore"),
           exclude="google/api", mutations=("scrambled", "scrambled-2", "files-moved")),
    # Datastore: google/datastore/v1 and admin/v1 beside a file at the root (app_engine_key.proto)
    Source("gcloud-datastore", "npm", "@google-cloud/datastore", ("8.7.0", "9.0.0", "9.2.1", "10.1.0"),
           _with_gax("google/datastore/v1"), layouts=("v2", "v1", "none", "v1-excludes", "v2-ignore-only"),
           exclude="google/datastore/admin", mutations=("scrambled", "crlf-tabs-scrambled", "vendored-wkt")),
    # ONNX's proto2 model format: the -ml variant with its operators and data files, and the plain one
    # (both define package onnx's messages, so never in one module; the .in.proto templates left out)
    Source("onnx", "pypi", "onnx", ("1.14.0", "1.15.0", "1.16.0", "1.17.0", "1.18.0"),
           _first_dir_with("onnx/onnx-ml.proto"),
           subsets=(("onnx/onnx-ml.proto", "onnx/onnx-operators-ml.proto", "onnx/onnx-data.proto"),
                    ("onnx/onnx.proto", "onnx/onnx-operators.proto")),
           whole_tree=False, mutations=("no-syntax-newer", "no-syntax-both", "scrambled", "scrambled-2",
                                        "options-changed", "crlf-tabs-scrambled")),
    # lnd's gRPC API (lightning.proto and its sub-servers, no package folders) as `lightning` ships it
    Source("lnd-lightning", "npm", "lightning", ("10.20.1", "10.25.0", "11.0.0", "11.1.0", "12.5.0"),
           _first_dir_with("lightning.proto"), mutations=("scrambled", "scrambled-2", "crlf-tabs-scrambled",
                                                          "options-changed")),
]


# ---------------------------------------------------------------- fetching


def unpacked(source: Source, version: str) -> Path | None:
    """The release unpacked under CACHE (fetched once)."""
    where = CACHE / source.registry / source.package / version
    done = where / ".unpacked"
    if done.exists():
        return where / "x"
    where.mkdir(parents=True, exist_ok=True)
    if source.registry == "npm":
        cmd = ["npm", "pack", f"{source.package}@{version}", "--silent"]
    else:
        # --no-binary for the package alone: its build requirements (maturin, ...) come as wheels
        cmd = [str(BIN / "pip"), "download", "-q", "--no-deps", "--no-binary", source.package, "-d", ".",
               f"{source.package}=={version}"]
    if not [*where.glob("*.tgz"), *where.glob("*.tar.gz")]:
        done_cmd = subprocess.run(cmd, cwd=where, capture_output=True, check=False, timeout=600)  # noqa: S603
        if done_cmd.returncode != 0:
            return None  # no sdist of that version (a wheel-only release): the pair is skipped
    dest = where / "x"
    dest.mkdir(exist_ok=True)
    for archive in [*where.glob("*.tgz"), *where.glob("*.tar.gz")]:
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")
    done.touch()
    return dest


# ---------------------------------------------------------------- laying out a module


def proto_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.proto") if p.is_file())


def closure(root: Path, starts: list[str]) -> set[str]:
    """`starts` and every file they import (transitively) that the root holds."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name in seen or not (root / name).is_file():
            continue
        seen.add(name)
        todo += IMPORT.findall((root / name).read_text(encoding="utf-8", errors="replace"))
    return seen


def copy_subset(root: Path, dest: Path, subset: tuple[str, ...], keep: set[str] | None = None) -> set[str]:
    """Copy the files of `subset` (every file when empty) with their imports; returns the names."""
    if subset:
        starts = [n for n in proto_files(root) if any(n == s or n.startswith(s + "/") for s in subset)]
        names = closure(root, starts) | (keep or set())
    else:
        names = set(proto_files(root))
    for name in sorted(names):
        if not (root / name).is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
    return names


def buf_yaml(layout: str, category: str, exclude: str) -> str | None:
    use = f"breaking:\n  use: [{category}]\n"
    if layout == "v2":
        return "version: v2\n" + use
    if layout == "v1":
        return "version: v1\n" + use
    if layout == "v1-excludes":
        return f"version: v1\nbuild:\n  excludes: [{exclude}]\n" + use
    if layout == "v2-ignore":
        return f"version: v2\n{use}  ignore: [{exclude}]\n"
    if layout == "v1-unstable":
        return f"version: v1\n{use}  ignore_unstable_packages: true\n"
    if layout == "v2-except":
        return f"version: v2\n{use}  except: [FIELD_SAME_JSON_NAME, ENUM_VALUE_NO_DELETE, FIELD_NO_DELETE]\n"
    if layout == "v2-ignore-only":
        return (f"version: v2\n{use}  ignore_only:\n    FIELD_SAME_TYPE: [{exclude}]\n"
                f"    FIELD_NO_DELETE: [{exclude}]\n    FIELD_WIRE_COMPATIBLE_TYPE: [{exclude}]\n")
    return None  # "none": no config, buf's defaults (FILE)


@dataclass
class Run:
    source: str
    pair: str
    subset: str
    layout: str
    category: str
    where: Path
    exact: bool = False
    detail: list[str] = field(default_factory=list)
    seconds: tuple[float, float] = (0.0, 0.0)
    outcome: str = ""  # what buf said: "refused", or how many findings

    @property
    def name(self) -> str:
        parts = self.subset.split(",")
        shown = parts[0] + (f" +{len(parts) - 1} more" if len(parts) > 1 else "") if self.subset else "whole"
        return f"{self.source} {self.pair} [{shown}] {self.layout} {self.category}"


def prune_refused(run_dir: Path) -> None:
    """Delete, from both sides, the files `buf build` refuses on either side, and every file that
    imports them, until both build: a tree of compiler tests holds protos meant to fail."""
    for _ in range(8):
        bad: set[str] = set()
        for side in ("older", "newer"):
            # buf builds a MessageSet but fails to check it ("is a MessageSet, which is a legacy proto1
            # feature that is no longer supported"): no file named, so found by its option
            bad |= {p.relative_to(run_dir / side).as_posix() for p in (run_dir / side).rglob("*.proto")
                    if "message_set_wire_format" in p.read_text(encoding="utf-8", errors="replace")}
            code, _out, err, _s = execute([str(BIN / "buf"), "build", ".", "-o", "/dev/null"], run_dir / side)
            if code != 0:
                bad |= {line.split(":", 1)[0] for line in err.splitlines() if ".proto:" in line}
        if not bad:
            return
        for side in ("older", "newer"):
            root = run_dir / side
            gone = set(bad)
            changed = True
            while changed:
                changed = False
                for path in sorted(root.rglob("*.proto")):
                    rel = path.relative_to(root).as_posix()
                    if rel in gone or set(IMPORT.findall(path.read_text(encoding="utf-8", errors="replace"))) & gone:
                        gone.add(rel)
                        path.unlink()
                        changed = True


def lay_out(run_dir: Path, old_root: Path, new_root: Path, subset: tuple[str, ...], config: str | None) -> None:
    if run_dir.exists():
        shutil.rmtree(run_dir)
    # The newer side's subset decides what is copied; the older side gets the same folders plus the
    # imports its own files need (a file the newer side dropped is still in the older one).
    new_names = copy_subset(new_root, run_dir / "newer", subset)
    copy_subset(old_root, run_dir / "older", subset, keep={n for n in new_names if (old_root / n).is_file()})
    for side in ("older", "newer"):
        (run_dir / side).mkdir(parents=True, exist_ok=True)
        if config is not None:
            (run_dir / side / "buf.yaml").write_text(config)


# ---------------------------------------------------------------- oddities real trees contain


SYNTAX_LINE = re.compile(r'^\s*syntax\s*=\s*"proto2"\s*;[^\n]*\n', re.M)


def _drop_proto2_syntax(older: Path, newer: Path, both: bool) -> None:
    """A file with no syntax line is proto2: dropping the line from proto2 files changes nothing."""
    for side in (older, newer) if both else (newer,):
        for path in sorted(side.rglob("*.proto")):
            text = path.read_text(encoding="utf-8")
            if SYNTAX_LINE.search(text):
                path.write_text(SYNTAX_LINE.sub("", text, count=1), encoding="utf-8")


def _delete_folder(newer: Path, folder: str) -> None:
    """A package deleted between versions (and whatever imported it, so the tree still compiles)."""
    gone = newer / folder
    if not gone.is_dir():
        return
    names = {p.relative_to(newer).as_posix() for p in gone.rglob("*.proto")}
    shutil.rmtree(gone)
    for path in sorted(newer.rglob("*.proto")):
        if set(IMPORT.findall(path.read_text(encoding="utf-8", errors="replace"))) & names:
            path.unlink()


def _move_files(newer: Path, count: int) -> None:
    """Files moved to another folder between versions, same package and contents."""
    for path in sorted(newer.rglob("*.proto"))[:count]:
        rel = path.relative_to(newer).as_posix()
        if any(rel in IMPORT.findall(p.read_text(encoding="utf-8", errors="replace"))
               for p in newer.rglob("*.proto")):
            continue  # imported: moving it would break the importer
        target = newer / "moved" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)


OPTION = re.compile(r'^(option\s+(java_package|go_package|csharp_namespace|objc_class_prefix|java_outer_classname|'
                    r'php_namespace|ruby_package|java_multiple_files|optimize_for|cc_enable_arenas)\s*=\s*)("[^"]*"|[^;"]+);',
                    re.M)


def _change_options(newer: Path) -> None:
    """File options changed: string options get a suffix, booleans flip, optimize_for changes."""
    def changed(m: re.Match[str]) -> str:
        value = m.group(3).strip()
        if value in ("true", "false"):
            value = "false" if value == "true" else "true"
        elif value in ("SPEED", "CODE_SIZE", "LITE_RUNTIME"):
            value = "CODE_SIZE" if value != "CODE_SIZE" else "SPEED"
        elif value.startswith('"'):
            value = value[:-1] + 'X"'
        return f"{m.group(1)}{value};"
    for path in sorted(newer.rglob("*.proto")):
        text = path.read_text(encoding="utf-8")
        new = OPTION.sub(changed, text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def _vendor_wkt(older: Path, newer: Path) -> None:
    """The well-known types copied into the module (as many repositories vendor them), and one of
    them deleted in the newer version."""
    import grpc_tools

    wkt = Path(grpc_tools.__file__).parent / "_proto" / "google" / "protobuf"
    for side in (older, newer):
        for path in sorted(wkt.glob("*.proto")):
            target = side / "google" / "protobuf" / path.name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    for name in ("duration.proto", "empty.proto"):
        gone = newer / "google" / "protobuf" / name
        used = any(f"google/protobuf/{name}" in IMPORT.findall(p.read_text(encoding="utf-8", errors="replace"))
                   for p in newer.rglob("*.proto"))
        if gone.exists() and not used:
            gone.unlink()


FIELD_LINE = re.compile(r"^(\s*)(optional\s+|repeated\s+|required\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(\[[^\n]*\])?\s*;")
VALUE_LINE = re.compile(r"^(\s*)([A-Z][A-Z0-9_]*)\s*=\s*(-?\d+)\s*(\[[^\n]*\])?\s*;")
RPC_LINE = re.compile(r"^(\s*rpc\s+\w+\s*\(\s*)(stream\s+)?")
SWAPS = {"int32": "int64", "int64": "int32", "string": "bytes", "bytes": "string", "uint32": "fixed32",
         "sint64": "int64", "double": "float", "bool": "int32"}


VENDORED = ("google/protobuf/", "google/api/", "google/type/", "google/rpc/", "google/longrunning/")


def _scramble(newer: Path, seed: int) -> None:
    """Edits a release could make, at every few lines of every file, chosen by line: a field deleted,
    renumbered, renamed, given another scalar type, a label (optional, repeated) or a json_name; an
    enum value deleted or renumbered; an RPC made streaming. Files it leaves uncompilable are pruned
    after (prune_refused), so every edit lands in real files with real comments and options."""
    for path in sorted(newer.rglob("*.proto")):
        if path.relative_to(newer).as_posix().startswith(VENDORED):
            continue  # vendored well-known types and googleapis: their importers would all be pruned
        lines = path.read_text(encoding="utf-8").split("\n")
        out: list[str] = []
        in_oneof = False
        for number, line in enumerate(lines):
            if re.match(r"\s*oneof\s+\w+\s*\{", line):
                in_oneof = True
            elif line.strip() == "}":
                in_oneof = False
            pick = zlib.crc32(f"{path.name}:{number}:{seed}".encode()) % 9
            field, value, rpc = FIELD_LINE.match(line), VALUE_LINE.match(line), RPC_LINE.match(line)
            if field and "map<" not in line:
                indent, label, kind, name, tag, options = (field.group(i) or "" for i in range(1, 7))
                if pick == 0 and not in_oneof:
                    continue
                if pick == 1:
                    line = line.replace(f"= {tag}", f"= {int(tag) + 1000}", 1)
                elif pick == 2:
                    line = line.replace(f" {name} ", f" {name}_x ", 1)
                elif pick == 3 and kind in SWAPS:
                    line = line.replace(f"{kind} ", f"{SWAPS[kind]} ", 1)
                elif pick == 4 and not label and not in_oneof:
                    line = f"{indent}repeated {line.lstrip()}"
                elif pick == 5 and label.strip() in ("optional", "repeated") and "syntax = \"proto3\"" in "\n".join(lines):
                    line = line.replace(label, "", 1)
                elif pick == 6 and not options:
                    line = line[: line.rindex(";")] + f' [json_name = "{name}X"];'
            elif value and pick in (0, 1) and not value.group(3) == "0":
                if pick == 0:
                    continue
                line = line.replace(f"= {value.group(3)}", f"= {int(value.group(3)) + 1000}", 1)
            elif rpc and pick in (2, 3):
                line = line.replace(rpc.group(0), rpc.group(1) + ("" if rpc.group(2) else "stream "), 1)
            out.append(line)
        path.write_text("\n".join(out), encoding="utf-8")


def _reformat(newer: Path, crlf: bool, tabs: bool) -> None:
    """A Windows checkout (CRLF line ends) or an editor that indents with tabs (two spaces a tab),
    and a mixed line here and there: the same descriptors, other columns."""
    for path in sorted(newer.rglob("*.proto")):
        lines = path.read_text(encoding="utf-8").split("\n")
        if tabs:
            lines = [("\t" * ((len(line) - len(line.lstrip(" "))) // 2) + line.lstrip(" ")) if i % 5 else
                     (" \t" + line.lstrip(" ") if line.startswith(" ") else line) for i, line in enumerate(lines)]
        path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode("utf-8"))


def _scramble_reformatted(older: Path, newer: Path) -> None:
    """Scrambled, the newer side with CRLF and tabs, the older with tabs: findings' columns on both."""
    _scramble(newer, 3)
    _reformat(newer, crlf=True, tabs=True)
    _reformat(older, crlf=False, tabs=True)


MUTATIONS: dict[str, Callable[[Path, Path], None]] = {
    "crlf-tabs-scrambled": _scramble_reformatted,
    "scrambled": lambda older, newer: _scramble(newer, 1),
    "scrambled-2": lambda older, newer: _scramble(newer, 2),
    "no-syntax-newer": lambda older, newer: _drop_proto2_syntax(older, newer, both=False),
    "no-syntax-both": lambda older, newer: _drop_proto2_syntax(older, newer, both=True),
    "package-deleted": lambda older, newer: _delete_folder(newer, "google/protobuf/util"),
    "api-deleted": lambda older, newer: _delete_folder(newer, "google/api"),
    "files-moved": lambda older, newer: _move_files(newer, 6),
    "options-changed": lambda older, newer: _change_options(newer),
    "vendored-wkt": _vendor_wkt,
}


# ---------------------------------------------------------------- running and comparing


def execute(args: list[str], cwd: Path) -> tuple[int, str, str, float]:
    env_cache = {"BUF_CACHE_DIR": str(CACHE / "buf-cache"), **PYTHONPATH}
    import os

    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, timeout=1800,  # noqa: S603
                          env={**os.environ, **env_cache})
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - start


def output_lines(text: str) -> set[str]:
    return {line for line in text.split("\n") if line.strip()}  # not splitlines: U+0085 stays in a message


PYTHONPATH: dict[str, str] = {}


FORMATS = ["json", "text"]


def compare(run: Run, command: tuple[str, ...] = ("breaking", ".", "--against", "../older")) -> None:
    """buf against the workbench in the newer copy (`breaking` by default), JSON then text."""
    newer = run.where / "newer"
    refused = False
    for fmt in FORMATS:
        args = [*command, "--error-format", fmt]
        b_code, b_out, b_err, b_s = execute([str(BIN / "buf"), *args], newer)
        w_code, w_out, w_err, w_s = execute([str(BIN / "workbench"), *args], newer)
        run.seconds = (run.seconds[0] + b_s, run.seconds[1] + w_s)
        theirs, mine = output_lines(b_out), output_lines(w_out)
        # buf prints compile errors as COMPILE annotations (exit 100; plain lines in text); the workbench
        # prints them in the same forms with exit 2, in protoc's words: the same verdict, other words
        refused = refused or b_code not in (0, 100) or any('"type":"COMPILE"' in line for line in theirs)
        want_code = 2 if refused else {0: 0, 100: 1}[b_code]
        if fmt == "json":
            run.outcome = "refused" if refused else f"{len(theirs)} findings"
        if refused:
            # both print the errors (COMPILE annotations on stdout since s9-compile2), buf in its
            # compiler's words and the workbench in protoc's: compared as the verdict
            theirs = mine = set()
        if w_code != want_code:
            run.detail.append(f"{fmt} exit: buf {b_code} -> want {want_code}, workbench {w_code}")
        if "Traceback" in w_err:
            run.detail.append("workbench traceback: " + w_err.strip().splitlines()[-1])
        if refused and w_code != 2:
            run.detail.append(f"buf refused ({b_code}): {(b_err.strip() or b_out.strip())[:300]}")
            if w_code == 2:
                run.detail.append(f"  workbench: {w_err.strip()[:300]}")
        for line in sorted(theirs - mine):
            run.detail.append(f"only buf ({fmt}):       " + line)
        for line in sorted(mine - theirs):
            run.detail.append(f"only workbench ({fmt}): " + line)
        if run.detail:
            return
    run.exact = True


MUTATION_MATRIX = (("v2", "FILE"), ("v2", "WIRE_JSON"), ("v2", "WIRE"), ("v1", "PACKAGE"), ("none", "FILE"),
                   ("v1-unstable", "FILE"), ("v2-except", "PACKAGE"), ("v2-ignore-only", "WIRE_JSON"))


def matrix(source: Source) -> list[tuple[str, str]]:
    """(layout, category) runs for one pair: every category under v2, FILE (and PACKAGE for the
    layouts that hide a folder) under the others."""
    out = []
    for layout in source.layouts:
        if layout == "v2":
            out += [(layout, c) for c in source.categories]
        elif layout in ("v1-excludes", "v2-ignore", "v1-unstable", "v2-except", "v2-ignore-only"):
            out += [(layout, "FILE"), (layout, "PACKAGE")]
        else:
            out.append((layout, "FILE"))
    return out


def runs_for(source: Source, quick: bool) -> Iterator[tuple[Run, Callable[[], None]]]:
    versions = source.versions
    parts = [s for s in source.subsets if s]
    for index, (older, newer) in enumerate(zip(versions, versions[1:], strict=False)):
        old_dir, new_dir = unpacked(source, older), unpacked(source, newer)
        old_root = source.root(old_dir) if old_dir is not None else None
        new_root = source.root(new_dir) if new_dir is not None else None
        if old_root is None or new_root is None:
            print(f"  {source.name} {older}..{newer}: no proto root", file=sys.stderr)
            continue
        chosen: list[tuple[str, ...]] = [()]
        runs = matrix(source)
        if parts:
            # a big tree: two of its folders per pair, turn about, and the whole tree for the last
            # two pairs under a few layouts (it takes a while)
            chosen = [parts[(2 * index) % len(parts)], parts[(2 * index + 1) % len(parts)]][: 1 if quick else 2]
            if index >= len(versions) - 3 and not quick and source.whole_tree:
                chosen.append(())
        for i, subset in enumerate(chosen):
            # the whole of a big tree vendors protobuf's own sources, test protos buf refuses among
            # them: excluded, as a user would (imports of google/protobuf/ then find buf's copy)
            pairs = runs if subset or not parts else [("v1-excludes", "FILE"), ("v1-excludes", "PACKAGE")]
            for layout, category in pairs:
                tag = f"{older}..{newer}"
                where = RUNS / source.name / f"{tag}-{i}-{layout}-{category}"
                run = Run(source.name, tag, ",".join(subset), layout, category, where)
                config = buf_yaml(layout, category, source.exclude)

                def prepare(run: Run = run, old: Path = old_root, new: Path = new_root,
                            subset: tuple[str, ...] = subset, config: str | None = config) -> None:
                    lay_out(run.where, old, new, subset, config)
                    if source.prune:
                        prune_refused(run.where)
                yield run, prepare
        if newer != versions[-1]:
            continue
        for mutation in source.mutations:
            subset = parts[0] if parts else ()
            for layout, category in MUTATION_MATRIX:
                tag = f"{older}..{newer}+{mutation}"
                where = RUNS / source.name / f"{tag}-{layout}-{category}"
                run = Run(source.name, tag, ",".join(subset), layout, category, where)
                config = buf_yaml(layout, category, source.exclude)

                def mutated(run: Run = run, old: Path = old_root, new: Path = new_root,
                            subset: tuple[str, ...] = subset, config: str | None = config,
                            mutate: Callable[[Path, Path], None] = MUTATIONS[mutation],
                            mutation: str = mutation) -> None:
                    lay_out(run.where, old, new, subset, config)
                    if source.prune:
                        prune_refused(run.where)
                    mutate(run.where / "older", run.where / "newer")
                    if "scrambled" in mutation:
                        prune_refused(run.where)
                yield run, mutated


# ---------------------------------------------------------------- lint on each release

LINT_CONFIGS: dict[str, str | None] = {
    "none": None,
    "v2-default": "version: v2\n",
    "v1-default": "version: v1\nlint:\n  use: [DEFAULT]\n",
    "v1-minimal": "version: v1\nlint:\n  use: [MINIMAL]\n",
    "v2-basic-comments": "version: v2\nlint:\n  use: [BASIC, COMMENTS]\n",
    "v2-all": "version: v2\nlint:\n  use: [STANDARD, COMMENTS, UNARY_RPC, PACKAGE_NO_IMPORT_CYCLE]\n",
    "v1-all-options": ("version: v1\nlint:\n  use: [DEFAULT, COMMENTS, UNARY_RPC]\n"
                       "  except: [PACKAGE_VERSION_SUFFIX, FIELD_LOWER_SNAKE_CASE]\n"
                       "  enum_zero_value_suffix: _UNKNOWN\n  service_suffix: API\n"
                       "  rpc_allow_same_request_response: true\n  rpc_allow_google_protobuf_empty_requests: true\n"
                       "  rpc_allow_google_protobuf_empty_responses: true\n  allow_comment_ignores: true\n"
                       "  ignore: [{exclude}]\n"),
    "v2-ignore-only": ("version: v2\nlint:\n  use: [STANDARD, COMMENTS]\n  disallow_comment_ignores: true\n"
                       "  ignore_only:\n    ENUM_VALUE_PREFIX: [{exclude}]\n    COMMENT_FIELD: [{exclude}]\n"
                       "    PACKAGE_DIRECTORY_MATCH: [{exclude}]\n"),
    "v1-excludes": "version: v1\nbuild:\n  excludes: [{exclude}]\nlint:\n  use: [DEFAULT, COMMENTS]\n",
    "v2-every-rule": "version: v2\nlint:\n  use: [{every}]\n",
}
EVERY_LINT_RULE = (
    "DIRECTORY_SAME_PACKAGE PACKAGE_DEFINED PACKAGE_DIRECTORY_MATCH PACKAGE_NO_IMPORT_CYCLE PACKAGE_SAME_DIRECTORY"
    " ENUM_FIRST_VALUE_ZERO ENUM_NO_ALLOW_ALIAS ENUM_PASCAL_CASE ENUM_VALUE_UPPER_SNAKE_CASE FIELD_LOWER_SNAKE_CASE"
    " FIELD_NOT_REQUIRED IMPORT_NO_PUBLIC IMPORT_USED MESSAGE_PASCAL_CASE ONEOF_LOWER_SNAKE_CASE"
    " PACKAGE_LOWER_SNAKE_CASE PACKAGE_SAME_CSHARP_NAMESPACE PACKAGE_SAME_GO_PACKAGE PACKAGE_SAME_JAVA_MULTIPLE_FILES"
    " PACKAGE_SAME_JAVA_PACKAGE PACKAGE_SAME_PHP_NAMESPACE PACKAGE_SAME_RUBY_PACKAGE PACKAGE_SAME_SWIFT_PREFIX"
    " RPC_PASCAL_CASE SERVICE_PASCAL_CASE SYNTAX_SPECIFIED ENUM_VALUE_PREFIX ENUM_ZERO_VALUE_SUFFIX"
    " FILE_LOWER_SNAKE_CASE PACKAGE_VERSION_SUFFIX PROTOVALIDATE RPC_REQUEST_RESPONSE_UNIQUE"
    " RPC_REQUEST_STANDARD_NAME RPC_RESPONSE_STANDARD_NAME SERVICE_SUFFIX COMMENT_ENUM COMMENT_ENUM_VALUE"
    " COMMENT_FIELD COMMENT_MESSAGE COMMENT_ONEOF COMMENT_RPC COMMENT_SERVICE RPC_NO_CLIENT_STREAMING"
    " RPC_NO_SERVER_STREAMING STABLE_PACKAGE_NO_IMPORT_UNSTABLE").split()
DECLARATION = re.compile(r"^(\s*)(message|enum|service|rpc|oneof|optional|repeated|string|int32|int64|bool|bytes|"
                         r"package|import|syntax|edition|option|extend|map|reserved|"
                         r"[A-Z][A-Za-z0-9_.]*\s+\w+\s*=|[A-Z][A-Z0-9_]*\s*=)\b")


def _insert_ignores(newer: Path, seed: int) -> None:
    """`buf:lint:ignore` comments above declarations of real files, in every form buf reads and some
    it does not: a line comment, a block comment, one among other comment lines, a trailing comment,
    a rule ID in lower case, two IDs on one line. The rule is drawn from every lint rule."""
    for path in sorted(newer.rglob("*.proto")):
        if path.relative_to(newer).as_posix().startswith(VENDORED):
            continue
        out: list[str] = []
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
            match = DECLARATION.match(line)
            if match is None:
                out.append(line)
                continue
            draw = zlib.crc32(f"{path.name}:{number}:{seed}".encode())
            rule, other = EVERY_LINT_RULE[draw % 45], EVERY_LINT_RULE[(draw // 45) % 45]
            indent = match.group(1)
            form = (draw // 2025) % 8
            if form == 0:
                out.append(f"{indent}// buf:lint:ignore {rule}")
            elif form == 1:
                out.append(f"{indent}/* buf:lint:ignore {rule} */")
            elif form == 2:
                out += [f"{indent}// Documented.", f"{indent}// buf:lint:ignore {rule}", f"{indent}// More."]
            elif form == 3:
                line += f" // buf:lint:ignore {rule}"
            elif form == 4:
                out.append(f"{indent}// buf:lint:ignore {rule.lower()}")
            elif form == 5:
                out.append(f"{indent}// buf:lint:ignore {rule} {other}")
            elif form == 6:
                out += [f"{indent}// buf:lint:ignore {rule}", "", f"{indent}// buf:lint:ignore {other}"]
            out.append(line)
        path.write_text("\n".join(out), encoding="utf-8")


LINT_MUTATIONS: dict[str, Callable[[Path], None]] = {
    "crlf-tabs": lambda newer: _reformat(newer, crlf=True, tabs=True),
    "tabs": lambda newer: _reformat(newer, crlf=False, tabs=True),
    "ignores": lambda newer: _insert_ignores(newer, 1),
    "ignores-2": lambda newer: _insert_ignores(newer, 2),
    "scrambled": lambda newer: _scramble(newer, 1),
}


def lint_runs_for(source: Source, quick: bool) -> Iterator[tuple[Run, Callable[[], None]]]:
    """`buf lint` against `workbench lint` in each release's module (a subset of a big tree, turn
    about), under every LINT_CONFIGS entry, text and JSON."""
    parts = [s for s in source.subsets if s]
    for index, version in enumerate(source.versions):
        unpacked_dir = unpacked(source, version)
        root = source.root(unpacked_dir) if unpacked_dir is not None else None
        if root is None:
            continue
        subset = parts[index % len(parts)] if parts else ()
        configs = list(LINT_CONFIGS)[:3] if quick else list(LINT_CONFIGS)
        mutations = [""] + (list(LINT_MUTATIONS) if version == source.versions[-1] else [])
        for mutation, name in ((m, n) for m in mutations for n in configs):
            if mutation and name not in ("none", "v1-default", "v1-all-options", "v2-every-rule", "v2-all"):
                continue
            config = LINT_CONFIGS[name]
            tag = f"{version}+{mutation}" if mutation else version
            where = RUNS / f"{source.name}-lint" / f"{tag}-{name}"
            run = Run(source.name, tag, ",".join(subset), name, "lint", where)

            def prepare(run: Run = run, root: Path = root, subset: tuple[str, ...] = subset,
                        config: str | None = config, mutation: str = mutation) -> None:
                if run.where.exists():
                    shutil.rmtree(run.where)
                copy_subset(root, run.where / "newer", subset)
                copy_subset(root, run.where / "older", subset)
                if config is not None:
                    (run.where / "newer" / "buf.yaml").write_text(
                        config.format(exclude=source.exclude or "x", every=", ".join(EVERY_LINT_RULE)))
                if source.prune:
                    prune_refused(run.where)
                if mutation:
                    LINT_MUTATIONS[mutation](run.where / "newer")
                    prune_refused(run.where)
            yield run, prepare


def compare_lint(run: Run) -> None:
    compare(run, ("lint", "."))


def _pair_index(source: Source, pair: str) -> int:
    """Where a run's (newer) release stands in the source's history."""
    return source.versions.index(pair.split("+")[0].split("..")[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="source names to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="two subsets per pair at most")
    parser.add_argument("--whole-only", action="store_true", help="only the whole-tree runs of big trees")
    parser.add_argument("--mutations-only", action="store_true", help="only the oddity runs (MUTATIONS)")
    parser.add_argument("--lint", action="store_true", help="lint each release (LINT_CONFIGS), not breaking")
    parser.add_argument("--all-formats", action="store_true", help="msvs and github-actions too")
    parser.add_argument("--keep", action="store_true", help="keep every run's directory, not only mismatches")
    parser.add_argument("--last-pairs", type=int, help="only the last N pairs of each source (lint: releases)")
    parser.add_argument("--mutation-runs", type=int, help="only the first N (layout, category) runs of each mutation")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--pythonpath", help="run the workbench from this source tree (e.g. an older commit's)")
    opts = parser.parse_args()
    results: list[Run] = []
    if opts.all_formats:
        FORMATS.extend(["msvs", "github-actions"])
    if opts.pythonpath:
        PYTHONPATH["PYTHONPATH"] = opts.pythonpath
    for source in SOURCES:
        if opts.only and source.name not in opts.only:
            continue
        print(f"== {source.name}", flush=True)
        generated = lint_runs_for(source, opts.quick) if opts.lint else runs_for(source, opts.quick)
        for run, prepare in generated:
            if opts.mutations_only and "+" not in run.pair:
                continue
            if opts.whole_only and (run.subset or not source.subsets[0]):
                continue
            if opts.last_pairs and _pair_index(source, run.pair) < len(source.versions) - opts.last_pairs:
                continue
            if opts.mutation_runs and "+" in run.pair and not opts.lint and \
                    (run.layout, run.category) not in MUTATION_MATRIX[: opts.mutation_runs]:
                continue
            prepare()
            (compare_lint if opts.lint else compare)(run)
            results.append(run)
            mark = "ok  " if run.exact else "DIFF"
            print(f"{mark} {run.name}: {run.outcome}  (buf {run.seconds[0]:.1f}s, workbench {run.seconds[1]:.1f}s)",
                  flush=True)
            for line in run.detail[:40]:
                print("     " + line, flush=True)
            if run.exact and not opts.keep:
                shutil.rmtree(run.where, ignore_errors=True)
    exact = sum(r.exact for r in results)
    print(f"\n{exact} of {len(results)} runs exact")
    if opts.json:
        opts.json.write_text(json.dumps([{"run": r.name, "exact": r.exact, "outcome": r.outcome, "detail": r.detail,
                                          "dir": str(r.where)} for r in results], indent=1))
    return 0 if exact == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
