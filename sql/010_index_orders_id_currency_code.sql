-- Unique index on orders (id, currency_code), the target of order_items' composite currency foreign key, built without locking writes
-- migrate:up transaction:false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_id_currency_code_key ON orders (id, currency_code);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS orders_id_currency_code_key;
