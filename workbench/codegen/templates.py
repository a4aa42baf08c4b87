"""Source text of the small Go and JavaScript programs that verify generated code.

Kept as Python strings (not package data files) so an installed workbench always has them.
Both programs speak the case/result line protocol of `workbench.codegen.cases`.
"""

from __future__ import annotations

import json


def go_mod(protobuf_version: str, protobuf_src: str, mods: dict[str, str]) -> str:
    """Offline module: protobuf replaced by the Debian source folder, each generated package a
    local module under its real import path (so generated packages that import each other build).
    """
    requires = [f"\tgoogle.golang.org/protobuf {protobuf_version}"]
    replaces = [f"replace google.golang.org/protobuf => {protobuf_src}"]
    for path, folder in sorted(mods.items()):
        requires.append(f"\t{path} v0.0.0")
        replaces.append(f"replace {path} => ./{folder}")
    return ("module workbench.local/verify\n\ngo 1.19\n\nrequire (\n" + "\n".join(requires) + "\n)\n\n"
            + "\n".join(replaces) + "\n")


def go_main(packages: list[str]) -> str:
    imports = "\n".join(f'\t_ "{p}"' for p in packages)
    return _GO_MAIN.replace("\t// GENERATED PACKAGES\n", imports + "\n")


_GO_MAIN = """// Round-trips seed rows through the generated Go types with protojson (strict).
package main

import (
\t"bufio"
\t"encoding/json"
\t"fmt"
\t"os"

\t"google.golang.org/protobuf/encoding/protojson"
\t"google.golang.org/protobuf/proto"
\t"google.golang.org/protobuf/reflect/protoreflect"
\t"google.golang.org/protobuf/reflect/protoregistry"
\t// GENERATED PACKAGES
)

type testCase struct {
\tCase int             `json:"case"`
\tType string          `json:"type"`
\tJSON json.RawMessage `json:"json"`
}

type result struct {
\tCase   int               `json:"case"`
\tJSON   json.RawMessage   `json:"json,omitempty"`
\tError  string            `json:"error,omitempty"`
\tFields map[string]string `json:"fields,omitempty"`
}

func parse(mt protoreflect.MessageType, data []byte) (proto.Message, error) {
\tm := mt.New().Interface()
\treturn m, protojson.UnmarshalOptions{}.Unmarshal(data, m)
}

func check(c testCase) result {
\tmt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(c.Type))
\tif err != nil {
\t\treturn result{Case: c.Case, Error: "unknown message type " + c.Type}
\t}
\tm, err := parse(mt, c.JSON)
\tif err != nil {
\t\tr := result{Case: c.Case, Error: err.Error(), Fields: map[string]string{}}
\t\tvar obj map[string]json.RawMessage
\t\tif json.Unmarshal(c.JSON, &obj) == nil {
\t\t\tfor k, v := range obj {
\t\t\t\tone, _ := json.Marshal(map[string]json.RawMessage{k: v})
\t\t\t\tif _, e := parse(mt, one); e != nil {
\t\t\t\t\tr.Fields[k] = e.Error()
\t\t\t\t}
\t\t\t}
\t\t}
\t\treturn r
\t}
\tout, err := protojson.Marshal(m)
\tif err != nil {
\t\treturn result{Case: c.Case, Error: "protojson.Marshal: " + err.Error()}
\t}
\treturn result{Case: c.Case, JSON: out}
}

func main() {
\tif len(os.Args) != 2 {
\t\tfmt.Fprintln(os.Stderr, "usage: verify CASES.jsonl")
\t\tos.Exit(2)
\t}
\tin, err := os.Open(os.Args[1])
\tif err != nil {
\t\tfmt.Fprintln(os.Stderr, err)
\t\tos.Exit(2)
\t}
\tdefer in.Close()
\tscanner := bufio.NewScanner(in)
\tscanner.Buffer(make([]byte, 1<<20), 1<<30)
\tw := bufio.NewWriter(os.Stdout)
\tenc := json.NewEncoder(w)
\tfor scanner.Scan() {
\t\tif len(scanner.Bytes()) == 0 {
\t\t\tcontinue
\t\t}
\t\tvar c testCase
\t\tif err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
\t\t\tfmt.Fprintln(os.Stderr, "bad case line:", err)
\t\t\tos.Exit(2)
\t\t}
\t\tif err := enc.Encode(check(c)); err != nil {
\t\t\tfmt.Fprintln(os.Stderr, err)
\t\t\tos.Exit(2)
\t\t}
\t}
\tif err := scanner.Err(); err != nil {
\t\tfmt.Fprintln(os.Stderr, err)
\t\tos.Exit(2)
\t}
\tw.Flush()
}
"""


def ts_config(files: list[str]) -> str:
    config = {
        "compilerOptions": {
            "strict": True,
            "target": "ES2022",
            "lib": ["ES2022"],
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "rootDir": ".",
            "outDir": "build",
            "noEmitOnError": True,
            "skipLibCheck": True,  # the runtime's own .d.ts are not ours to check
            "types": [],
        },
        "files": files,
    }
    return json.dumps(config, indent=2) + "\n"


def ts_verify(modules: list[str]) -> str:
    imports = "\n".join(f"import * as g{i} from {json.dumps(m)};" for i, m in enumerate(modules))
    names = ", ".join(f"g{i}" for i in range(len(modules)))
    return _TS_VERIFY.replace("// GENERATED IMPORTS", imports).replace("/* MODULES */", names)


_TS_VERIFY = """// Round-trips seed rows through the generated TypeScript types with fromJson (strict).
import { readFileSync } from "node:fs";
import { createRegistry, fromJson, toJson } from "@bufbuild/protobuf";
// GENERATED IMPORTS

const files = [];
for (const mod of [/* MODULES */]) {
  for (const value of Object.values(mod)) {
    if (value && typeof value === "object" && value.kind === "file") files.push(value);
  }
}
const registry = createRegistry(...files);

function parse(desc, json) {
  return fromJson(desc, json, { registry, ignoreUnknownFields: false });
}

const out = [];
for (const line of readFileSync(process.argv[2], "utf8").split("\\n")) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  const desc = registry.getMessage(c.type);
  if (!desc) {
    out.push(JSON.stringify({ case: c.case, error: "unknown message type " + c.type }));
    continue;
  }
  try {
    const msg = parse(desc, c.json);
    out.push(JSON.stringify({ case: c.case, json: toJson(desc, msg, { registry }) }));
  } catch (err) {
    const fields = {};
    if (c.json && typeof c.json === "object" && !Array.isArray(c.json)) {
      for (const [k, v] of Object.entries(c.json)) {
        try {
          parse(desc, { [k]: v });
        } catch (one) {
          fields[k] = String(one && one.message ? one.message : one);
        }
      }
    }
    out.push(JSON.stringify({ case: c.case, error: String(err && err.message ? err.message : err), fields }));
  }
}
process.stdout.write(out.join("\\n") + "\\n");
"""
