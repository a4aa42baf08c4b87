-- A prescription is 'dispensed' only when every item has been dispensed 1 + repetitions times (contracts 2.0)
-- migrate:up
-- 'dispensed' means nothing is left to dispense (1.x fixtures marked a prescription dispensed with
-- a repetition unused). Checked at commit when a prescription becomes (or stays) dispensed.
CREATE FUNCTION prescriptions_check_dispensed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rx prescriptions%ROWTYPE;
    item record;
BEGIN
    SELECT * INTO rx FROM prescriptions WHERE id = NEW.id;
    IF NOT FOUND OR rx.status <> 'dispensed' THEN
        RETURN NULL;
    END IF;
    FOR item IN
        SELECT pi.id, pi.line_number, pi.repetitions,
               (SELECT count(*) FROM order_items oi JOIN orders o ON o.id = oi.order_id
                 WHERE oi.prescription_item_id = pi.id AND o.status <> 'cancelled') AS dispensed
          FROM prescription_items pi WHERE pi.prescription_id = rx.id
    LOOP
        IF item.dispensed < 1 + item.repetitions THEN
            RAISE EXCEPTION 'prescription %: item % was dispensed % of % times, so the prescription is not dispensed yet',
                coalesce(rx.reference, rx.id::text), coalesce(item.line_number, item.id), item.dispensed, 1 + item.repetitions
                USING ERRCODE = 'check_violation', CONSTRAINT = 'prescriptions_status_dispensed_check';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER prescriptions_status_dispensed_check
    AFTER INSERT OR UPDATE OF status ON prescriptions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION prescriptions_check_dispensed();

-- migrate:down
DROP TRIGGER prescriptions_status_dispensed_check ON prescriptions;
DROP FUNCTION prescriptions_check_dispensed();
