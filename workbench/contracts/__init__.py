"""The contract files of the repository read into typed models: `workbench.toml`, protos
(compiled in process), migration files and the schema they define, fixtures, and how the layers
map onto each other. Reads files only: no database, no UI."""
