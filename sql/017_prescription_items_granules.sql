-- Prescription items may prescribe granules, as products may since 016 (contracts 2.0)
-- migrate:up
-- workbench:allow MIGRATION_CONSTRAINT_NOT_VALID,SQL_ADD_CONSTRAINT 2.0: the 1.x labels plus 'granules' (a new enum value), which every row satisfies
-- squawk-ignore ban-drop-constraint -- replaced in this migration by the 2.0 constraint (expand/contract, see CHANGELOG 2.0.0)
ALTER TABLE prescription_items DROP CONSTRAINT prescription_items_dosage_form_check,
    ADD CONSTRAINT prescription_items_dosage_form_check CHECK (dosage_form IN ('globules', 'dilution', 'mother_tincture', 'biochemic_tablets', 'tablets', 'ointment', 'cream', 'drops', 'syrup', 'granules'));

-- migrate:down
ALTER TABLE prescription_items DROP CONSTRAINT prescription_items_dosage_form_check,
    ADD CONSTRAINT prescription_items_dosage_form_check CHECK (dosage_form IN ('globules', 'dilution', 'mother_tincture', 'biochemic_tablets', 'tablets', 'ointment', 'cream', 'drops', 'syrup'));
