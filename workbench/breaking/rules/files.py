"""File-level rules: deleted files, file options, package and syntax, elements deleted from a file."""

from __future__ import annotations

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler, for_file_pairs
from workbench.breaking.rules.closed_enums import closed_enum
from workbench.breaking.schema import FILE_OPTIONS, FILE_PACKAGE, FILE_SYNTAX, FileInfo, MessageInfo

# rule ID -> (FileOptions field, its number); bools print as Go's FormatBool.
FILE_OPTION_RULES = {
    "FILE_SAME_CC_ENABLE_ARENAS": ("cc_enable_arenas", 31),
    "FILE_SAME_CC_GENERIC_SERVICES": ("cc_generic_services", 16),
    "FILE_SAME_CSHARP_NAMESPACE": ("csharp_namespace", 37),
    "FILE_SAME_GO_PACKAGE": ("go_package", 11),
    "FILE_SAME_JAVA_GENERIC_SERVICES": ("java_generic_services", 17),
    "FILE_SAME_JAVA_MULTIPLE_FILES": ("java_multiple_files", 10),
    "FILE_SAME_JAVA_OUTER_CLASSNAME": ("java_outer_classname", 8),
    "FILE_SAME_JAVA_PACKAGE": ("java_package", 1),
    "FILE_SAME_OBJC_CLASS_PREFIX": ("objc_class_prefix", 36),
    "FILE_SAME_OPTIMIZE_FOR": ("optimize_for", 9),
    "FILE_SAME_PHP_CLASS_PREFIX": ("php_class_prefix", 40),
    "FILE_SAME_PHP_METADATA_NAMESPACE": ("php_metadata_namespace", 44),
    "FILE_SAME_PHP_NAMESPACE": ("php_namespace", 41),
    "FILE_SAME_PY_GENERIC_SERVICES": ("py_generic_services", 18),
    "FILE_SAME_RUBY_PACKAGE": ("ruby_package", 45),
    "FILE_SAME_SWIFT_PREFIX": ("swift_prefix", 39),
}
_OPTIMIZE_FOR = {1: "SPEED", 2: "CODE_SIZE", 3: "LITE_RUNTIME"}


def _option_value(file: FileInfo, name: str) -> str:
    if name == "optimize_for":
        written = closed_enum(file.options, name, 9)  # (a number buf's compiler took as it was written)
        return _OPTIMIZE_FOR.get(written, str(written))
    value = getattr(file.options, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def file_same_option(name: str, number: int) -> Handler:
    """FILE_SAME_<OPTION>: the file option `name` (FileOptions field `number`) kept its value."""
    def check(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
        old, new = _option_value(before, name), _option_value(after, name)
        if old != new:
            emit(f'File option "{name}" changed from {q(old)} to {q(new)}.',
                 after, [(FILE_OPTIONS, number)], before, [(FILE_OPTIONS, number)])
    return for_file_pairs(check)


def file_same_package(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    if before.package != after.package:
        emit(f"File package changed from {q(before.package)} to {q(after.package)}.",
             after, [(FILE_PACKAGE,)], before, [(FILE_PACKAGE,)])


def file_same_syntax(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    if before.syntax != after.syntax:
        emit(f"File syntax changed from {q(before.syntax)} to {q(after.syntax)}.",
             after, [(FILE_SYNTAX,)], before, [(FILE_SYNTAX,)])


def file_no_delete(p: Pair, emit: Emit) -> None:
    for path, before in p.before.files.items():
        if path not in p.after.files:
            emit(f"Previously present file {q(path)} was deleted.", None, [], before, [])


def _parent_location(nested: dict[str, MessageInfo], nested_name: str) -> MessageInfo | None:
    """buf attaches a deleted nested element to its closest surviving parent message."""
    parts = nested_name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        parent = nested.get(".".join(parts[:i]))
        if parent is not None:
            return parent
    return None


def report_deleted(emit: Emit, after: FileInfo, nested: dict[str, MessageInfo], nested_name: str, message: str,
                   before: FileInfo, before_path: tuple[int, ...], entity: str) -> None:
    parent = _parent_location(nested, nested_name)
    if parent is not None:
        emit(message, parent.file, [parent.path], before, [before_path], entity)
    else:
        emit(message, after, [], before, [before_path], entity)


def message_no_delete(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    nested = {m.nested_name: m for m in after.messages}
    for m in before.messages:
        if m.nested_name not in nested:
            report_deleted(emit, after, nested, m.nested_name,
                           f"Previously present message {q(m.nested_name)} was deleted from file.",
                           before, m.path, m.full_name)


def enum_no_delete(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    names = {e.nested_name for e in after.enums}
    nested = {m.nested_name: m for m in after.messages}
    for e in before.enums:
        if e.nested_name not in names:
            report_deleted(emit, after, nested, e.nested_name,
                           f"Previously present enum {q(e.nested_name)} was deleted from file.",
                           before, e.path, e.full_name)


def extension_nested_name(ext_full_name: str, package: str) -> str:
    return ext_full_name[len(package) + 1:] if package else ext_full_name


def extension_no_delete(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    names = {extension_nested_name(x.full_name, after.package) for x in after.extensions}
    nested = {m.nested_name: m for m in after.messages}
    for x in before.extensions:
        name = extension_nested_name(x.full_name, before.package)
        if name not in names:
            report_deleted(emit, after, nested, name,
                           f"Previously present extension {q(name)} was deleted from file.",
                           before, x.path, x.full_name)


def service_no_delete(p: Pair, emit: Emit, before: FileInfo, after: FileInfo) -> None:
    names = {s.name for s in after.services}
    for s in before.services:
        if s.name not in names:
            emit(f"Previously present service {q(s.name)} was deleted from file.",
                 after, [], before, [s.path], s.full_name)
