-- Unique natural keys of order lines, payments, prescriptions and prescription items, built without locking writes
-- migrate:up transaction:false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS order_items_order_id_line_number_key ON order_items (order_id, line_number);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS payments_order_id_attempt_number_key ON payments (order_id, attempt_number);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS prescriptions_reference_key ON prescriptions (reference);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS prescription_items_prescription_id_line_number_key ON prescription_items (prescription_id, line_number);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS prescription_items_prescription_id_line_number_key;
DROP INDEX CONCURRENTLY IF EXISTS prescriptions_reference_key;
DROP INDEX CONCURRENTLY IF EXISTS payments_order_id_attempt_number_key;
DROP INDEX CONCURRENTLY IF EXISTS order_items_order_id_line_number_key;
