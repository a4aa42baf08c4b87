-- Natural keys for order lines, payments, prescriptions and prescription items; an order's subtotal is the sum of its lines (contracts 2.0)
-- migrate:up
-- Fixtures and services match these rows by a natural key, not by a surrogate id: a line number
-- within its order or prescription, an attempt number within the order's payments, a prescription
-- reference. 1.x rows have none: the columns are nullable, required for every new or changed row
-- (NOT VALID), and unique once set (indexes built concurrently by 022).
ALTER TABLE order_items ADD COLUMN line_number integer;
ALTER TABLE payments ADD COLUMN attempt_number integer;
ALTER TABLE prescriptions ADD COLUMN reference varchar(32);
ALTER TABLE prescription_items ADD COLUMN line_number integer;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row carries its natural key
ALTER TABLE order_items ADD CONSTRAINT order_items_line_number_check CHECK (line_number IS NOT NULL AND line_number > 0) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row carries its natural key
ALTER TABLE payments ADD CONSTRAINT payments_attempt_number_check CHECK (attempt_number IS NOT NULL AND attempt_number > 0) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row carries its natural key
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_reference_check CHECK (reference IS NOT NULL AND reference ~ '^RX-[0-9]{4}-[0-9]{6}$') NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row carries its natural key
ALTER TABLE prescription_items ADD CONSTRAINT prescription_items_line_number_check CHECK (line_number IS NOT NULL AND line_number > 0) NOT VALID;

-- Order.subtotal_minor means one thing: the sum of the lines' tax-inclusive totals (1.x fixtures
-- used it for quantity x price before tax). Checked at commit for an order that has lines.
CREATE FUNCTION orders_check_subtotal(order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ord orders%ROWTYPE;
    lines_total bigint;
BEGIN
    SELECT * INTO ord FROM orders WHERE id = order_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT sum(line_total_minor) INTO lines_total FROM order_items WHERE order_items.order_id = ord.id;
    IF lines_total IS NOT NULL AND lines_total <> ord.subtotal_minor THEN
        RAISE EXCEPTION 'order %: subtotal % is not the sum % of its lines'' totals', ord.order_number,
            ord.subtotal_minor, lines_total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_subtotal_minor_lines_check';
    END IF;
END
$$;
CREATE FUNCTION orders_check_subtotal_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        PERFORM orders_check_subtotal(NEW.id);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM orders_check_subtotal(OLD.order_id);
    ELSE
        PERFORM orders_check_subtotal(NEW.order_id);
        IF TG_OP = 'UPDATE' AND OLD.order_id <> NEW.order_id THEN
            PERFORM orders_check_subtotal(OLD.order_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER orders_subtotal_minor_lines_check
    AFTER INSERT OR UPDATE OF subtotal_minor ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_subtotal_trigger();
CREATE CONSTRAINT TRIGGER order_items_subtotal_check
    AFTER INSERT OR DELETE OR UPDATE OF order_id, line_total_minor ON order_items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_subtotal_trigger();

-- migrate:down
DROP TRIGGER order_items_subtotal_check ON order_items;
DROP TRIGGER orders_subtotal_minor_lines_check ON orders;
DROP FUNCTION orders_check_subtotal_trigger();
DROP FUNCTION orders_check_subtotal(bigint);
ALTER TABLE prescription_items DROP CONSTRAINT prescription_items_line_number_check;
ALTER TABLE prescriptions DROP CONSTRAINT prescriptions_reference_check;
ALTER TABLE payments DROP CONSTRAINT payments_attempt_number_check;
ALTER TABLE order_items DROP CONSTRAINT order_items_line_number_check;
ALTER TABLE prescription_items DROP COLUMN line_number;
ALTER TABLE prescriptions DROP COLUMN reference;
ALTER TABLE payments DROP COLUMN attempt_number;
ALTER TABLE order_items DROP COLUMN line_number;
