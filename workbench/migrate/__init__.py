"""Migration runner core: tracker, advisory lock, guard, status, runner, drift and lock plan.

No TUI or terminal imports here: the CLI (`workbench.cli.migrate`) and the TUI's Migrations
screen both drive these modules. Public pieces other features reuse:

- `workbench.migrate.lock.advisory_lock(conn, timeout=...)`: the per-database lock that
  serialises migrations and seeding (session level, polled, names its holder).
- `workbench.migrate.guard`: read-only refusal and typed confirmation for protected databases,
  including the protection mark stored inside the database.
- `workbench.migrate.targets.resolve_targets(...)`: which databases a command works on.
"""
