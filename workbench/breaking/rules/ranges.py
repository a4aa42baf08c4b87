"""Reserved and extension range comparison, with buf's wording for what went missing."""

from __future__ import annotations


def collapse(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def missing(start: int, end: int, collapsed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of [start, end] that no collapsed range covers."""
    gaps: list[tuple[int, int]] = []
    cursor = start
    for a, b in collapsed:
        if b < cursor:
            continue
        if a > end:
            break
        if a > cursor:
            gaps.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


def range_string(start: int, end: int, maximum: int) -> str:
    if start == end:
        return f"[{start}]"
    if end == maximum:
        return f"[{start},max]"
    return f"[{start},{end}]"


def removed_ranges(previous: list[tuple[int, int]], current: list[tuple[int, int]],
                   maximum: int) -> list[tuple[str, str]]:
    """(previous range, removed values) for each previous range not fully kept."""
    if not previous:
        return []
    collapsed = collapse(current)
    out = []
    for start, end in previous:
        gaps = missing(start, end, collapsed)
        if gaps:
            out.append((range_string(start, end, maximum), ", ".join(range_string(a, b, maximum) for a, b in gaps)))
    return out
