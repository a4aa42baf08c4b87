-- Index products by name for catalog search, built without locking writes
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS products_name_idx ON products (name);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS products_name_idx;
