"""Seeding: fixtures into a live database, validated against its schema, fast and all-or-nothing.

No terminal or TUI imports here: `workbench.cli.seed` and the TUI's Seeds screen both call
`workbench.seed.run.seed()` and render its `SeedResult`.

    live.py       the target database's tables, columns, keys, FKs and sequences (catalogs)
    types.py      live column types -> the normalised names `fixture_values` understands
    order.py      FK order of tables (cycles via deferrable constraints) and parents-first rows
    validate.py   per-row checks against the live schema, fused with COPY formatting
    stage.py      the temporary staging table and COPY into it
    apply.py      set-based diff, MERGE (or UPDATE + INSERT before PostgreSQL 15), replace, locate
    sequences.py  identity/serial sequences: moved past the seeded ids, restored after a dry-run
    plan.py       which fixtures go to which tables (names, --all, skipped tables)
    result.py     SeedResult / TableResult / RowChange and the --json shape
    run.py        seed(): guards, lock, one transaction, progress, dry-run rollback
"""
