-- Prescriptions enforced: who verified, order lines dispensed against prescription items, repetitions counted, records kept (contracts 2.0)
-- migrate:up
-- Who prescribed and who verified, as users.id of the auth service (no foreign key across service
-- databases, like notifications.recipient_user_id). Prescribers may also be pharmacist users: a
-- prescription is never verified by the user who wrote it.
ALTER TABLE prescriptions ADD COLUMN prescriber_user_id bigint;
ALTER TABLE prescriptions ADD COLUMN verified_by_user_id bigint;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_verified_by_user_id_check CHECK (verified_by_user_id IS NOT NULL OR status NOT IN ('verified', 'dispensed')) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_self_verification_check CHECK (verified_by_user_id <> prescriber_user_id) NOT VALID;

-- A prescribed ointment, cream or combination has no potency: potency is nullable, as on products.
-- squawk-ignore ban-drop-not-null -- 2.0: a prescribed ointment or combination has no potency (nullable, as on products)
ALTER TABLE prescription_items ALTER COLUMN potency DROP NOT NULL;
-- Deleting a product or prescription must not erase what was dispensed against it: RESTRICT.
-- Replaced by the same foreign key with ON DELETE RESTRICT just below
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE prescription_items DROP CONSTRAINT prescription_items_product_id_fkey;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): the same foreign key with ON DELETE RESTRICT (the dispensing record must stay), NOT VALID as its rows already satisfy it
ALTER TABLE prescription_items ADD CONSTRAINT prescription_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT NOT VALID;
-- Replaced by the same foreign key with ON DELETE RESTRICT just below
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE orders DROP CONSTRAINT orders_prescription_id_fkey;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): the same foreign key with ON DELETE RESTRICT (the dispensing record must stay), NOT VALID as its rows already satisfy it
ALTER TABLE orders ADD CONSTRAINT orders_prescription_id_fkey FOREIGN KEY (prescription_id) REFERENCES prescriptions (id) ON DELETE RESTRICT NOT VALID;

-- Each dispensed line names the prescription item it fills, so repetitions can be counted.
ALTER TABLE order_items ADD COLUMN prescription_item_id bigint;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_prescription_item_id_fkey FOREIGN KEY (prescription_item_id) REFERENCES prescription_items (id) ON DELETE RESTRICT NOT VALID;
-- (its index is built concurrently by 013)

-- An order that is confirmed or further along (confirmed, paid, packed, shipped, delivered,
-- refunded) has, for each line whose product needs a prescription in the order's market on the
-- order's date (product_markets.requires_prescription), a prescription item of the same product,
-- on a prescription of the order's customer that is verified (or dispensed), names its verifier,
-- and has a valid_until on or after the order's date (a prescription may be written after the
-- order was placed: that is what awaiting_prescription waits for). Any line that names a
-- prescription item names one of its own customer's, and an item is named by at most
-- 1 + repetitions lines of orders that are not cancelled. Checked at commit whenever an order, a
-- line, a prescription or a prescription item changes.
CREATE FUNCTION orders_check_prescriptions(order_id bigint) RETURNS void
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

CREATE FUNCTION orders_check_prescriptions_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected bigint;
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        PERFORM orders_check_prescriptions(NEW.id);
    ELSIF TG_TABLE_NAME = 'order_items' THEN
        PERFORM orders_check_prescriptions(NEW.order_id);
    ELSE
        -- a prescription or one of its items changed: re-check every order that dispenses from it
        FOR affected IN
            SELECT DISTINCT oi.order_id FROM order_items oi JOIN prescription_items pi ON pi.id = oi.prescription_item_id
             WHERE (TG_TABLE_NAME = 'prescriptions' AND pi.prescription_id = NEW.id)
                OR (TG_TABLE_NAME = 'prescription_items' AND pi.id = NEW.id)
        LOOP
            PERFORM orders_check_prescriptions(affected);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER orders_prescriptions_check
    AFTER INSERT OR UPDATE OF status, customer_id, warehouse_id, placed_at ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_prescriptions_trigger();
CREATE CONSTRAINT TRIGGER order_items_prescriptions_check
    AFTER INSERT OR UPDATE OF order_id, product_id, prescription_item_id ON order_items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_prescriptions_trigger();
CREATE CONSTRAINT TRIGGER prescriptions_orders_check
    AFTER UPDATE OF customer_id, status, verified_by_user_id, issued_on, valid_until ON prescriptions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_prescriptions_trigger();
CREATE CONSTRAINT TRIGGER prescription_items_orders_check
    AFTER UPDATE OF prescription_id, product_id, repetitions ON prescription_items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_prescriptions_trigger();

-- migrate:down
-- The 1.x foreign keys come back as they were (SET NULL).
DROP TRIGGER prescription_items_orders_check ON prescription_items;
DROP TRIGGER prescriptions_orders_check ON prescriptions;
DROP TRIGGER order_items_prescriptions_check ON order_items;
DROP TRIGGER orders_prescriptions_check ON orders;
DROP FUNCTION orders_check_prescriptions_trigger();
DROP FUNCTION orders_check_prescriptions(bigint);
ALTER TABLE order_items DROP CONSTRAINT order_items_prescription_item_id_fkey;
ALTER TABLE order_items DROP COLUMN prescription_item_id;
ALTER TABLE orders DROP CONSTRAINT orders_prescription_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_prescription_id_fkey FOREIGN KEY (prescription_id) REFERENCES prescriptions (id) ON DELETE SET NULL;
ALTER TABLE prescription_items DROP CONSTRAINT prescription_items_product_id_fkey;
ALTER TABLE prescription_items ADD CONSTRAINT prescription_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE SET NULL;
ALTER TABLE prescription_items ALTER COLUMN potency SET NOT NULL;
ALTER TABLE prescriptions DROP CONSTRAINT prescriptions_self_verification_check;
ALTER TABLE prescriptions DROP CONSTRAINT prescriptions_verified_by_user_id_check;
ALTER TABLE prescriptions DROP COLUMN verified_by_user_id;
ALTER TABLE prescriptions DROP COLUMN prescriber_user_id;
