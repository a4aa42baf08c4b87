"""The workbench TUI (Textual). Start it with `workbench` or `workbench.tui.launch.launch(root)`.

See README.md in this folder for how screens plug in.
"""
