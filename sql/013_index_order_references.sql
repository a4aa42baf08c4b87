-- Index the new order references (orders.warehouse_id, order_items.prescription_item_id), built without locking writes
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_warehouse_id_idx ON orders (warehouse_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_prescription_item_id_idx ON order_items (prescription_item_id);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS order_items_prescription_item_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS orders_warehouse_id_idx;
