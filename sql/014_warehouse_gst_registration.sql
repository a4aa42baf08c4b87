-- GST registration per Indian warehouse: its GSTIN (one per state), which supplies and invoices what ships from it (contracts 2.0)
-- migrate:up
-- A GSTIN is 15 characters: the 2-digit state code, the holder's PAN (5 letters, 4 digits, a
-- letter), the registration's entity number, 'Z' and a check character. Its first two digits are
-- the supplier's state for telling intra-state supplies (CGST + SGST) from inter-state ones (IGST).
ALTER TABLE warehouses ADD COLUMN gstin varchar(15);
-- workbench:allow MIGRATION_CONSTRAINT_NOT_VALID,SQL_ADD_CONSTRAINT the column is added just above, so every row is NULL and the scan cannot fail
ALTER TABLE warehouses ADD CONSTRAINT warehouses_gstin_check CHECK (gstin IS NULL OR (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$' AND country_code = 'IN'));
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x warehouses stay readable; every new or changed Indian warehouse carries its GSTIN
ALTER TABLE warehouses ADD CONSTRAINT warehouses_gstin_required_check CHECK (country_code <> 'IN' OR gstin IS NOT NULL) NOT VALID;

-- migrate:down
ALTER TABLE warehouses DROP CONSTRAINT warehouses_gstin_required_check;
ALTER TABLE warehouses DROP CONSTRAINT warehouses_gstin_check;
ALTER TABLE warehouses DROP COLUMN gstin;
