-- Potency rules on products: a canonical potency valid for its scale, mother tincture iff the form is mother tincture, LM only as dilution or globules, single remedies potentized; the printed label kept apart; granules (contracts 2.0)
-- migrate:up
-- products.potency is the canonical potency: "6X" (decimal, also printed D6), "30C" (centesimal,
-- also printed CH), "1M" / "10M" / "50M" / "CM" (1000C, 10000C, 50000C, 100000C), "LM1" (fifty-
-- millesimal, also printed 0/1 in India). A mother tincture has no potency: its scale says what it
-- is and its label is "Q" or "Ø". "Q" means mother tincture and nothing else.
-- products.potency_label is the potency as printed on the pack ("9 CH", "D6", "0/1", "Q").
ALTER TABLE products ADD COLUMN potency_label varchar(16);

-- Boiron's tubes hold granules (small), not globules.
-- workbench:allow MIGRATION_CONSTRAINT_NOT_VALID,SQL_ADD_CONSTRAINT 2.0: the 1.x labels plus 'granules' (a new enum value), which every row satisfies
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE products DROP CONSTRAINT products_dosage_form_check,
    ADD CONSTRAINT products_dosage_form_check CHECK (dosage_form IN ('globules', 'dilution', 'mother_tincture', 'biochemic_tablets', 'tablets', 'ointment', 'cream', 'drops', 'syrup', 'granules'));
-- (prescription_items accepts 'granules' too: 017, in the customers' migrations)

-- 1.x said only "potency and scale are both set or both unset"; a mother tincture has a scale and
-- no potency, so that rule is replaced by the ones below.
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE products DROP CONSTRAINT products_potency_check;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable (1.x mother tinctures carry potency 'Q'); every new or changed product obeys it
ALTER TABLE products ADD CONSTRAINT products_potency_check CHECK (CASE potency_scale
        WHEN 'x' THEN potency ~ '^[1-9][0-9]*X$'
        WHEN 'c' THEN potency ~ '^([1-9][0-9]*C|(1|10|50)M|CM)$'
        WHEN 'lm' THEN potency ~ '^LM[1-9][0-9]*$'
        ELSE potency IS NULL END) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed product obeys it
ALTER TABLE products ADD CONSTRAINT products_potency_scale_mother_tincture_check CHECK ((potency_scale IS NOT DISTINCT FROM 'mother_tincture') = (dosage_form = 'mother_tincture')) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed product obeys it
ALTER TABLE products ADD CONSTRAINT products_potency_scale_lm_check CHECK (potency_scale IS DISTINCT FROM 'lm' OR dosage_form IN ('dilution', 'globules')) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed product obeys it
ALTER TABLE products ADD CONSTRAINT products_potency_single_remedy_check CHECK (is_combination OR dosage_form NOT IN ('dilution', 'globules', 'granules', 'biochemic_tablets', 'tablets') OR potency IS NOT NULL) NOT VALID;
-- workbench:allow SQL_ADD_CONSTRAINT 2.0 (major): NOT VALID, so 1.x rows stay readable; every new or changed potentized product carries its printed label
ALTER TABLE products ADD CONSTRAINT products_potency_label_check CHECK (potency_scale IS NULL OR potency_label IS NOT NULL) NOT VALID;

-- migrate:down
ALTER TABLE products DROP CONSTRAINT products_potency_label_check;
ALTER TABLE products DROP CONSTRAINT products_potency_single_remedy_check;
ALTER TABLE products DROP CONSTRAINT products_potency_scale_lm_check;
ALTER TABLE products DROP CONSTRAINT products_potency_scale_mother_tincture_check;
ALTER TABLE products DROP CONSTRAINT products_potency_check;
ALTER TABLE products ADD CONSTRAINT products_potency_check CHECK ((potency IS NULL) = (potency_scale IS NULL));
ALTER TABLE products DROP CONSTRAINT products_dosage_form_check,
    ADD CONSTRAINT products_dosage_form_check CHECK (dosage_form IN ('globules', 'dilution', 'mother_tincture', 'biochemic_tablets', 'tablets', 'ointment', 'cream', 'drops', 'syrup'));
ALTER TABLE products DROP COLUMN potency_label;
