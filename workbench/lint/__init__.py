"""`workbench lint`: buf's lint rules over a buf module or workspace (and `workbench check`'s proto lint)."""
