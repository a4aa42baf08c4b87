"""Command-line shell over the core: argument parsing and output formats only."""
