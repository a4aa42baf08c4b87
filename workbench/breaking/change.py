"""One proto/SQL/seed change as the report lists it, and the pair of schemas rules emit against."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from workbench.breaking.schema import FieldInfo, FileInfo, MessageInfo, Schema, Span
from workbench.contracts.record import Record
from workbench.findings import Finding, Severity

BREAKING = "breaking"
COMPATIBLE = "compatible"
ACCEPTED = "accepted"  # breaking, but exempted in the source with a reason


class Change(Record):
    """One difference the review reports (a buf rule's breaking change, a rename, an addition ...)."""

    _fields = (
        "rule", "file", "line", "column", "message", "kind", "category", "end_line", "end_column",
        "against_file", "against_line", "against_column", "against_end_line", "entity", "note", "steps",
        "before", "after",
    )

    def __init__(self, rule: str, file: str, line: int, column: int, message: str, kind: str = BREAKING,
                 category: str = "", end_line: int = 0, end_column: int = 0, against_file: str = "",
                 against_line: int = 0, against_column: int = 0, against_end_line: int = 0, entity: str = "",
                 note: str = "", steps: list[str] | None = None, before: str = "", after: str = "") -> None:
        self.rule = rule
        self.file = file  # where buf puts it: the changed (after) file, "" when it has none (a deleted file)
        self.line = line
        self.column = column
        self.message = message
        self.kind = kind
        self.category = category
        self.end_line = end_line
        self.end_column = end_column
        self.against_file = against_file  # where the element was before
        self.against_line = against_line
        self.against_column = against_column
        self.against_end_line = against_end_line
        self.entity = entity  # full name of the message/enum/service the change touches
        self.note = note  # rename/move explanation, exemption reason, ...
        self.steps = [] if steps is None else steps  # expand/contract plan for breaking changes
        self.before = before  # source snippets, filled in by the report
        self.after = after

    @property
    def shown_file(self) -> str:
        """A deleted file's findings still name the file (buf leaves the path empty)."""
        return self.file or self.against_file

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def to_json(self) -> dict[str, object]:
        data = {"rule": self.rule, "category": self.category, "kind": self.kind, "file": self.shown_file,
                "line": self.line, "column": self.column, "message": self.message}
        for key in ("entity", "note", "against_file", "against_line", "before", "after"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.steps:
            data["steps"] = list(self.steps)
        return data

    def to_finding(self) -> Finding:
        severity = Severity.ERROR if self.kind == BREAKING else Severity.INFO
        return Finding(severity, self.rule, self.shown_file, self.line, self.message, self.column,
                       self.entity.rsplit(".", 1)[-1] if self.entity else "")

    def asdict(self) -> dict[str, object]:
        return {name: list(v) if isinstance(v, list) else v for name in self._fields
                for v in (getattr(self, name),)}


def q(text: str) -> str:
    """Go's %q for the plain strings that appear in proto names, options and values."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Pair:
    """Before (against) and after (input) schemas plus the emit helper every rule uses."""

    def __init__(self, before: Schema, after: Schema,
                 same_names: list[tuple[MessageInfo, MessageInfo]] | None = None, extensions: bool = True) -> None:
        self.before = before
        self.after = after
        self.out: list[Change] = []
        self._given_names = same_names  # a half's share (see `halves`); None: every message of the same name
        self.extensions = extensions  # whether field rules walk the extension pairs too

    def halves(self) -> tuple[Pair, Pair]:
        """Two pairs of the same schemas that split this one's messages of the same name between them
        (every other one, so both get a share of each file), for the message and field rules of a big
        review run in two processes; each half finds which of its messages changed. Extensions pair by
        extendee, not by message: they go with the first half."""
        pairs = self.same_names
        return (Pair(self.before, self.after, pairs[0::2], extensions=self.extensions),
                Pair(self.before, self.after, pairs[1::2], extensions=False))

    # Pairing maps over the compared (target) files only, as buf does.
    @cached_property
    def before_messages(self) -> dict[str, MessageInfo]:
        return {m.full_name: m for m in self.before.target_messages()}

    @cached_property
    def after_messages(self) -> dict[str, MessageInfo]:
        return {m.full_name: m for m in self.after.target_messages()}

    @cached_property
    def changed_enums(self) -> list[bytes]:
        """Type names (".pkg.Enum", as serialized) of enums whose numbers changed: an unchanged field
        of such a type may still get another default (implied first value, or a named default)."""
        out = []
        for name, b in self.before.enums.items():
            a = self.after.enums.get(name)
            if a is None or a.values_by_name != b.values_by_name or \
                    (a.proto.value and b.proto.value and a.proto.value[0].number != b.proto.value[0].number):
                out.append(f".{name}".encode())
        return out

    def unchanged(self, before: MessageInfo, after: MessageInfo) -> bool:
        """True when no message or field rule can fire: same bytes, same inherited context.

        Decided on the top-level message, which holds every nested one, so a change of an outer
        message's options (features are inherited) never hides behind an unchanged inner one.
        """
        if before.file.context != after.file.context or before.top.fingerprint != after.top.fingerprint:
            return False
        changed = self.changed_enums
        # a byte search in the serialized message finds every field typed with one of them (a false
        # hit only means the message is compared in full)
        return not changed or not any(n in before.top.fingerprint for n in changed)

    @cached_property
    def same_names(self) -> list[tuple[MessageInfo, MessageInfo]]:
        """Messages of the same full name on both sides."""
        if self._given_names is not None:
            return self._given_names
        after = self.after_messages
        return [(b, after[n]) for n, b in self.before_messages.items() if n in after]

    @cached_property
    def _message_pairs(self) -> list[tuple[MessageInfo, MessageInfo]]:
        return [(b, a) for b, a in self.same_names if not self.unchanged(b, a)]

    def message_pairs(self) -> list[tuple[MessageInfo, MessageInfo]]:
        """Message pairs (by full name) that may differ; identical ones are skipped, which is what
        makes a large tree with a small change fast."""
        return self._message_pairs

    @cached_property
    def field_pairs(self) -> list[tuple[FieldInfo, FieldInfo]]:
        """Fields paired by number in the message pairs, then extensions by extendee and number (with
        `extensions`). A list made once: ten field rules walk it."""
        out = []
        for before, after in self.message_pairs():
            current = after.fields_by_number
            for number, field in before.fields_by_number.items():
                if number in current:
                    out.append((field, current[number]))
        if self.extensions:
            after_ext = {(x.extendee, x.number): x for x in self.after.target_extensions()}
            for x in self.before.target_extensions():
                match = after_ext.get((x.extendee, x.number))
                if match is not None:
                    out.append((x, match))
        return out

    def file_pairs(self) -> list[tuple[FileInfo, FileInfo]]:
        return [(b, self.after.files[p]) for p, b in self.before.files.items() if p in self.after.files]

    def emit(self, rule: str, message: str, after_file: FileInfo | None,
             after_paths: Sequence[tuple[int, ...] | None], before_file: FileInfo | None = None,
             before_paths: Sequence[tuple[int, ...] | None] | None = None, entity: str = "",
             at: Span | None = None) -> None:
        """Record `rule`'s finding at the first after-path with source info (buf's withBackupLocation),
        or at `at` when the rule knows better (a default's keyword rather than its value).

        With no location the finding is put on line 1 of the after file, which is where buf puts it.
        """
        line = col = end_line = end_col = 1  # buf's position for "somewhere in this file" (or none)
        file = ""
        if after_file is not None:
            file = after_file.path
            for path in after_paths:
                span = after_file.span(path)
                if span is not None:
                    line, col, end_line, end_col = span.line, span.column, span.end_line, span.end_column
                    break
        if at is not None:
            line, col = at.line, at.column
        change = Change(rule, file, line, col, message, end_line=end_line, end_column=end_col, entity=entity)
        if before_file is not None:
            change.against_file = before_file.path
            for path in before_paths or []:
                span = before_file.span(path)
                if span is not None:
                    change.against_line, change.against_column = span.line, span.column
                    change.against_end_line = span.end_line
                    break
        self.out.append(change)
