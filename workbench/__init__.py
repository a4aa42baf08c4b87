"""Schema Contracts Workbench: one model over protobuf contracts, PostgreSQL migrations and seeds.

The package root holds the core (no UI imports): loaders, the model, checks and services.
`workbench.cli` and `workbench.tui` are thin shells over it.
"""

__version__ = "0.1.0"
