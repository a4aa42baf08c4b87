-- Index customers.guardian_customer_id (a guardian's wards), built without locking writes
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_guardian_customer_id_idx ON customers (guardian_customer_id);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS customers_guardian_customer_id_idx;
