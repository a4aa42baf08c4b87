"""Finding one message's generated type in generated source (the TUI's Generated tab).

Each generator has a fixed layout, so a line-based scan is enough and stays fast on big files:
- Go (protoc-gen-go): `type Order_Item struct {` ... `}` with the doc comment above;
- TypeScript (protoc-gen-es v2): `export type Order_Item = Message<"pkg.Order.Item"> & {` ... `};`
  with its JSDoc above;
- Python stubs (mypy-protobuf): `class Item(google.protobuf.message.Message):` (nested classes
  indented inside their parent) with decorators above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LANGUAGE_OF_SUFFIX = {".go": "go", ".ts": "typescript", ".py": "python", ".pyi": "python"}


@dataclass(frozen=True)
class Snippet:
    file: str  # relative to the language folder
    text: str
    first_line: int  # 1-based line of `text` in the file
    language: str  # for highlighting: "go", "typescript", "python"


def local_name(full_name: str, package: str) -> str:
    """`pkg.v1.Order.Item` -> `Order.Item`."""
    return full_name.removeprefix(package + ".") if package else full_name


def _block(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """Lines start..end (inclusive, 0-based) plus the comment/decorator lines right above."""
    top = start
    while top > 0 and re.match(r"^\s*(//|/\*\*|\*|@)", lines[top - 1]):
        top -= 1
    return "\n".join(lines[top:end + 1]) + "\n", top + 1


def go_snippet(text: str, name: str) -> tuple[str, int] | None:
    lines = text.splitlines()
    go_name = name.replace(".", "_")
    head = re.compile(rf"^type {re.escape(go_name)} struct \{{")
    for i, line in enumerate(lines):
        if head.match(line):
            end = next((j for j in range(i + 1, len(lines)) if lines[j] == "}"), len(lines) - 1)
            return _block(lines, i, end)
    return None


def ts_snippet(text: str, name: str) -> tuple[str, int] | None:
    lines = text.splitlines()
    ts_name = name.replace(".", "_")
    head = re.compile(rf"^export type {re.escape(ts_name)} = Message<")
    for i, line in enumerate(lines):
        if head.match(line):
            end = next((j for j in range(i, len(lines)) if lines[j].rstrip().endswith("};")
                        and not lines[j].startswith(" ")), len(lines) - 1)
            return _block(lines, i, end)
    return None


def python_snippet(text: str, name: str) -> tuple[str, int] | None:
    lines = text.splitlines()
    parts = name.split(".")
    start, indent = 0, ""
    found = -1
    for depth, part in enumerate(parts):
        head = re.compile(rf"^{indent}class {re.escape(part)}\(")
        found = next((i for i in range(start, len(lines)) if head.match(lines[i])), -1)
        if found < 0:
            return None
        start = found + 1
        if depth < len(parts) - 1:
            indent += "    "
    assert found >= 0
    own = len(indent)
    end = found
    for j in range(found + 1, len(lines)):
        line = lines[j]
        if line.strip() and len(line) - len(line.lstrip()) <= own and not line.lstrip().startswith(("#", ")")):
            break
        end = j
    while end > found and not lines[end].strip():
        end -= 1
    return _block(lines, found, end)


FINDERS = {"go": go_snippet, "typescript": ts_snippet, "python": python_snippet}


def find_snippet(lang_dir: Path, files: list[str], full_name: str, package: str) -> Snippet | None:
    """The message's generated type in the first generated file that has it (stubs for Python)."""
    name = local_name(full_name, package)
    ordered = sorted(files, key=lambda f: (not f.endswith(".pyi"), f))  # typed stubs read best
    for rel in ordered:
        language = LANGUAGE_OF_SUFFIX.get(Path(rel).suffix)
        if language is None or rel.endswith("_pb2.py"):
            continue
        try:
            text = (lang_dir / rel).read_text("utf-8")
        except OSError:
            continue
        found = FINDERS[language](text, name)
        if found:
            return Snippet(rel, found[0], found[1], language)
    return None
