"""buf's lint rules (v2 list, buf 1.75), one handler per rule, written from buf's bufcheckserverhandle/lint.go.

A handler gets the `Lint` run and reports through `lint.add(rule, file, path, message)`: the location
is the element's source span (line 1, column 1 for findings about the whole file, as buf prints them),
and a `// buf:lint:ignore RULE` line in the leading comments of the element or of any element around it
drops the finding when the config allows comment ignores. Names follow buf's stringutil conversions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

from workbench.breaking.buf_columns import char_index, same_columns
from workbench.breaking.bufformat import Violation
from workbench.breaking.go_quote import go_quote as _q
from workbench.breaking.schema import buf_span, find_location
from workbench.contracts.proto_compile import text_of
from workbench.contracts.record import Record
from workbench.lint.config import COMMENT_IGNORE_PREFIX, LintConfig, comment_lines
from workbench.lint.go_case import go_lower, go_to_snake

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    from google.protobuf import descriptor_pb2 as pb

    from workbench.breaking.schema import Span
    from workbench.lint.locations import Locator

# descriptor.proto field numbers used in source paths
PACKAGE, DEPENDENCY, MESSAGE, ENUM, SERVICE, EXTENSION, OPTIONS = 2, 3, 4, 5, 6, 7, 8
M_FIELD, M_NESTED, M_ENUM, M_EXTENSION, M_ONEOF = 2, 3, 4, 6, 8
E_VALUE, S_METHOD, NAME = 2, 2, 1
LABEL_REQUIRED, TYPE_GROUP = 2, 10


# ---------------------------------------------------------------- buf's name conversions (stringutil)

def _is_delimiter(c: str) -> bool:
    return c in ".-_ \t\n\r"


_SNAKE: dict[str, str] = {}  # names repeat across a tree (id, name, field_1 ...): each is converted once


def to_snake(s: str) -> str:
    done = _SNAKE.get(s)
    if done is None:
        # a file's name need not be ASCII: buf's byte-wise look-around and Go's categories (go_case)
        done = _SNAKE[s] = s if _already_snake(s) else _to_snake(s) if s.isascii() else go_to_snake(s)
    return done


def _already_snake(s: str) -> bool:
    """lower_snake or UPPER_SNAKE (ASCII letters and digits, single underscores inside): such a name
    converts to itself, and most of a tree's names are such."""
    return (s.isascii() and s.replace("_", "").isalnum() and (s.islower() or s.isupper())
            and "__" not in s and s[0] != "_" and s[-1] != "_")


def _to_snake(s: str) -> str:
    out = ""
    s = s.strip(".-_ \t\n\r")
    for i, c in enumerate(s):
        if _is_delimiter(c):
            c = "_"
        if i == 0:
            out += c
        elif c.isupper() and out[-1] != "_" and (
                # buf looks ahead with digits counting as a new word too
                (i < len(s) - 1 and not (s[i + 1].isupper() or s[i + 1].isdigit()) and not _is_delimiter(s[i + 1]))
                or s[i - 1].islower()):
            out += "_" + c
        elif not (_is_delimiter(c) and out[-1] == "_"):
            out += c
    return out


_LOWER_SNAKE: dict[str, str] = {}


def to_lower_snake(s: str) -> str:
    done = _LOWER_SNAKE.get(s)
    if done is None:
        snake = to_snake(s)
        done = _LOWER_SNAKE[s] = snake.lower() if snake.isascii() else go_lower(snake)
    return done


def to_upper_snake(s: str) -> str:
    return to_snake(s).upper()


def to_pascal(s: str) -> str:
    if s[:1].isupper() and s.isascii() and s.isalnum():
        return s  # already PascalCase, as most names are
    out = ""
    previous = ""
    for i, c in enumerate(s.strip()):
        if not _is_delimiter(c):
            out += c.upper() if i == 0 or _is_delimiter(previous) or c.isupper() else c.lower()
        previous = c
    return out


def package_version(pkg: str) -> str | None:
    """buf's protoversion: the stability ("stable", "alpha", "beta", "test") of a versioned package."""
    parts = pkg.split(".") if pkg else []
    if len(parts) < 2 or len(parts[-1]) < 2 or parts[-1][0] != "v":
        return None
    version = parts[-1][1:]
    if "test" in version:
        return "test" if _positive(version.split("test", 1)[0]) else None
    alpha, beta = "alpha" in version, "beta" in version
    if alpha and beta:
        return None
    if not alpha and not beta:
        return "stable" if _positive(version) else None
    level = "alpha" if alpha else "beta"
    head, minor = version.split(level, 1)
    if minor and not _positive(minor):
        return None
    if "p" in head:
        major, patch = head.split("p", 1)
        return level if _positive(major) and _positive(patch) else None
    return level if _positive(head) else None


def _positive(s: str) -> bool:
    return s.isdigit() and s.isascii() and 0 < int(s) < 2**31


# ---------------------------------------------------------------- the model a run walks

class LintFile:
    def __init__(self, proto: pb.FileDescriptorProto, shown: str, source: Callable[[str], str] | None = None,
                 locator: Locator | None = None) -> None:
        self.proto = proto
        self.name = proto.name
        self.shown = shown  # as buf prints it (module path joined with the name)
        self.package = proto.package
        self.syntax = proto.syntax  # read once: field rules look at it for every field
        self._source = source  # the file's text by name, when the caller can read it
        # compiled without source info: the locator fills it in when a rule or a finding needs it
        self._locator = locator

    def want_locations(self) -> None:
        """Its source info will be needed: fetched with the others' in one compile."""
        if self._locator is not None:
            self._locator.want((self.name,))

    def _located(self) -> pb.SourceCodeInfo:
        if self._locator is not None:
            self._locator.load(self.name)
            self._locator = None
        return self.proto.source_code_info

    @cached_property
    def source_info(self) -> bytes:
        return self._located().SerializeToString()

    def text(self) -> str:
        return self._text

    @cached_property
    def _text(self) -> str:
        # read once: the unused imports' spans, the ignore comments and the columns all look at it
        return self._source(self.name) if self._source is not None else ""

    @cached_property
    def lines(self) -> list[str]:
        return self.text().split("\n")

    @cached_property
    def may_ignore(self) -> bool:
        """Whether a `buf:lint:ignore` comment can be in the file: its text says (without reading every
        comment of the source info), else there may be."""
        text = self.text()
        return not text or COMMENT_IGNORE_PREFIX in text

    @cached_property
    def _comments(self) -> dict[tuple[int, ...], str]:
        # text_of: protobuf hands back bytes for a comment that is not valid UTF-8
        return {tuple(loc.path): text_of(loc.leading_comments) for loc in self._located().location
                if loc.leading_comments}

    def span(self, path: tuple[int, ...] | None) -> tuple[int, int, int, int]:
        if path is None:
            return 1, 1, 1, 1
        found = find_location(self.source_info, path)
        if found is None:
            return 1, 1, 1, 1
        return self.buf_span(found)

    def buf_span(self, found: Span) -> tuple[int, int, int, int]:
        """A protoc location's span as buf prints it (columns in terminal cells, see `buf_column`)."""
        shown = found if self._same_columns else buf_span(self.lines, found)
        return shown.line, shown.column, shown.end_line, shown.end_column

    @cached_property
    def _same_columns(self) -> bool:
        return same_columns(self.text())

    def has_location(self, path: tuple[int, ...]) -> bool:
        return find_location(self.source_info, path) is not None

    def leading(self, path: tuple[int, ...]) -> str:
        found = self._comments.get(path)
        if found is not None:
            return found
        where = find_location(self.source_info, path)
        return _block_after_token(self.lines, where.line, where.column) if where is not None else ""

    def ignores(self, rule: str, path: tuple[int, ...] | None) -> bool:
        """A line of the leading comments of the element or any element around it that starts with
        `buf:lint:ignore RULE`, as buf's checkCommentLineForCheckIgnore reads it: a prefix, so
        `buf:lint:ignore RULE OTHER_RULE`, `buf:lint:ignore RULE, because` and `buf:lint:ignore RULEX`
        ignore RULE (and only RULE), while a tab or a second space after `ignore` ignores nothing."""
        if path is None or not self.may_ignore:
            return False
        wanted = f"{COMMENT_IGNORE_PREFIX} {rule}"
        return any(line.startswith(wanted) for n in range(len(path), 0, -1)
                   for line in comment_lines(self.leading(path[:n])))


def _block_after_token(lines: list[str], line: int, column: int) -> str:
    """The comment buf (protocompile) reads as the leading one of the element at protoc's `line`,
    `column` where protoc reads none: a block comment that follows a token on that token's line and
    ends on the line just above the element is protoc's trailing comment of the token before, and
    buf's leading comment of the element after (`x = 1; /* doc */` then the next field). A line
    comment there, a blank line between, or a second comment keep protoc's reading."""
    if line < 2 or line > len(lines) or lines[line - 1][: char_index(lines[line - 1], column)].strip():
        return ""
    above = lines[line - 2].rstrip()
    if not above.endswith("*/"):
        return ""
    # the block's opening: on that line, or (a block over several lines) on an earlier one
    start_line, opening = line - 2, above.rfind("/*", 0, len(above) - 2)
    while opening < 0:
        start_line -= 1
        if start_line < 0 or "*/" in lines[start_line]:
            return ""
        opening = lines[start_line].rfind("/*")
    before = lines[start_line][:opening].strip()
    if not before or before.endswith("*/") or "//" in before or "/*" in before:
        return ""  # on a line of its own (protoc's leading comment too), or after another comment
    body = "\n".join([lines[start_line][opening + 2:], *lines[start_line + 1: line - 1]])
    return body[: body.rfind("*/")]


class Element(Record):
    """A named element of a file (message, field, enum ...) that a lint rule looks at."""

    _fields = ("file", "proto", "path", "parent")
    __slots__ = (*_fields, "map_entry", "synthetic")

    def __init__(self, file: LintFile, proto: Any, path: tuple[int, ...],
                 parent: Element | None = None) -> None:
        self.file = file
        self.proto = proto
        self.path = path
        self.parent = parent
        self.map_entry = False  # a message: a map's entry (set by the walk, read by every field's rules)
        self.synthetic = False  # a oneof: proto3 `optional`'s own (set by the walk)


# A finding before `Lint.finish`, its file by name: (rule, file name, element path, span, message)
Named = tuple[str, str, "tuple[int, ...] | None", "tuple[int, int, int, int] | None", str]


class Lint:
    def __init__(self, files: list[LintFile], all_files: dict[str, LintFile], config: LintConfig,
                 unused_imports: set[tuple[str, str]] | dict[tuple[str, str], tuple[int, int] | None] | None = None) -> None:
        self.files = files  # the files linted (imports excluded)
        self.all_files = all_files  # by name, imports included
        self.config = config
        # (file, import) protoc called unused; a dict says where protoc saw each (line, column)
        self.unused_imports = unused_imports or set()
        self.out: list[Violation] = []
        self._pending: list[tuple[str, LintFile, tuple[int, ...] | None, tuple[int, int, int, int] | None, str]] = []
        self._walked: dict[str, list[Element]] = {}

    def named_findings(self) -> list[Named]:
        """The findings so far, each file by its name: what another process's run can `take`."""
        return [(rule, file.name, path, span, message) for rule, file, path, span, message in self._pending]

    def take(self, found: Iterable[Named]) -> None:
        """Findings that a run over some of these files made (`named_findings`), as if made here."""
        self._pending += [(rule, self.all_files[name], path, span, message) for rule, name, path, span, message in found]

    def add(self, rule: str, file: LintFile, path: tuple[int, ...] | None, message: str) -> None:
        """A finding at the element `path` of `file` (None: the whole file). Kept until `finish`, when
        the files reported on get their locations in one go."""
        self._pending.append((rule, file, path, None, message))

    def add_at(self, rule: str, file: LintFile, path: tuple[int, ...], span: tuple[int, int, int, int],
               message: str) -> None:
        """As `add`, at `span` (a place inside the element's options, where protoc may record none)."""
        self._pending.append((rule, file, path, span, message))

    def want_locations(self, files: Iterable[LintFile]) -> None:
        """A rule is about to read the source info of `files`: fetch them together."""
        for f in files:
            f.want_locations()

    def finish(self) -> list[Violation]:
        """The findings, with their spans, minus those the config or a comment ignores."""
        config = self.config
        kept = [p for p in self._pending if not (config.ignored(p[0], p[1].shown) or config.ignored(p[0], p[1].name))]
        self._pending = []
        for _rule, file, path, span, _message in kept:
            if path is not None and (span is None or (config.comment_ignores and file.may_ignore)):
                file.want_locations()
        for rule, file, path, span, message in kept:
            if config.comment_ignores and file.ignores(rule, path):
                continue
            self._append(rule, file, path, span or file.span(path), message)
        return self.out

    def _append(self, rule: str, file: LintFile, path: tuple[int, ...] | None, span: tuple[int, int, int, int],
                message: str) -> None:
        line, col, end_line, end_col = span
        entity = file.proto.message_type[path[1]].name if path and len(path) > 1 and path[0] == MESSAGE else ""
        self.out.append(Violation(file.shown, line, col, rule, message, end_line, end_col, entity))

    # ------------------------------------------------------------ element iteration (buf's Lint*RuleHandler)

    def _listed(self, kind: str, walk: Callable[[], Iterator[Element]]) -> list[Element]:
        """Each kind of element is walked once per run: 30-odd rules go over the same fields."""
        listed = self._walked.get(kind)
        if listed is None:
            listed = self._walked[kind] = list(walk())
        return listed

    def messages(self) -> Iterator[Element]:
        return iter(self._listed("messages", self._messages))

    def _messages(self) -> Iterator[Element]:
        for f in self.files:
            stack = [Element(f, m, (MESSAGE, i)) for i, m in enumerate(f.proto.message_type)]
            stack.reverse()
            while stack:
                m = stack.pop()
                yield m
                nested = [Element(f, n, (*m.path, M_NESTED, i), m) for i, n in enumerate(m.proto.nested_type)]
                for n in nested:
                    # only nested messages are map entries; options are read once, not once per field
                    n.map_entry = n.proto.HasField("options") and n.proto.options.map_entry
                stack.extend(reversed(nested))

    def fields(self) -> Iterator[Element]:
        return iter(self._listed("fields", self._fields))

    def _fields(self) -> Iterator[Element]:
        out: list[Element] = []
        for m in self.messages():
            file, path = m.file, m.path
            out += [Element(file, fd, (*path, M_FIELD, i), m) for i, fd in enumerate(m.proto.field)]
        for f in self.files:
            out += [Element(f, x, (EXTENSION, i)) for i, x in enumerate(f.proto.extension)]
        for m in self.messages():
            out += [Element(m.file, x, (*m.path, M_EXTENSION, i), m) for i, x in enumerate(m.proto.extension)]
        return iter(out)

    def oneofs(self) -> Iterator[Element]:
        return iter(self._listed("oneofs", self._oneofs))

    def _oneofs(self) -> Iterator[Element]:
        # a proto3 `optional` field is the only member of its own (synthetic) oneof, as protoc makes it.
        # Read from the fields the field rules listed already, not from each message's fields again
        # (38 -> 35 ms on the 5,000-message tree, whose messages nearly all have such a field).
        synthetic: dict[int, set[int]] = {}
        for fd in self.fields():
            if fd.path[-2] == M_FIELD and fd.proto.proto3_optional:
                synthetic.setdefault(id(fd.parent), set()).add(fd.proto.oneof_index)
        for m in self.messages():
            decls = m.proto.oneof_decl
            if not decls:
                continue
            own = synthetic.get(id(m), ())
            for i, o in enumerate(decls):
                el = Element(m.file, o, (*m.path, M_ONEOF, i), m)
                el.synthetic = i in own
                yield el

    def enums(self) -> Iterator[Element]:
        return iter(self._listed("enums", self._enums))

    def _enums(self) -> Iterator[Element]:
        for f in self.files:
            for i, e in enumerate(f.proto.enum_type):
                yield Element(f, e, (ENUM, i))
        for m in self.messages():
            for i, e in enumerate(m.proto.enum_type):
                yield Element(m.file, e, (*m.path, M_ENUM, i), m)

    def enum_values(self) -> Iterator[Element]:
        return iter(self._listed("enum_values", self._enum_values))

    def _enum_values(self) -> Iterator[Element]:
        for e in self.enums():
            for i, v in enumerate(e.proto.value):
                yield Element(e.file, v, (*e.path, E_VALUE, i), e)

    def services(self) -> Iterator[Element]:
        for f in self.files:
            for i, s in enumerate(f.proto.service):
                yield Element(f, s, (SERVICE, i))

    def methods(self) -> Iterator[Element]:
        for s in self.services():
            for i, m in enumerate(s.proto.method):
                yield Element(s.file, m, (*s.path, S_METHOD, i), s)

    def packages(self) -> dict[str, list[LintFile]]:
        out: dict[str, list[LintFile]] = defaultdict(list)
        for f in self.files:
            out[f.package].append(f)
        return out


Handler = Callable[[Lint, str], None]


def _is_map_entry(m: Element | None) -> bool:
    return m is not None and m.map_entry



# ---------------------------------------------------------------- comments

def _valid_comment(comment: str) -> bool:
    """buf's validLeadingComment: a line that is not empty and not an ignore."""
    return any(not line.startswith(COMMENT_IGNORE_PREFIX) for line in comment_lines(comment))


def comment_rule(kind: str, what: str) -> Handler:
    """COMMENT_<KIND>: each element of `kind` has a leading comment that is not only ignores."""
    def handler(lint: Lint, rule: str) -> None:
        lint.want_locations(lint.files)
        for el in getattr(lint, kind)():
            if kind == "messages" and _is_map_entry(el):
                continue
            if kind == "fields" and (_is_map_entry(el.parent) or el.proto.type == TYPE_GROUP):
                continue
            if kind == "oneofs" and _synthetic(el):
                continue
            if not el.file.has_location(el.path):
                continue
            if not _valid_comment(el.file.leading(el.path)):
                lint.add(rule, el.file, el.path,
                         f"{what} {_q(el.proto.name)} should have a non-empty comment for documentation.")
    return handler


def _synthetic(oneof: Element) -> bool:
    return oneof.synthetic


# ---------------------------------------------------------------- files, packages, directories

def _dir(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else "."


def directory_same_package(lint: Lint, rule: str) -> None:
    by_dir: dict[str, list[LintFile]] = defaultdict(list)
    for f in lint.files:
        by_dir[_dir(f.name)].append(f)
    for directory, files in sorted(by_dir.items()):
        packages = {f.package for f in files}
        if len(packages) < 2:
            continue
        named = sorted(packages - {""})
        if "" in packages:
            prefix = (f"Multiple packages {_q(','.join(named))} and file with no package" if len(named) > 1
                      else f"Package {_q(','.join(named))} and file with no package")
        else:
            prefix = f"Multiple packages {_q(','.join(named))}"
        for f in files:
            lint.add(rule, f, (PACKAGE,) if f.package else None,
                     f"{prefix} detected within directory {_q(directory)}.")


def package_same_directory(lint: Lint, rule: str) -> None:
    for pkg, files in sorted(lint.packages().items()):
        dirs = sorted({_dir(f.name) for f in files})
        if len(dirs) > 1:
            for f in files:
                lint.add(rule, f, (PACKAGE,) if f.package else None,
                         f"Multiple directories {_q(','.join(dirs))} contain files with package {_q(pkg)}.")


def package_defined(lint: Lint, rule: str) -> None:
    for f in lint.files:
        if not f.package:
            lint.add(rule, f, None, "Files must have a package defined.")


def package_directory_match(lint: Lint, rule: str) -> None:
    for f in lint.files:
        if not f.package:
            continue
        expected = f.package.replace(".", "/")
        directory = _dir(f.name)
        if directory != expected:
            lint.add(rule, f, (PACKAGE,), f"Files with package {_q(f.package)} must be within a directory "
                                           f'"{expected}" relative to root but were in directory "{directory}".')


def package_lower_snake_case(lint: Lint, rule: str) -> None:
    for f in lint.files:
        if not f.package:
            continue
        expected = ".".join(to_lower_snake(p) for p in f.package.split("."))
        if f.package != expected:
            lint.add(rule, f, (PACKAGE,),
                     f"Package name {_q(f.package)} should be lower_snake.case, such as {_q(expected)}.")


def package_version_suffix(lint: Lint, rule: str) -> None:
    for f in lint.files:
        if f.package and package_version(f.package) is None:
            lint.add(rule, f, (PACKAGE,), f"Package name {_q(f.package)} should be suffixed with a correctly "
                                           f"formed version, such as {_q(f.package + '.v1')}.")


def file_lower_snake_case(lint: Lint, rule: str) -> None:
    for f in lint.files:
        base = f.name.rsplit("/", 1)[-1]
        stem, dot, ext = base.rpartition(".")
        if not dot:
            stem, ext = base, ""
        ext = f".{ext}" if dot else ""
        expected = to_lower_snake(stem)
        if stem != expected:
            lint.add(rule, f, None, f"Filename {_q(base)} should be lower_snake_case{ext}, such as "
                                     f'"{expected}{ext}".')


def syntax_specified(lint: Lint, rule: str) -> None:
    lint.want_locations(f for f in lint.files if not f.proto.syntax)
    for f in lint.files:
        if not f.proto.syntax and not _has_syntax_statement(f):
            lint.add(rule, f, None, 'Files must have a syntax explicitly specified. If no syntax is specified, '
                                    'the file defaults to "proto2".')


def _has_syntax_statement(f: LintFile) -> bool:
    # protoc leaves `syntax` empty for proto2 either way; an explicit statement has a source location
    return f.has_location((12,))


def package_same_option(option: str, number: int, as_bool: bool = False) -> Handler:
    """PACKAGE_SAME_<OPTION>: every file of a package has the same value of file option `option`."""
    def value(f: LintFile) -> str:
        opts = f.proto.options
        if not opts.HasField(option):  # type: ignore[arg-type]
            return ""
        v = getattr(opts, option)
        return ("true" if v else "false") if as_bool else str(v)

    def handler(lint: Lint, rule: str) -> None:
        for pkg, files in sorted(lint.packages().items()):
            values = {value(f) for f in files}
            if len(values) < 2:
                continue
            shown = ",".join(sorted(values - {""}))
            if "" in values:
                message = (f"Files in package {_q(pkg)} have both values {_q(shown)} and no value for option "
                           f"{_q(option)} and all values must be equal.")
            else:
                message = (f"Files in package {_q(pkg)} have multiple values {_q(shown)} for option {_q(option)} "
                           f"and all values must be equal.")
            lint.want_locations(files)
            for f in files:
                path = (OPTIONS, number)
                lint.add(rule, f, path if f.has_location(path) else None, message)
    return handler


def package_no_import_cycle(lint: Lint, rule: str) -> None:
    graph: dict[str, dict[str, list[tuple[LintFile, int]]]] = defaultdict(lambda: defaultdict(list))
    for f in lint.all_files.values():
        for i, dep in enumerate(f.proto.dependency):
            target = lint.all_files.get(dep)
            if target is not None and target.package != f.package:
                graph[f.package][target.package].append((f, i))
    linted = {f.name for f in lint.files}
    importers: dict[str, set[str]] = defaultdict(set)
    for pkg, imported_by_pkg in graph.items():
        for other in imported_by_pkg:
            importers[other].add(pkg)
    for pkg in sorted(graph):
        if not pkg:
            continue
        # only packages that import `pkg` back, directly or not, can be on a cycle through it: the search
        # stays linear in an acyclic tree (buf's searches every path; the first cycle found is the same)
        back = _reaching(pkg, importers)
        for imported, imports in sorted(graph[pkg].items()):
            if not imported or imported not in back:
                continue
            cycle = _cycle(imported, graph, {pkg}, [pkg], back)
            if cycle:
                for f, i in imports:
                    if f.name in linted:
                        lint.add(rule, f, (DEPENDENCY, i), f"Package import cycle: {' -> '.join(cycle)}")


def _reaching(pkg: str, importers: dict[str, set[str]]) -> set[str]:
    out = {pkg}
    todo = [pkg]
    while todo:
        for other in importers.get(todo.pop(), ()):
            if other not in out:
                out.add(other)
                todo.append(other)
    return out


def _cycle(pkg: str, graph: dict[str, dict[str, list[tuple[LintFile, int]]]], seen: set[str],
           path: list[str], back: set[str]) -> list[str]:
    if pkg in seen:
        return [*path, pkg] if pkg == path[0] else []
    # buf searches its imported packages in Go map order: for the few a package imports (a map of 8
    # entries at most), the order they were first imported in, from a random one of the 8 slots on
    # (buf-bin: 7 runs in 8 take the first). A second cycle through a package is reported
    # differently from run to run; this is buf's likeliest choice
    for nxt in graph.get(pkg, {}):
        if nxt not in back or not nxt:  # buf's search never goes through files without a package
            continue
        found = _cycle(nxt, graph, seen | {pkg}, [*path, pkg], back)
        if found:
            return found
    return []


def import_no_public(lint: Lint, rule: str) -> None:
    for f in lint.files:
        for i in f.proto.public_dependency:
            lint.add(rule, f, (DEPENDENCY, i), f"Import {_q(f.proto.dependency[i])} must not be public.")


def import_no_weak(lint: Lint, rule: str) -> None:
    for f in lint.files:
        for i in f.proto.weak_dependency:
            lint.add(rule, f, (DEPENDENCY, i), f"Import {_q(f.proto.dependency[i])} must not be weak.")


def import_used(lint: Lint, rule: str) -> None:
    """protoc's own unused-import diagnosis (it sees custom options too), as buf's compiler's."""
    places = lint.unused_imports if isinstance(lint.unused_imports, dict) else {}
    for f in lint.files:
        for i, dep in enumerate(f.proto.dependency):
            if (f.name, dep) in lint.unused_imports:
                span = _import_span(f, places.get((f.name, dep)))
                if span is None:
                    lint.add(rule, f, (DEPENDENCY, i), f"Import {_q(dep)} is unused.")
                else:
                    lint.add_at(rule, f, (DEPENDENCY, i), span, f"Import {_q(dep)} is unused.")


# `import "a.proto";` on one line, spaces only: its end column is its length (where protoc's columns are
# buf's, see `same_columns`; anything else is left to the source info and `buf_column`)
_IMPORT_STATEMENT = r"""import(?: +(?:public|weak))? *(?:"[^"\\\n]*"|'[^'\\\n]*') *;"""


def _import_span(f: LintFile, at: tuple[int, int] | None) -> tuple[int, int, int, int] | None:
    """The span of the import statement protoc's warning points at (line, column), read from the text:
    the file's source info is then not needed for this finding."""
    if at is None:
        return None
    line, column = at
    lines = f.lines
    if not 0 < line <= len(lines) or column < 1:
        return None
    text = lines[line - 1]
    before = text[:column - 1]
    if len(before) != column - 1 or not same_columns(before):
        return None
    m = re.compile(_IMPORT_STATEMENT).match(text, column - 1)  # re caches it: compiled on first use
    if m is None or not m.group().isascii():
        return None
    return line, column, line, column + len(m.group())


# ---------------------------------------------------------------- naming and structure

def enum_first_value_zero(lint: Lint, rule: str) -> None:
    for e in lint.enums():
        if e.proto.value and e.proto.value[0].number != 0:
            lint.add(rule, e.file, (*e.path, E_VALUE, 0, 2),
                     f"First enum value {_q(e.proto.value[0].name)} should have a numeric value of 0")


def enum_no_allow_alias(lint: Lint, rule: str) -> None:
    for e in lint.enums():
        if e.proto.options.allow_alias:
            lint.add(rule, e.file, (*e.path, 3, 2), f'Enum option "allow_alias" on enum {_q(e.proto.name)} must be false.')


def pascal_rule(kind: str, what: str) -> Handler:
    """<KIND>_PASCAL_CASE: names of `kind` are PascalCase."""
    def handler(lint: Lint, rule: str) -> None:
        for el in getattr(lint, kind)():
            if kind == "messages" and _is_map_entry(el):
                continue
            name = el.proto.name
            expected = to_pascal(name)
            if name != expected:
                lint.add(rule, el.file, (*el.path, NAME),
                         f"{what} name {_q(name)} should be PascalCase, such as {_q(expected)}.")
    return handler


def enum_value_upper_snake_case(lint: Lint, rule: str) -> None:
    for v in lint.enum_values():
        expected = to_upper_snake(v.proto.name)
        if v.proto.name != expected:
            lint.add(rule, v.file, (*v.path, NAME),
                     f"Enum value name {_q(v.proto.name)} should be UPPER_SNAKE_CASE, such as {_q(expected)}.")


def enum_value_prefix(lint: Lint, rule: str) -> None:
    for v in lint.enum_values():
        assert v.parent is not None
        prefix = to_upper_snake(v.parent.proto.name) + "_"
        if not v.proto.name.startswith(prefix):
            lint.add(rule, v.file, (*v.path, NAME),
                     f"Enum value name {_q(v.proto.name)} should be prefixed with {_q(prefix)}.")


def enum_zero_value_suffix(lint: Lint, rule: str) -> None:
    suffix = lint.config.enum_zero_value_suffix
    for v in lint.enum_values():
        if v.proto.number == 0 and not v.proto.name.endswith(suffix):
            lint.add(rule, v.file, (*v.path, NAME),
                     f"Enum zero value name {_q(v.proto.name)} should be suffixed with {_q(suffix)}.")


def field_lower_snake_case(lint: Lint, rule: str) -> None:
    done = _LOWER_SNAKE
    for fd in lint.fields():  # every field of the tree: the name is read once, its conversion looked up inline
        if fd.parent is not None and fd.parent.map_entry:
            continue
        name = fd.proto.name
        expected = done.get(name) or to_lower_snake(name)
        if name != expected:
            lint.add(rule, fd.file, (*fd.path, NAME),
                     f"Field name {_q(name)} should be lower_snake_case, such as {_q(expected)}.")


def field_no_descriptor(lint: Lint, rule: str) -> None:
    for fd in lint.fields():
        if fd.proto.name.strip("_").lower() == "descriptor":
            lint.add(rule, fd.file, (*fd.path, NAME), f'Field name {_q(fd.proto.name)} cannot be any capitalization '
                                                       f'of "descriptor" with any number of prefix or suffix underscores.')


def field_not_required(lint: Lint, rule: str) -> None:
    for fd in lint.fields():
        required = fd.proto.label == LABEL_REQUIRED
        if not required and fd.file.syntax == "editions" and not fd.proto.extendee:
            required = _presence(fd) == 3
        if required:
            lint.add(rule, fd.file, (*fd.path, NAME), f"Field named {_q(fd.proto.name)} should not be required.")


def _presence(fd: Element) -> int:
    """Editions field_presence resolved field -> message(s) -> file (1 EXPLICIT, 2 IMPLICIT, 3 LEGACY_REQUIRED)."""
    if fd.proto.options.features.HasField("field_presence"):
        return int(fd.proto.options.features.field_presence)
    m = fd.parent
    while m is not None:
        if m.proto.options.features.HasField("field_presence"):
            return int(m.proto.options.features.field_presence)
        m = m.parent
    opts = fd.file.proto.options.features
    return int(opts.field_presence) if opts.HasField("field_presence") else 1


def oneof_lower_snake_case(lint: Lint, rule: str) -> None:
    for o in lint.oneofs():
        expected = to_lower_snake(o.proto.name)
        if o.proto.name != expected and not _synthetic(o):
            lint.add(rule, o.file, (*o.path, NAME),
                     f"Oneof name {_q(o.proto.name)} should be lower_snake_case, such as {_q(expected)}.")


def service_suffix(lint: Lint, rule: str) -> None:
    suffix = lint.config.service_suffix
    for s in lint.services():
        if not s.proto.name.endswith(suffix):
            lint.add(rule, s.file, (*s.path, NAME), f"Service name {_q(s.proto.name)} should be suffixed with {_q(suffix)}.")


def rpc_no_streaming(attr: str, word: str) -> Handler:
    """RPC_NO_CLIENT_STREAMING / RPC_NO_SERVER_STREAMING."""
    def handler(lint: Lint, rule: str) -> None:
        for m in lint.methods():
            if getattr(m.proto, attr):
                lint.add(rule, m.file, m.path, f"RPC {_q(m.proto.name)} is {word} streaming.")
    return handler


EMPTY = "google.protobuf.Empty"


def rpc_standard_name(attr: str, number: int, word: str, suffix: str) -> Handler:
    """RPC_REQUEST_STANDARD_NAME / RPC_RESPONSE_STANDARD_NAME."""
    def handler(lint: Lint, rule: str) -> None:
        allow_empty = lint.config.rpc_allow_google_protobuf_empty_requests if word == "request" \
            else lint.config.rpc_allow_google_protobuf_empty_responses
        for m in lint.methods():
            assert m.parent is not None
            name = getattr(m.proto, attr).lstrip(".")
            if allow_empty and name == EMPTY:
                continue
            name = name.rsplit(".", 1)[-1]
            first = to_pascal(m.proto.name) + suffix
            second = to_pascal(m.parent.proto.name) + first
            if name not in (first, second):
                lint.add(rule, m.file, (*m.path, number),
                         f"RPC {word} type {_q(name)} should be named {_q(first)} or {_q(second)}.")
    return handler


def rpc_request_response_unique(lint: Lint, rule: str) -> None:
    config = lint.config
    allow_req, allow_res = config.rpc_allow_google_protobuf_empty_requests, config.rpc_allow_google_protobuf_empty_responses
    methods = {}
    for m in lint.methods():
        assert m.parent is not None
        pkg = m.file.package
        service = f"{pkg}.{m.parent.proto.name}" if pkg else m.parent.proto.name
        methods[f"{service}.{m.proto.name}"] = m
    if not config.rpc_allow_same_request_response:
        for m in methods.values():
            req, res = m.proto.input_type.lstrip("."), m.proto.output_type.lstrip(".")
            if req == res and not (req == EMPTY and allow_req and allow_res):
                lint.add(rule, m.file, m.path,
                         f"RPC {_q(m.proto.name)} has the same type {_q(req)} for the request and response.")
    users: dict[str, dict[str, Element]] = defaultdict(dict)
    for full, m in methods.items():
        for t in (m.proto.input_type.lstrip("."), m.proto.output_type.lstrip(".")):
            users[t][full] = m
    for t, by_name in users.items():
        if len(by_name) == 1:
            continue
        if t == EMPTY and (allow_req or allow_res):
            if allow_req and allow_res:
                continue
            requests = [m for m in by_name.values() if m.proto.input_type.lstrip(".") == EMPTY]
            responses = [m for m in by_name.values() if m.proto.output_type.lstrip(".") == EMPTY]
            if not allow_req and len(requests) > 1:
                for m in requests:
                    lint.add(rule, m.file, m.path, f"{_q(t)} is used as the request for multiple RPCs.")
            if not allow_res and len(responses) > 1:
                for m in responses:
                    lint.add(rule, m.file, m.path, f"{_q(t)} is used as the response for multiple RPCs.")
            continue
        for m in by_name.values():
            lint.add(rule, m.file, m.path, f"{_q(t)} is used as the request or response type for multiple RPCs.")


def stable_package_no_import_unstable(lint: Lint, rule: str) -> None:
    for f in lint.files:
        if package_version(f.package) != "stable":
            continue
        for i, dep in enumerate(f.proto.dependency):
            target = lint.all_files.get(dep)
            if target is None:
                continue
            level = package_version(target.package)
            if level is not None and level != "stable":
                lint.add(rule, f, (DEPENDENCY, i), f"This file is in stable package {_q(f.package)}, so it should "
                                                    f"not depend on {_q(dep)} from unstable package {_q(target.package)}.")


def protovalidate(lint: Lint, rule: str) -> None:
    """The `(buf.validate.field)` and `(buf.validate.message)` rules must be valid for their field or
    message, as buf checks them (workbench/lint/protovalidate*.py, docs/breaking.md)."""
    users = [f for f in lint.files if "buf/validate/validate.proto" in f.proto.dependency]
    if not users:
        return  # no file uses protovalidate: nothing to load
    lint.want_locations(users)
    from workbench.lint.protovalidate import check

    check(lint, rule)
