"""Read-only in the TUI: one list of the bindings that write, dropped from every screen.

When `workbench.readonly.is_read_only()` (`workbench serve --read-only`), each screen drops these
bindings as it is created, so they are absent everywhere the app lists bindings: the footer, the
command palette (built from the active bindings), the help screen and the keys themselves. The
core refuses the same writes anyway (`workbench.readonly.refuse_writes`); this only keeps the UI
honest about what it offers. A screen that adds a writing action adds its binding id here.
"""

from __future__ import annotations

from textual.dom import DOMNode

from workbench.readonly import is_read_only

WRITE_BINDING_IDS = frozenset({
    "migrations.apply", "migrations.rollback", "migrations.reset", "migrations.resolve",
    "migrations.baseline", "migrations.protect", "migrations.unprotect", "migrations.create",
    "seeds.apply",
    "codegen.run_all", "codegen.run_selected", "codegen.toggle_on_save",
})


def drop_write_bindings(node: DOMNode) -> None:
    """Remove `node`'s writing bindings when the workbench runs read-only (else do nothing)."""
    if not is_read_only():
        return
    by_key = node._bindings.key_to_bindings
    for key, bindings in list(by_key.items()):
        kept = [b for b in bindings if b.id not in WRITE_BINDING_IDS]
        if kept:
            by_key[key] = kept
        else:
            del by_key[key]
