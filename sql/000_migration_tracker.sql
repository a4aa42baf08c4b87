-- Create the workbench schema with the migration tracker and database settings tables
-- migrate:up
CREATE SCHEMA workbench;

-- One row per applied (or failed) migration version.
CREATE TABLE workbench.schema_migrations (
    version          text PRIMARY KEY,
    name             text NOT NULL,
    checksum         text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    script           text NOT NULL,
    applied_at       timestamptz NOT NULL DEFAULT now(),
    execution_ms     integer CHECK (execution_ms >= 0),
    applied_by       text NOT NULL DEFAULT current_user,
    success          boolean NOT NULL,
    error            text,
    failed_statement text,
    statements_done  integer NOT NULL DEFAULT 0 CHECK (statements_done >= 0),
    kind             text NOT NULL DEFAULT 'migration' CHECK (kind IN ('migration', 'baseline'))
);

-- Key/value settings of this database, e.g. ('protected', 'true') to refuse destructive commands.
CREATE TABLE workbench.settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- migrate:down
DROP SCHEMA workbench CASCADE;
