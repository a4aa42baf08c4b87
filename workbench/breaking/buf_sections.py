"""The fields a `breaking` and a `lint` section of a buf.yaml share (use, except, ignore,
ignore_only), read the same way for both; each caller names the error it raises."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def strings(value: object, source: str, key: str, error: type[ValueError]) -> list[str]:
    """A string or a list of strings (buf accepts both); None is the empty list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise error(f"{source}: '{key}' must be a list of strings")


def rule_lists(section: dict[str, Any], source: str,
               error: type[ValueError]) -> tuple[list[str], list[str], list[str], dict[str, list[str]]]:
    """(use, except, ignore, ignore_only) of a section; `use` empty when the section has none."""
    ignore_only = section.get("ignore_only") or {}
    if not isinstance(ignore_only, dict):
        raise error(f"{source}: 'ignore_only' must map rule IDs to paths")
    ignore = strings(section.get("ignore"), source, "ignore", error)
    only = {str(k): strings(v, source, f"ignore_only.{k}", error) for k, v in ignore_only.items()}
    only = {k: paths for k, paths in only.items() if paths}  # an ID with no paths is dropped unchecked, as buf does
    _not_nested(ignore, "ignore", source, error)
    for paths in only.values():
        _not_nested(paths, "ignore_only path", source, error)
    # `- ` with nothing after it is "" to Go, which buf drops: `use: [""]` is buf's default rules
    return ([u for u in strings(section.get("use"), source, "use", error) if u],
            [e for e in strings(section.get("except"), source, "except", error) if e], ignore, only)


def _not_nested(paths: list[str], what: str, source: str, error: type[ValueError]) -> None:
    """buf refuses an ignore path inside another of the same list (its normalizeAndCheckPaths):
    `ignore "a/b.proto" is within ignore "a" which is not allowed`. Repeats are merged first."""
    unique = sorted({p.strip("/") for p in paths} - {"", "."})
    for i, inner in enumerate(unique):
        for outer in unique[:i]:
            if inner.startswith(outer + "/"):
                raise error(f'{source}: {what} "{inner}" is within {what} "{outer}" which is not allowed')
