-- Orders 2.0: one dispatching warehouse and currency per order, tax-inclusive lines at or below MRP, the tax rate used, traceable lots (contracts 2.0)
-- migrate:up
-- Rules added to tables that hold 1.x rows are added NOT VALID: every new or changed row must
-- satisfy them now, and a later release validates them once the 1.x rows are corrected (the
-- contract step). Rules that read other tables are deferred constraint triggers, checked at
-- commit: an order, its lines and the catalog rows they cite may be written in any order within
-- one transaction.

-- The warehouse (or dispensary) the order is dispatched from: its country is the order's market,
-- whose currency the order is in, whose tax rates and MRPs apply, and whose lots it draws.
ALTER TABLE orders ADD COLUMN warehouse_id bigint;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE orders ADD CONSTRAINT orders_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id) ON DELETE RESTRICT NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE orders ADD CONSTRAINT orders_warehouse_id_check CHECK (warehouse_id IS NOT NULL) NOT VALID;
-- (its index is built concurrently by 013)

-- Prices are tax-inclusive (India: MRP includes all taxes; EU: consumer prices include VAT), so the
-- order total no longer adds tax on top: tax_minor is the tax contained in the total.
-- subtotal_minor is the sum of the lines' line_total_minor (tax-inclusive, after line discounts);
-- discount_minor is a discount on the whole order only.
-- Replaced by orders_total_minor_tax_inclusive_check below: totals no longer add tax on top of tax-inclusive prices
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE orders DROP CONSTRAINT orders_total_minor_check;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE orders ADD CONSTRAINT orders_total_minor_tax_inclusive_check CHECK (total_minor = subtotal_minor - discount_minor + shipping_minor) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE orders ADD CONSTRAINT orders_tax_minor_check CHECK (tax_minor <= total_minor) NOT VALID;

-- A line is in its order's currency: a composite foreign key on (order_id, currency_code)
-- (the unique index is built concurrently by 010).
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_currency_code_fkey FOREIGN KEY (order_id, currency_code) REFERENCES orders (id, currency_code) ON DELETE CASCADE NOT VALID;

-- The MRP in force for the product in the order's market on the order's date, and the tax rate
-- in force for its tax category there and then, as used for this line (copied, so that the line
-- keeps them when prices and rates change).
ALTER TABLE order_items ADD COLUMN mrp_minor bigint;
ALTER TABLE order_items ADD COLUMN tax_rate_basis_points integer;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_mrp_minor_check CHECK (mrp_minor IS NOT NULL AND unit_price_minor <= mrp_minor) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_tax_rate_basis_points_check CHECK (tax_rate_basis_points IS NOT NULL AND tax_rate_basis_points BETWEEN 0 AND 10000) NOT VALID;
-- unit_price_minor is the tax-inclusive selling price of one pack: the line total is what the
-- customer pays for the line, and the tax is worked out of it, rounded half up to the minor unit.
-- Replaced by order_items_line_total_minor_tax_inclusive_check below: tax is contained in the price, not added on top
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE order_items DROP CONSTRAINT order_items_line_total_minor_check;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_line_total_minor_tax_inclusive_check CHECK (line_total_minor = quantity * unit_price_minor - discount_minor) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed row obeys it; validated once 1.x rows are corrected
ALTER TABLE order_items ADD CONSTRAINT order_items_tax_minor_check CHECK (tax_minor = round(line_total_minor * tax_rate_basis_points / (10000.0 + tax_rate_basis_points))) NOT VALID;

-- Deleting a lot would lose the batch a recall needs: RESTRICT instead of SET NULL.
-- Replaced by the same foreign key with ON DELETE RESTRICT just below
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE order_items DROP CONSTRAINT order_items_inventory_item_id_fkey;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): the same foreign key with ON DELETE RESTRICT (the dispensing record must stay), NOT VALID as its rows already satisfy it
ALTER TABLE order_items ADD CONSTRAINT order_items_inventory_item_id_fkey FOREIGN KEY (inventory_item_id) REFERENCES inventory_items (id) ON DELETE RESTRICT NOT VALID;

-- The rules that read the order, the lot, the market's MRP and the tax rate. Checked for a line
-- when it is written, and for all lines of an order when the order's warehouse, date or currency
-- change; a lot's product and warehouse cannot change once a line draws it.
CREATE FUNCTION order_items_check_line(line_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    line order_items%ROWTYPE;
    ord orders%ROWTYPE;
    sale_date date;
    market_country char(2);
    market_currency char(3);
    price product_markets%ROWTYPE;
    category text;
    rate integer;
    lot inventory_items%ROWTYPE;
BEGIN
    SELECT * INTO line FROM order_items WHERE id = line_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO ord FROM orders WHERE id = line.order_id;
    IF ord.warehouse_id IS NULL THEN
        RAISE EXCEPTION 'order_items %: order % has no dispatching warehouse (orders.warehouse_id)', line.id, ord.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_market_check';
    END IF;
    -- the sale's date in the order's own offset is not known to the database: the UTC date is used
    sale_date := (ord.placed_at AT TIME ZONE 'UTC')::date;
    SELECT w.country_code, m.currency_code INTO market_country, market_currency
      FROM warehouses w LEFT JOIN markets m ON m.country_code = w.country_code
     WHERE w.id = ord.warehouse_id;
    IF market_currency IS NULL THEN
        RAISE EXCEPTION 'order_items %: warehouse % is in no market', line.id, ord.warehouse_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_market_check';
    END IF;
    IF ord.currency_code <> market_currency THEN
        RAISE EXCEPTION 'order_items %: order % is in % but its warehouse is in the % market (%)', line.id,
            ord.order_number, ord.currency_code, market_country, market_currency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_market_check';
    END IF;

    SELECT * INTO price FROM product_markets
     WHERE product_id = line.product_id AND country_code = market_country
       AND valid_from <= sale_date AND (valid_until IS NULL OR sale_date < valid_until);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order_items %: product % has no MRP in market % on %', line.id, line.product_id, market_country, sale_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_mrp_minor_market_check';
    END IF;
    IF line.mrp_minor IS DISTINCT FROM price.mrp_minor OR line.currency_code <> price.currency_code THEN
        RAISE EXCEPTION 'order_items %: mrp_minor % % is not the MRP in force (% %, product_markets %)', line.id,
            line.mrp_minor, line.currency_code, price.mrp_minor, price.currency_code, price.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_mrp_minor_market_check';
    END IF;

    SELECT tax_category INTO category FROM products WHERE id = line.product_id;
    SELECT rate_basis_points INTO rate FROM tax_rates
     WHERE country_code = market_country AND tax_category = category
       AND valid_from <= sale_date AND (valid_until IS NULL OR sale_date < valid_until);
    IF rate IS NULL THEN
        RAISE EXCEPTION 'order_items %: no % tax rate for % in force on %', line.id, category, market_country, sale_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_tax_rate_market_check';
    END IF;
    IF line.tax_rate_basis_points IS DISTINCT FROM rate THEN
        RAISE EXCEPTION 'order_items %: tax rate % bp is not the % rate in force for % on % (% bp)', line.id,
            line.tax_rate_basis_points, category, market_country, sale_date, rate
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_tax_rate_market_check';
    END IF;

    IF line.inventory_item_id IS NOT NULL THEN
        SELECT * INTO lot FROM inventory_items WHERE id = line.inventory_item_id;
        IF lot.product_id <> line.product_id THEN
            RAISE EXCEPTION 'order_items %: lot % is of product %, not of product %', line.id, lot.batch_number,
                lot.product_id, line.product_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_inventory_item_id_lot_check';
        END IF;
        IF lot.warehouse_id <> ord.warehouse_id THEN
            RAISE EXCEPTION 'order_items %: lot % is in warehouse %, the order ships from warehouse %', line.id,
                lot.batch_number, lot.warehouse_id, ord.warehouse_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_inventory_item_id_lot_check';
        END IF;
        IF lot.expiry_date < sale_date THEN
            RAISE EXCEPTION 'order_items %: lot % expired on %, before the sale on %', line.id, lot.batch_number,
                lot.expiry_date, sale_date
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_inventory_item_id_lot_check';
        END IF;
    END IF;
END
$$;

CREATE FUNCTION order_items_check_line_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_items_check_line(NEW.id);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER order_items_line_check
    AFTER INSERT OR UPDATE OF order_id, product_id, inventory_item_id, unit_price_minor, mrp_minor, tax_rate_basis_points, currency_code ON order_items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION order_items_check_line_trigger();

-- Only a released lot can be drawn: checked when the line takes the lot, not later (a lot recalled
-- after the sale keeps its lines, which is what a recall needs to find).
CREATE FUNCTION order_items_check_lot_released() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lot_status text;
    lot_batch text;
BEGIN
    SELECT status, batch_number INTO lot_status, lot_batch FROM inventory_items WHERE id = NEW.inventory_item_id;
    IF lot_status <> 'released' THEN
        RAISE EXCEPTION 'order_items %: lot % is %, only a released lot can be sold', NEW.id, lot_batch, lot_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_inventory_item_id_lot_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER order_items_inventory_item_id_released
    BEFORE INSERT OR UPDATE OF inventory_item_id ON order_items
    FOR EACH ROW WHEN (NEW.inventory_item_id IS NOT NULL)
    EXECUTE FUNCTION order_items_check_lot_released();

CREATE FUNCTION orders_check_lines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    line_id bigint;
BEGIN
    FOR line_id IN SELECT id FROM order_items WHERE order_id = NEW.id LOOP
        PERFORM order_items_check_line(line_id);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER orders_lines_check
    AFTER UPDATE OF warehouse_id, placed_at, currency_code ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION orders_check_lines();

CREATE FUNCTION inventory_items_keep_sold_lot() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.product_id, NEW.warehouse_id) IS DISTINCT FROM (OLD.product_id, OLD.warehouse_id)
       AND EXISTS (SELECT 1 FROM order_items WHERE inventory_item_id = OLD.id) THEN
        RAISE EXCEPTION 'inventory_items %: lot % has order lines; its product and warehouse cannot change (book a transfer as a new lot)',
            OLD.id, OLD.batch_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inventory_items_sold_lot_check';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER inventory_items_sold_lot_check
    BEFORE UPDATE OF product_id, warehouse_id ON inventory_items
    FOR EACH ROW EXECUTE FUNCTION inventory_items_keep_sold_lot();

-- migrate:down
-- The 1.x rules come back as they were: on rows written under the 2.0 rules (tax-inclusive
-- lines) the down part fails, as it should: those rows cannot be read with the 1.x meaning.
DROP TRIGGER inventory_items_sold_lot_check ON inventory_items;
DROP FUNCTION inventory_items_keep_sold_lot();
DROP TRIGGER orders_lines_check ON orders;
DROP FUNCTION orders_check_lines();
DROP TRIGGER order_items_inventory_item_id_released ON order_items;
DROP FUNCTION order_items_check_lot_released();
DROP TRIGGER order_items_line_check ON order_items;
DROP FUNCTION order_items_check_line_trigger();
DROP FUNCTION order_items_check_line(bigint);
ALTER TABLE order_items DROP CONSTRAINT order_items_inventory_item_id_fkey;
ALTER TABLE order_items ADD CONSTRAINT order_items_inventory_item_id_fkey FOREIGN KEY (inventory_item_id) REFERENCES inventory_items (id) ON DELETE SET NULL;
ALTER TABLE order_items DROP CONSTRAINT order_items_tax_minor_check;
ALTER TABLE order_items DROP CONSTRAINT order_items_line_total_minor_tax_inclusive_check;
ALTER TABLE order_items ADD CONSTRAINT order_items_line_total_minor_check CHECK (line_total_minor = quantity * unit_price_minor - discount_minor + tax_minor);
ALTER TABLE order_items DROP CONSTRAINT order_items_tax_rate_basis_points_check;
ALTER TABLE order_items DROP CONSTRAINT order_items_mrp_minor_check;
ALTER TABLE order_items DROP COLUMN tax_rate_basis_points;
ALTER TABLE order_items DROP COLUMN mrp_minor;
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_currency_code_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_tax_minor_check;
ALTER TABLE orders DROP CONSTRAINT orders_total_minor_tax_inclusive_check;
ALTER TABLE orders ADD CONSTRAINT orders_total_minor_check CHECK (total_minor = subtotal_minor - discount_minor + tax_minor + shipping_minor);
ALTER TABLE orders DROP CONSTRAINT orders_warehouse_id_check;
ALTER TABLE orders DROP CONSTRAINT orders_warehouse_id_fkey;
ALTER TABLE orders DROP COLUMN warehouse_id;
