-- Guardians and licences at dispatch: a minor is a patient whose guardian holds the account; an order is dispatched only from premises licensed on its date (contracts 2.0)
-- migrate:up
-- A patient is not always the account holder: a child's customer record names the guardian whose
-- account orders for the child (and pays); the child stays the patient on the prescription.
ALTER TABLE customers ADD COLUMN guardian_customer_id bigint;
-- workbench:allow MIGRATION_CONSTRAINT_NOT_VALID,SQL_ADD_CONSTRAINT on the column added just above: every row is NULL, so nothing can fail
ALTER TABLE customers ADD CONSTRAINT customers_guardian_customer_id_fkey FOREIGN KEY (guardian_customer_id) REFERENCES customers (id) ON DELETE RESTRICT;
-- workbench:allow SQL_ADD_CONSTRAINT on the column added just above: every row is NULL, so nothing can fail
ALTER TABLE customers ADD CONSTRAINT customers_guardian_customer_id_check CHECK (guardian_customer_id <> id);
-- (its index is built concurrently by 020)

-- A guardian's order may be dispensed against the prescription of a ward (012's rule, widened).
CREATE OR REPLACE FUNCTION orders_check_prescriptions(order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ord orders%ROWTYPE;
    sale_date date;
    market_country char(2);
    line record;
BEGIN
    SELECT * INTO ord FROM orders WHERE id = order_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    sale_date := (ord.placed_at AT TIME ZONE 'UTC')::date;
    SELECT country_code INTO market_country FROM warehouses WHERE id = ord.warehouse_id;
    FOR line IN
        SELECT oi.id, oi.product_id, oi.prescription_item_id,
               pi.product_id AS rx_product_id, pi.repetitions, p.id AS rx_id, p.customer_id AS rx_customer_id,
               (SELECT c.guardian_customer_id FROM customers c WHERE c.id = p.customer_id) AS rx_guardian_id,
               p.status AS rx_status, p.verified_by_user_id, p.issued_on, p.valid_until,
               coalesce((SELECT pm.requires_prescription FROM product_markets pm
                          WHERE pm.product_id = oi.product_id AND pm.country_code = market_country
                            AND pm.valid_from <= sale_date AND (pm.valid_until IS NULL OR sale_date < pm.valid_until)),
                        false) AS needs_rx
          FROM order_items oi
          LEFT JOIN prescription_items pi ON pi.id = oi.prescription_item_id
          LEFT JOIN prescriptions p ON p.id = pi.prescription_id
         WHERE oi.order_id = ord.id
    LOOP
        IF line.prescription_item_id IS NOT NULL AND line.rx_customer_id <> ord.customer_id
           AND line.rx_guardian_id IS DISTINCT FROM ord.customer_id THEN
            RAISE EXCEPTION 'order %: line % is dispensed against prescription % of another customer (not a ward of the account holder)',
                ord.order_number, line.id, line.rx_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.prescription_item_id IS NOT NULL AND ord.status <> 'cancelled'
           AND (SELECT count(*) FROM order_items oi JOIN orders o ON o.id = oi.order_id
                 WHERE oi.prescription_item_id = line.prescription_item_id AND o.status <> 'cancelled') > 1 + line.repetitions THEN
            RAISE EXCEPTION 'order %: prescription item % is dispensed more than 1 + % repetitions times',
                ord.order_number, line.prescription_item_id, line.repetitions
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF ord.status IN ('pending', 'awaiting_prescription', 'cancelled') OR NOT line.needs_rx THEN
            CONTINUE;
        END IF;
        IF line.prescription_item_id IS NULL THEN
            RAISE EXCEPTION 'order %: line % needs a prescription in % on %; the order cannot be % (keep it awaiting_prescription)',
                ord.order_number, line.id, market_country, sale_date, ord.status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.rx_product_id IS DISTINCT FROM line.product_id THEN
            RAISE EXCEPTION 'order %: line % dispenses product % against prescription item % for product %',
                ord.order_number, line.id, line.product_id, line.prescription_item_id, line.rx_product_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.rx_status NOT IN ('verified', 'dispensed') OR line.verified_by_user_id IS NULL THEN
            RAISE EXCEPTION 'order %: line % is dispensed against prescription %, which is % (not verified)',
                ord.order_number, line.id, line.rx_id, line.rx_status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.valid_until IS NULL OR sale_date > line.valid_until THEN
            RAISE EXCEPTION 'order %: line % of % is past prescription %''s validity (until %)',
                ord.order_number, line.id, sale_date, line.rx_id, coalesce(line.valid_until::text, 'unset')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
    END LOOP;
END
$$;

-- Who may order, and from where: checked at commit for an order that is confirmed or further along
-- (confirmed, paid, packed, shipped, delivered, refunded):
-- - the account holder is of age in the order's market on the order's date (age_of_majority), or
--   has no recorded date of birth; a minor's order is placed by the guardian;
-- - the dispatching premises hold a retail drug licence or a pharmacy licence in force on the
--   order's date, and, when the order is shipped to an address in a market that requires it, a
--   mail-order licence in force then too.
CREATE FUNCTION orders_check_dispatch(order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ord orders%ROWTYPE;
    sale_date date;
    mkt markets%ROWTYPE;
    born date;
BEGIN
    SELECT * INTO ord FROM orders WHERE id = order_id;
    IF NOT FOUND OR ord.status IN ('pending', 'awaiting_prescription', 'cancelled') OR ord.warehouse_id IS NULL THEN
        RETURN;
    END IF;
    sale_date := (ord.placed_at AT TIME ZONE 'UTC')::date;
    SELECT m.* INTO mkt FROM warehouses w JOIN markets m ON m.country_code = w.country_code WHERE w.id = ord.warehouse_id;
    SELECT date_of_birth INTO born FROM customers WHERE id = ord.customer_id;
    IF born IS NOT NULL AND born + make_interval(years => mkt.age_of_majority) > sale_date THEN
        RAISE EXCEPTION 'order %: customer % is a minor in % on % (born %); the guardian''s account orders for them',
            ord.order_number, ord.customer_id, mkt.country_code, sale_date, born
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_customer_id_adult_check';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM licences l WHERE l.warehouse_id = ord.warehouse_id
                      AND l.kind IN ('retail_drug_licence', 'pharmacy_licence')
                      AND l.valid_from <= sale_date AND (l.valid_until IS NULL OR sale_date < l.valid_until)) THEN
        RAISE EXCEPTION 'order %: warehouse % holds no retail or pharmacy licence in force on %', ord.order_number,
            ord.warehouse_id, sale_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_warehouse_id_licence_check';
    END IF;
    IF ord.shipping_address IS NOT NULL AND mkt.mail_order_licence_required AND NOT EXISTS (
            SELECT 1 FROM licences l WHERE l.warehouse_id = ord.warehouse_id AND l.kind = 'mail_order_licence'
               AND l.valid_from <= sale_date AND (l.valid_until IS NULL OR sale_date < l.valid_until)) THEN
        RAISE EXCEPTION 'order %: shipped from warehouse % without a mail-order licence in force on % (required in %)',
            ord.order_number, ord.warehouse_id, sale_date, mkt.country_code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_warehouse_id_licence_check';
    END IF;
END
$$;

CREATE FUNCTION orders_check_dispatch_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM orders_check_dispatch(NEW.id);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER orders_dispatch_check
    AFTER INSERT OR UPDATE OF status, customer_id, warehouse_id, placed_at, shipping_address ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_dispatch_trigger();

-- migrate:down
DROP TRIGGER orders_dispatch_check ON orders;
DROP FUNCTION orders_check_dispatch_trigger();
DROP FUNCTION orders_check_dispatch(bigint);
CREATE OR REPLACE FUNCTION orders_check_prescriptions(order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ord orders%ROWTYPE;
    sale_date date;
    market_country char(2);
    line record;
BEGIN
    SELECT * INTO ord FROM orders WHERE id = order_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    sale_date := (ord.placed_at AT TIME ZONE 'UTC')::date;
    SELECT country_code INTO market_country FROM warehouses WHERE id = ord.warehouse_id;
    FOR line IN
        SELECT oi.id, oi.product_id, oi.prescription_item_id,
               pi.product_id AS rx_product_id, pi.repetitions, p.id AS rx_id, p.customer_id AS rx_customer_id,
               p.status AS rx_status, p.verified_by_user_id, p.issued_on, p.valid_until,
               coalesce((SELECT pm.requires_prescription FROM product_markets pm
                          WHERE pm.product_id = oi.product_id AND pm.country_code = market_country
                            AND pm.valid_from <= sale_date AND (pm.valid_until IS NULL OR sale_date < pm.valid_until)),
                        false) AS needs_rx
          FROM order_items oi
          LEFT JOIN prescription_items pi ON pi.id = oi.prescription_item_id
          LEFT JOIN prescriptions p ON p.id = pi.prescription_id
         WHERE oi.order_id = ord.id
    LOOP
        IF line.prescription_item_id IS NOT NULL AND line.rx_customer_id <> ord.customer_id THEN
            RAISE EXCEPTION 'order %: line % is dispensed against prescription % of another customer',
                ord.order_number, line.id, line.rx_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.prescription_item_id IS NOT NULL AND ord.status <> 'cancelled'
           AND (SELECT count(*) FROM order_items oi JOIN orders o ON o.id = oi.order_id
                 WHERE oi.prescription_item_id = line.prescription_item_id AND o.status <> 'cancelled') > 1 + line.repetitions THEN
            RAISE EXCEPTION 'order %: prescription item % is dispensed more than 1 + % repetitions times',
                ord.order_number, line.prescription_item_id, line.repetitions
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF ord.status IN ('pending', 'awaiting_prescription', 'cancelled') OR NOT line.needs_rx THEN
            CONTINUE;
        END IF;
        IF line.prescription_item_id IS NULL THEN
            RAISE EXCEPTION 'order %: line % needs a prescription in % on %; the order cannot be % (keep it awaiting_prescription)',
                ord.order_number, line.id, market_country, sale_date, ord.status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.rx_product_id IS DISTINCT FROM line.product_id THEN
            RAISE EXCEPTION 'order %: line % dispenses product % against prescription item % for product %',
                ord.order_number, line.id, line.product_id, line.prescription_item_id, line.rx_product_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.rx_status NOT IN ('verified', 'dispensed') OR line.verified_by_user_id IS NULL THEN
            RAISE EXCEPTION 'order %: line % is dispensed against prescription %, which is % (not verified)',
                ord.order_number, line.id, line.rx_id, line.rx_status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
        IF line.valid_until IS NULL OR sale_date > line.valid_until THEN
            RAISE EXCEPTION 'order %: line % of % is past prescription %''s validity (until %)',
                ord.order_number, line.id, sale_date, line.rx_id, coalesce(line.valid_until::text, 'unset')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_prescription_item_id_check';
        END IF;
    END LOOP;
END
$$;
ALTER TABLE customers DROP CONSTRAINT customers_guardian_customer_id_check;
ALTER TABLE customers DROP CONSTRAINT customers_guardian_customer_id_fkey;
ALTER TABLE customers DROP COLUMN guardian_customer_id;
