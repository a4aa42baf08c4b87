"""Live column types in the normalised names `workbench.contracts.fixture_column_fit.value_problem` expects.

One place maps catalog type names (`int8`, `bpchar`, `_text`, domains, enums) to the names the
static schema uses (`bigint`, `char`, `text[]`), so fixtures are judged by one converter
whether the schema comes from the migration files or from a running database.
"""

from __future__ import annotations

import re

from workbench.contracts.migration_schema import TYPE_NAMES

_MODS = re.compile(r"\(([^)]*)\)")


def normalise(typname: str, format_type: str, *, is_array: bool, is_enum: bool) -> tuple[str, str]:
    """(normalised type, display type) for a column; `typname` is the element's for arrays."""
    base = "text" if is_enum else TYPE_NAMES.get(typname, typname)
    m = _MODS.search(format_type)
    mods = f"({m[1]})" if m and not is_enum else ""
    suffix = "[]" if is_array else ""
    display = (format_type if is_enum else base + mods) + suffix
    return base + suffix, display
