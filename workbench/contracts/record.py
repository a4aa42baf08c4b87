"""Value classes written out by hand, for the modules a small CLI run loads.

Why not `dataclasses`: Python 3.11 compiles each generated method of a dataclass at import (`exec`),
0.3-1 ms a class; the dozen a 1-file module's `workbench breaking`/`workbench lint` made were a tenth
of its run, most of which is start-up. A `Record` lists its fields in `_fields` and writes its own
`__init__`; equality and repr come from the fields as a dataclass's would. `FrozenRecord` is also
hashable (by its fields); that it is never changed is a convention here, not enforced.
"""

from __future__ import annotations


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # changeable, so not hashable (as a dataclass with eq)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"


class FrozenRecord(Record):
    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Record's None: unhashable
        return hash(self._values())
