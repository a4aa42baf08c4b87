"""`workbench serve`: the TUI in a browser through textual-serve, behind a token (see server.py)."""
