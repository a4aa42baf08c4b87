"""Contracts 2.0 (issue 17): each rule, broken in SQL against a database migrated and seeded with
the repository's fixtures, is refused by PostgreSQL; the same write within the rule commits.

Fixture rows used (seeders/): warehouses 1 DEL-01, 2 MUM-01, 4 KOL-01, 6 HYD-SHOP-01 (India, INR),
8 FRA-01 (Germany, EUR); product 1 SBL Arnica 30C (MRP 10500 in IN, lots 1 and 71 in DEL-01, 46 in
HYD, 70 expired), product 3 SBL Nux vomica 30C (MRP 10500, 11000 from 2025-10-01; lot 72 recalled),
product 32 (lot 73 quarantined), product 66 Heel Traumeel (DE only, lot 52 in FRA-01), product 29
Calcarea carbonica LM3 (prescription only in IN; order 9 awaits a prescription, prescription 5 was
rejected), prescription 2 of customer 4 (item 3: product 15, no repetition, dispensed by order 3;
item 4: product 14, one repetition).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from contract_rules_support import (
    accepted,
    copy_of,
    line_sql,
    one,
    order_sql,
    refused,
    seeded_template,
    tax_in,
)


@pytest.fixture(scope="module")
def template(pg_admin: str, repo_root: Path) -> Iterator[str]:
    with seeded_template(pg_admin, repo_root) as name:
        yield name


@pytest.fixture
def db(pg_admin: str, template: str) -> Iterator[str]:
    with copy_of(pg_admin, template) as url:
        yield url


def constraint(exc: psycopg.Error) -> str | None:
    return exc.diag.constraint_name


IN_ORDER = {"customer": 2, "warehouse": 1, "currency": "INR", "order_id": 100, "number": "HP-TEST-000100"}


def in_order(**kw: object) -> tuple[str, dict]:
    return order_sql(**{**IN_ORDER, **kw})  # type: ignore[arg-type]


def in_line(**kw: object) -> tuple[str, dict]:
    base: dict[str, object] = {"order_id": 100, "product": 1, "price": 10500, "mrp": 10500, "rate": 500,
                               "currency": "INR", "lot": 1}
    return line_sql(**{**base, **kw})  # type: ignore[arg-type]


def lines_of(url: str, order_id: int) -> int:
    return one(url, "SELECT count(*) FROM order_items WHERE order_id = %s", (order_id,))


# 1. Tax-inclusive MRP per market; never sell above it -------------------------------------------

def test_selling_above_the_mrp_is_refused(db: str) -> None:
    exc = refused(db, in_order(), in_line(price=10501))
    assert constraint(exc) == "order_items_mrp_minor_check"
    assert lines_of(db, 100) == 0
    accepted(db, in_order(), in_line(price=10500))   # at the MRP
    assert lines_of(db, 100) == 1


def test_selling_below_the_mrp_is_fine(db: str) -> None:
    accepted(db, in_order(), in_line(price=9900, quantity=3, discount=700))
    assert one(db, "SELECT tax_minor FROM order_items WHERE order_id = 100") == tax_in(3 * 9900 - 700, 500)


def test_the_line_records_the_mrp_in_force_on_the_order_date(db: str) -> None:
    # product 3's MRP went from 10500 to 11000 on 2025-10-01
    after = {"product": 3, "lot": 3, "price": 10500}
    exc = refused(db, in_order(), in_line(**after, mrp=10500))
    assert constraint(exc) == "order_items_mrp_minor_market_check"
    accepted(db, in_order(), in_line(**after, mrp=11000))
    before = order_sql(**{**IN_ORDER, "order_id": 101, "number": "HP-TEST-000101"},
                       placed_at="2025-09-30T10:00:00+05:30")
    exc = refused(db, before, in_line(**after, order_id=101, mrp=11000))
    assert constraint(exc) == "order_items_mrp_minor_market_check"
    accepted(db, before, in_line(**after, order_id=101, mrp=10500))


def test_tax_is_worked_out_of_the_price_never_added_on_top(db: str) -> None:
    # the 1.x fixture: Rs 105 + 5 % = Rs 110.25
    exc = refused(db, in_order(), in_line(tax=525, line_total=11025))
    assert constraint(exc) == "order_items_line_total_minor_tax_inclusive_check"
    exc = refused(db, in_order(), in_line(tax=525))   # 5 % of the price, not the 5/105 it contains
    assert constraint(exc) == "order_items_tax_minor_check"
    assert lines_of(db, 100) == 0
    accepted(db, in_order(), in_line(tax=500))
    assert one(db, "SELECT tax_minor FROM order_items WHERE order_id = 100") == 500


def test_a_line_without_mrp_or_rate_is_refused(db: str) -> None:
    assert constraint(refused(db, in_order(), in_line(mrp=None))) == "order_items_mrp_minor_check"
    assert constraint(refused(db, in_order(), in_line(rate=None))) == "order_items_tax_rate_basis_points_check"


def test_order_totals_add_no_tax_on_top(db: str) -> None:
    # order 2: subtotal 68200, tax 3248 contained, no shipping
    exc = refused(db, ("UPDATE orders SET total_minor = subtotal_minor + tax_minor WHERE id = 2", None))
    assert constraint(exc) == "orders_total_minor_tax_inclusive_check"
    assert one(db, "SELECT total_minor FROM orders WHERE id = 2") == 68200
    exc = refused(db, ("UPDATE orders SET tax_minor = total_minor + 1 WHERE id = 2", None))
    assert constraint(exc) == "orders_tax_minor_check"


def test_product_market_terms_never_overlap_and_the_mrp_is_positive(db: str) -> None:
    exc = refused(db, ("INSERT INTO product_markets (product_id, country_code, currency_code, mrp_minor, valid_from)"
                       " VALUES (1, 'IN', 'INR', 11500, '2025-06-01')", None))
    assert constraint(exc) == "product_markets_period_excl"
    exc = refused(db, ("INSERT INTO product_markets (product_id, country_code, currency_code, mrp_minor, valid_from)"
                       " VALUES (66, 'FR', 'EUR', 0, '2025-06-01')", None))
    assert constraint(exc) == "product_markets_mrp_minor_check"
    # a revision closes the old period the day the new one starts
    accepted(db, ("UPDATE product_markets SET valid_until = '2026-01-01' WHERE product_id = 1 AND country_code = 'IN'", None),
             ("INSERT INTO product_markets (product_id, country_code, currency_code, mrp_minor, valid_from)"
              " VALUES (1, 'IN', 'INR', 11500, '2026-01-01')", None))
    assert one(db, "SELECT count(*) FROM product_markets WHERE product_id = 1") == 2


# 2. One currency per market, per order and its lines ---------------------------------------------

def test_a_line_is_in_its_orders_currency(db: str) -> None:
    exc = refused(db, in_order(), in_line(currency="EUR"))
    assert constraint(exc) == "order_items_order_id_currency_code_fkey"
    exc = refused(db, ("UPDATE orders SET currency_code = 'EUR' WHERE id = 2", None))
    assert constraint(exc) == "order_items_order_id_currency_code_fkey"
    assert one(db, "SELECT currency_code FROM orders WHERE id = 2") == "INR"


def test_an_order_is_in_its_warehouse_markets_currency(db: str) -> None:
    fra = {"warehouse": 8, "customer": 10}
    exc = refused(db, in_order(**fra), in_line(product=66, price=1149, mrp=1149, rate=1900, lot=52))
    assert constraint(exc) == "order_items_market_check"
    accepted(db, in_order(**fra, currency="EUR"),
             in_line(product=66, price=1149, mrp=1149, rate=1900, lot=52, currency="EUR"))


def test_a_product_without_terms_in_the_market_cannot_be_sold_there(db: str) -> None:
    # SBL Arnica has an Indian MRP only: not sold from Frankfurt, whatever the price
    exc = refused(db, in_order(warehouse=8, customer=10, currency="EUR"),
                  in_line(product=1, price=269, mrp=269, rate=1900, lot=None, currency="EUR"))
    assert constraint(exc) == "order_items_mrp_minor_market_check"


def test_a_price_is_in_its_markets_currency(db: str) -> None:
    exc = refused(db, ("INSERT INTO product_markets (product_id, country_code, currency_code, mrp_minor, valid_from)"
                       " VALUES (36, 'IN', 'EUR', 269, '2025-01-01')", None))
    assert constraint(exc) == "product_markets_country_code_currency_code_fkey"


def test_a_lot_costs_in_its_warehouse_markets_currency(db: str) -> None:
    new_lot = ("INSERT INTO inventory_items (product_id, warehouse_id, batch_number, manufactured_on, expiry_date,"
               " quantity_on_hand, unit_cost_minor, currency_code) VALUES (66, 8, 'HEEL-TEST-1', '2025-01-01',"
               " '2028-01-01', 10, %s, %s)")
    exc = refused(db, (new_lot, (66000, "INR")))
    assert constraint(exc) == "inventory_items_currency_code_market_check"
    exc = refused(db, ("UPDATE inventory_items SET currency_code = 'EUR' WHERE id = 1", None))
    assert constraint(exc) == "inventory_items_currency_code_market_check"
    accepted(db, (new_lot, (666, "EUR")))


# 7. Traceable lots ----------------------------------------------------------------------------------

def test_a_line_draws_a_lot_of_its_own_product(db: str) -> None:
    exc = refused(db, in_order(), in_line(lot=3))   # lot 3 is Nux vomica
    assert constraint(exc) == "order_items_inventory_item_id_lot_check"


def test_a_line_draws_a_lot_of_the_dispatching_warehouse(db: str) -> None:
    # the 1.x fixture: a Hyderabad counter sale drawing a Delhi lot
    hyd = in_order(warehouse=6, customer=9)
    exc = refused(db, hyd, in_line(lot=1))
    assert constraint(exc) == "order_items_inventory_item_id_lot_check"
    accepted(db, hyd, in_line(lot=46))


def test_an_expired_recalled_or_quarantined_lot_is_not_sold(db: str) -> None:
    for lot in (70, 72, 73):   # expired, recalled, quarantined
        product = one(db, "SELECT product_id FROM inventory_items WHERE id = %s", (lot,))
        warehouse = one(db, "SELECT warehouse_id FROM inventory_items WHERE id = %s", (lot,))
        mrp = 11000 if product == 3 else one(db, "SELECT mrp_minor FROM product_markets WHERE product_id = %s", (product,))
        exc = refused(db, in_order(warehouse=warehouse), in_line(product=product, lot=lot, price=mrp, mrp=mrp))
        assert constraint(exc) == "order_items_inventory_item_id_lot_check", lot
    assert lines_of(db, 100) == 0


def test_a_lot_past_its_expiry_date_is_not_sold_whatever_its_status(db: str) -> None:
    # lot 5 (Sulphur 1M, Delhi) is released but expires 2026-01-31
    later = in_order(placed_at="2026-02-15T10:00:00+05:30", status="pending")
    exc = refused(db, later, in_line(product=9, lot=5, price=16000, mrp=16000))
    assert constraint(exc) == "order_items_inventory_item_id_lot_check"
    accepted(db, in_order(placed_at="2026-01-31T10:00:00+05:30"), in_line(product=9, lot=5, price=16000, mrp=16000))


def test_a_sold_lot_is_neither_deleted_nor_moved(db: str) -> None:
    exc = refused(db, ("DELETE FROM inventory_items WHERE id = 1", None))   # drawn by order 8
    assert constraint(exc) == "order_items_inventory_item_id_fkey"
    exc = refused(db, ("UPDATE inventory_items SET warehouse_id = 2 WHERE id = 1", None))
    assert constraint(exc) == "inventory_items_sold_lot_check"
    assert one(db, "SELECT warehouse_id FROM inventory_items WHERE id = 1") == 1
    accepted(db, ("DELETE FROM inventory_items WHERE id = 71", None))   # never sold


def test_an_order_moved_to_another_warehouse_keeps_its_lots_consistent(db: str) -> None:
    exc = refused(db, ("UPDATE orders SET warehouse_id = 4 WHERE id = 8", None))
    assert constraint(exc) == "order_items_inventory_item_id_lot_check"


def test_an_order_has_a_dispatching_warehouse(db: str) -> None:
    exc = refused(db, in_order(warehouse=None))
    assert constraint(exc) == "orders_warehouse_id_check"


def test_a_new_lot_has_a_manufacturing_date_and_a_known_status(db: str) -> None:
    lot = ("INSERT INTO inventory_items (product_id, warehouse_id, batch_number, manufactured_on, expiry_date,"
           " unit_cost_minor, currency_code, status) VALUES (1, 1, 'SBL-TEST-1', %s, '2030-01-01', 5775, 'INR', %s)")
    assert constraint(refused(db, (lot, (None, "released")))) == "inventory_items_manufactured_on_check"
    assert constraint(refused(db, (lot, ("2025-01-01", "on_hold")))) == "inventory_items_status_check"
    accepted(db, (lot, ("2025-01-01", "quarantined")))


def test_one_reorder_point_per_product_and_warehouse(db: str) -> None:
    exc = refused(db, ("INSERT INTO reorder_points (product_id, warehouse_id, reorder_level, reorder_quantity)"
                       " VALUES (1, 1, 10, 20)", None))
    assert constraint(exc) == "reorder_points_product_id_warehouse_id_key"
    exc = refused(db, ("INSERT INTO reorder_points (product_id, warehouse_id, reorder_level, reorder_quantity)"
                       " VALUES (2, 8, 10, 0)", None))
    assert constraint(exc) == "reorder_points_reorder_quantity_check"


# 4. Prescriptions enforced ------------------------------------------------------------------------

CONFIRM_9 = ("UPDATE orders SET status = 'confirmed' WHERE id = 9", None)
NEW_RX = ("INSERT INTO prescriptions (id, reference, customer_id, practitioner_name, issued_on, valid_until, status,"
          " verified_at, verified_by_user_id, prescriber_user_id) VALUES (50, 'RX-2025-000050', %s, 'Dr. S. Banerjee, DHMS',"
          " '2025-11-20', %s, 'verified', '2025-11-25T10:00:00Z', 3, NULL)")
NEW_RX_ITEM = ("INSERT INTO prescription_items (id, prescription_id, line_number, product_id, remedy_name, potency,"
               " dosage_form, dose) VALUES (50, 50, 1, 29, 'Calcarea carbonica', 'LM3', 'dilution', '10 drops once a day')",
               None)


def link_9(item: int) -> tuple[str, tuple[int]]:
    return ("UPDATE order_items SET prescription_item_id = %s WHERE order_id = 9", (item,))


def test_an_order_needing_a_prescription_does_not_leave_awaiting_without_one(db: str) -> None:
    exc = refused(db, CONFIRM_9)
    assert constraint(exc) == "order_items_prescription_item_id_check"
    assert one(db, "SELECT status FROM orders WHERE id = 9") == "awaiting_prescription"


def test_a_rejected_prescription_does_not_dispense(db: str) -> None:
    exc = refused(db, link_9(7), CONFIRM_9)   # item 7 is on rejected prescription 5
    assert constraint(exc) == "order_items_prescription_item_id_check"


def test_a_verified_in_date_prescription_of_the_customer_dispenses(db: str) -> None:
    accepted(db, (NEW_RX, (3, "2026-02-25")), NEW_RX_ITEM, link_9(50), CONFIRM_9)
    assert one(db, "SELECT status FROM orders WHERE id = 9") == "confirmed"


def test_the_prescription_has_not_expired_on_the_order_date(db: str) -> None:
    # order 9 was placed on 2025-11-24; a prescription valid until 2025-11-23 does not cover it
    exc = refused(db, (NEW_RX, (3, "2025-11-23")), NEW_RX_ITEM, link_9(50), CONFIRM_9)
    assert constraint(exc) == "order_items_prescription_item_id_check"
    exc = refused(db, (NEW_RX, (3, None)), NEW_RX_ITEM, link_9(50), CONFIRM_9)   # no validity date at all
    assert constraint(exc) == "order_items_prescription_item_id_check"
    assert one(db, "SELECT status FROM orders WHERE id = 9") == "awaiting_prescription"


def test_another_customers_prescription_does_not_dispense(db: str) -> None:
    # item 4 belongs to customer 4's prescription; order 9 is customer 3's (refused even while awaiting)
    exc = refused(db, link_9(4))
    assert constraint(exc) == "order_items_prescription_item_id_check"


def test_a_prescription_item_is_dispensed_at_most_one_plus_repetitions_times(db: str) -> None:
    mum = {"warehouse": 2, "customer": 4, "status": "confirmed"}
    # item 3 (product 15, no repetition) was dispensed by order 3
    exc = refused(db, in_order(**mum), in_line(product=15, price=16500, mrp=16500, lot=18, rx_item=3))
    assert constraint(exc) == "order_items_prescription_item_id_check"
    # item 4 (product 14, one repetition) was dispensed once
    accepted(db, in_order(**mum), in_line(product=14, price=13000, mrp=13000, lot=75, rx_item=4))
    second = order_sql(**{**IN_ORDER, **mum, "order_id": 101, "number": "HP-TEST-000101"})
    exc = refused(db, second, in_line(order_id=101, product=14, price=13000, mrp=13000, lot=75, rx_item=4))
    assert constraint(exc) == "order_items_prescription_item_id_check"


def test_a_cancelled_order_gives_its_dispensing_back(db: str) -> None:
    mum = {"warehouse": 2, "customer": 4, "status": "confirmed"}
    accepted(db, ("UPDATE orders SET status = 'cancelled' WHERE id = 3", None),
             in_order(**mum), in_line(product=15, price=16500, mrp=16500, lot=18, rx_item=3))
    # and the cancelled order cannot come back while the item is used up
    exc = refused(db, ("UPDATE orders SET status = 'paid' WHERE id = 3", None))
    assert constraint(exc) == "order_items_prescription_item_id_check"


def test_a_prescription_in_use_cannot_be_unverified(db: str) -> None:
    exc = refused(db, ("UPDATE prescriptions SET status = 'pending_review' WHERE id = 2", None))
    assert constraint(exc) == "order_items_prescription_item_id_check"
    assert one(db, "SELECT status FROM prescriptions WHERE id = 2") == "verified"


def test_prescription_rules_are_per_jurisdiction_and_date(db: str) -> None:
    # Heel Engystol becomes prescription-only in Germany from 2025-11-26 (data, not code)
    accepted(db, ("UPDATE product_markets SET valid_until = '2025-11-26' WHERE product_id = 67 AND country_code = 'DE'", None),
             ("INSERT INTO product_markets (product_id, country_code, currency_code, mrp_minor, requires_prescription,"
              " valid_from) VALUES (67, 'DE', 'EUR', 1095, true, '2025-11-26')", None))
    fra = {"warehouse": 8, "customer": 10, "currency": "EUR", "status": "paid"}
    line = {"product": 67, "price": 1095, "mrp": 1095, "rate": 1900, "lot": 53, "currency": "EUR"}
    exc = refused(db, in_order(**fra, placed_at="2025-11-26T09:00:00+01:00"), in_line(**line))
    assert constraint(exc) == "order_items_prescription_item_id_check"
    accepted(db, in_order(**fra, placed_at="2025-11-25T09:00:00+01:00"), in_line(**line))


def test_a_verified_prescription_names_its_verifier_who_is_not_its_prescriber(db: str) -> None:
    exc = refused(db, ("UPDATE prescriptions SET verified_by_user_id = NULL WHERE id = 2", None))
    assert constraint(exc) == "prescriptions_verified_by_user_id_check"
    exc = refused(db, ("UPDATE prescriptions SET verified_by_user_id = prescriber_user_id WHERE id = 2", None))
    assert constraint(exc) == "prescriptions_self_verification_check"
    assert one(db, "SELECT verified_by_user_id FROM prescriptions WHERE id = 2") == 2


def test_dispensing_records_are_not_deleted(db: str) -> None:
    exc = refused(db, ("DELETE FROM prescriptions WHERE id = 2", None))   # items cascade; lines restrict
    assert constraint(exc) == "order_items_prescription_item_id_fkey"
    exc = refused(db, ("DELETE FROM product_markets WHERE product_id = 19", None),
                  ("DELETE FROM products WHERE id = 19", None))   # prescribed by item 6
    assert constraint(exc) == "prescription_items_product_id_fkey"
    assert one(db, "SELECT count(*) FROM prescription_items WHERE product_id = 19") == 1


def test_a_prescribed_ointment_has_no_potency(db: str) -> None:
    assert one(db, "SELECT potency FROM prescription_items WHERE id = 2") is None


# 6. Tax rate per jurisdiction and date, recorded on the line ---------------------------------------

def test_the_rate_is_the_one_in_force_on_the_order_date(db: str) -> None:
    before = in_order(placed_at="2025-09-21T12:00:00+05:30")
    exc = refused(db, before, in_line(rate=500))
    assert constraint(exc) == "order_items_tax_rate_market_check"
    accepted(db, before, in_line(rate=1200))
    assert one(db, "SELECT tax_minor FROM order_items WHERE order_id = 100") == 1125
    on_the_day = order_sql(**{**IN_ORDER, "order_id": 101, "number": "HP-TEST-000101"},
                           placed_at="2025-09-22T12:00:00+05:30")
    exc = refused(db, on_the_day, in_line(order_id=101, rate=1200))
    assert constraint(exc) == "order_items_tax_rate_market_check"


def test_a_german_order_is_charged_german_vat(db: str) -> None:
    fra = in_order(warehouse=8, customer=10, currency="EUR")
    line = {"product": 66, "price": 1149, "mrp": 1149, "lot": 52, "currency": "EUR"}
    exc = refused(db, fra, in_line(**line, rate=500))
    assert constraint(exc) == "order_items_tax_rate_market_check"
    accepted(db, fra, in_line(**line, rate=1900))
    assert one(db, "SELECT tax_minor FROM order_items WHERE order_id = 100") == 183


def test_tax_rate_periods_never_overlap(db: str) -> None:
    exc = refused(db, ("INSERT INTO tax_rates (country_code, tax_category, rate_basis_points, valid_from)"
                       " VALUES ('IN', 'homeopathic_medicine', 1800, '2025-01-01')", None))
    assert constraint(exc) == "tax_rates_period_excl"
    exc = refused(db, ("INSERT INTO tax_rates (country_code, tax_category, rate_basis_points, valid_from)"
                       " VALUES ('US', 'homeopathic_medicine', 0, '2025-01-01')", None))
    assert constraint(exc) == "tax_rates_country_code_fkey"


def test_without_a_rate_in_force_nothing_is_sold(db: str) -> None:
    exc = refused(db, ("DELETE FROM tax_rates WHERE id = 2", None), in_order(), in_line())
    assert constraint(exc) == "order_items_tax_rate_market_check"


# 5. GST invoices, credit notes, refunds -----------------------------------------------------------
# invoices: 1 MH/25-26/0001 (Mumbai to Gujarat: IGST), 2 KA/25-26/0001 (Bengaluru, intra-state:
# CGST + SGST; partly credited by 10), 5 DE-2025-000017 (EUR, no GST), 7 KA/25-26/0002 (credited in
# full by credit note 9), 8 DL/25-26/0002 (B2B, the clinic's GSTIN)

def test_a_gst_invoice_number_has_at_most_16_characters(db: str) -> None:
    exc = refused(db, ("UPDATE invoices SET number = 'INV/2025-26/000042' WHERE id = 2", None))   # 18
    assert constraint(exc) == "invoices_number_gst_check"
    exc = refused(db, ("UPDATE invoices SET number = 'KA 25-26 0001' WHERE id = 2", None))   # spaces
    assert constraint(exc) == "invoices_number_gst_check"
    accepted(db, ("UPDATE invoices SET number = 'KA/25-26/000042' WHERE id = 2", None))
    accepted(db, ("UPDATE invoices SET number = 'RE-2025-11-25-000017-FRA' WHERE id = 5", None))   # not GST


def test_a_gst_invoice_bills_a_business_by_its_gstin(db: str) -> None:
    exc = refused(db, ("UPDATE invoices SET tax_id = 'DE811234567' WHERE id = 8", None))
    assert constraint(exc) == "invoices_tax_id_check"
    accepted(db, ("UPDATE invoices SET tax_id = 'DE811234567' WHERE id = 5", None))   # a German VAT id on a German invoice


def test_the_supplier_gstin_is_the_dispatching_warehouses(db: str) -> None:
    delhi = one(db, "SELECT gstin FROM warehouses WHERE id = 1")
    exc = refused(db, ("UPDATE invoices SET supplier_gstin = %s WHERE id = 1", (delhi,)))
    assert constraint(exc) == "invoices_supplier_gstin_warehouse_check"
    exc = refused(db, ("UPDATE invoices SET supplier_gstin = NULL, place_of_supply = NULL WHERE id = 1", None))
    assert constraint(exc) == "invoices_supplier_gstin_warehouse_check"


def test_intra_state_supply_is_cgst_and_sgst_inter_state_igst(db: str) -> None:
    # Bengaluru to a Gujarat address would be inter-state: invoice 2's CGST + SGST lines are wrong then
    exc = refused(db, ("UPDATE invoices SET place_of_supply = '24' WHERE id = 2", None))
    assert constraint(exc) == "invoice_lines_gst_supply_check"
    exc = refused(db, ("UPDATE invoice_lines SET cgst_minor = cgst_minor + 1, sgst_minor = sgst_minor - 1"
                       " WHERE invoice_id = 2 AND line_number = 1", None))
    assert constraint(exc) == "invoice_lines_gst_split_check"
    exc = refused(db, ("UPDATE invoice_lines SET igst_minor = tax_minor, cgst_minor = 0, sgst_minor = 0"
                       " WHERE invoice_id = 2 AND line_number = 1", None))
    assert constraint(exc) == "invoice_lines_gst_supply_check"
    # a German invoice has VAT, no GST split
    exc = refused(db, ("UPDATE invoice_lines SET igst_minor = tax_minor WHERE invoice_id = 5 AND line_number = 1", None))
    assert constraint(exc) == "invoice_lines_gst_supply_check"


def test_invoice_amounts_are_the_sums_of_its_lines_shipping_included(db: str) -> None:
    # the 1.x fixture: Rs 315.00 invoiced (no shipping) for Rs 365.00 paid
    exc = refused(db, ("DELETE FROM invoice_lines WHERE invoice_id = 1 AND order_item_id IS NULL", None))
    assert constraint(exc) == "invoices_lines_sum_check"
    exc = refused(db, ("UPDATE invoices SET subtotal_minor = subtotal_minor - 100, total_minor = total_minor - 100"
                       " WHERE id = 1", None))
    assert constraint(exc) == "invoices_lines_sum_check"
    exc = refused(db, ("UPDATE invoice_lines SET total_minor = total_minor + 1 WHERE invoice_id = 1 AND line_number = 1", None))
    assert constraint(exc) == "invoice_lines_total_minor_check"
    assert one(db, "SELECT sum(total_minor) FROM invoice_lines WHERE invoice_id = 1") == \
        one(db, "SELECT total_minor FROM orders WHERE id = 1")


def test_an_issued_invoice_is_corrected_by_a_credit_note_not_voided(db: str) -> None:
    exc = refused(db, ("UPDATE invoices SET status = 'void' WHERE id = 3", None))
    assert constraint(exc) == "invoices_void_check"
    exc = refused(db, ("UPDATE invoices SET original_invoice_id = NULL WHERE id = 9", None))
    assert constraint(exc) == "invoices_original_invoice_id_check"
    exc = refused(db, ("UPDATE invoices SET original_invoice_id = 3 WHERE id = 9", None))   # another order's
    assert constraint(exc) == "invoices_credit_note_check"


def test_credit_notes_never_credit_more_than_the_invoice(db: str) -> None:
    # invoice 7 is already credited in full by credit note 9
    note = ("INSERT INTO invoices (id, number, order_id, kind, original_invoice_id, status, issued_on, billing_name,"
            " subtotal_minor, tax_minor, total_minor, currency_code, supplier_gstin, place_of_supply)"
            " SELECT 20, 'KA/CN2526/0099', order_id, 'credit_note', 7, 'issued', '2025-11-30', billing_name,"
            " 9524, 476, 10000, currency_code, supplier_gstin, place_of_supply FROM invoices WHERE id = 7")
    line = ("INSERT INTO invoice_lines (invoice_id, line_number, description, quantity, taxable_value_minor,"
            " tax_rate_basis_points, igst_minor, tax_minor, total_minor) VALUES (20, 1, 'Goodwill', 1, 9524, 500, 476,"
            " 476, 10000)")
    exc = refused(db, (note, None), (line, None))
    assert constraint(exc) == "invoices_credit_note_check"
    # invoice 2 (Rs 682.00) is credited Rs 114.00 so far: Rs 100.00 more fits
    accepted(db, (note.replace("'credit_note', 7", "'credit_note', 2").replace("WHERE id = 7", "WHERE id = 2"), None),
             (line.replace("9524, 500, 476, 476", "9524, 500, 0, 476").replace("igst_minor", "cgst_minor"), None),
             ("UPDATE invoice_lines SET cgst_minor = 238, sgst_minor = 238 WHERE invoice_id = 20", None))
    assert one(db, "SELECT count(*) FROM invoices WHERE original_invoice_id = 2") == 2


def test_refunds_are_recorded_on_the_payment(db: str) -> None:
    exc = refused(db, ("UPDATE payments SET status = 'refunded' WHERE id = 1", None))   # nothing refunded
    assert constraint(exc) == "payments_refunded_minor_check"
    exc = refused(db, ("UPDATE payments SET refunded_minor = amount_minor WHERE id = 2", None))   # still 'partially'
    assert constraint(exc) == "payments_refunded_minor_check"
    exc = refused(db, ("UPDATE payments SET refunded_minor = amount_minor + 1, status = 'refunded' WHERE id = 2", None))
    assert constraint(exc) == "payments_refunded_minor_check"
    accepted(db, ("UPDATE payments SET refunded_minor = amount_minor, status = 'refunded' WHERE id = 2", None))


def test_an_indian_warehouse_carries_a_valid_gstin(db: str) -> None:
    assert constraint(refused(db, ("UPDATE warehouses SET gstin = '27AAHCH7409R1Z' WHERE id = 2", None))) == \
        "warehouses_gstin_check"
    assert constraint(refused(db, ("UPDATE warehouses SET gstin = '27AAHCH7409R1ZS' WHERE id = 8", None))) == \
        "warehouses_gstin_check"   # Frankfurt has no GSTIN
    assert constraint(refused(db, ("UPDATE warehouses SET gstin = NULL WHERE id = 2", None))) == \
        "warehouses_gstin_required_check"


# 3. Potency rules -----------------------------------------------------------------------------------

NEW_PRODUCT = ("INSERT INTO products (sku, name, remedy_name, brand_id, category_id, potency, potency_scale,"
               " potency_label, dosage_form, pack_size, is_combination, unit_price_minor, currency_code)"
               " VALUES ('TEST-SKU', 'Test remedy', 'Arnica montana', 3, 5, %s, %s, %s, %s, '30 ml', %s, 10500, 'INR')")


def product(potency: str | None, scale: str | None, form: str, label: str | None = "x",
            combination: bool = False) -> tuple[str, tuple]:
    return (NEW_PRODUCT, (potency, scale, label, form, combination))


@pytest.mark.parametrize(("potency", "scale"), [
    ("30", "c"), ("30CH", "c"), ("6D", "x"), ("0X", "x"), ("1000M", "c"), ("Q", "lm"), ("0/1", "lm"),
    ("LM0", "lm"), ("30C", "x"), ("Q", "mother_tincture"), ("6X", None),
])
def test_a_potency_must_be_canonical_for_its_scale(db: str, potency: str, scale: str | None) -> None:
    form = "mother_tincture" if scale == "mother_tincture" else "dilution"
    assert constraint(refused(db, product(potency, scale, form))) == "products_potency_check"


@pytest.mark.parametrize(("potency", "scale", "form"), [
    ("6X", "x", "biochemic_tablets"), ("12X", "x", "dilution"), ("30C", "c", "globules"), ("1M", "c", "dilution"),
    ("10M", "c", "dilution"), ("50M", "c", "dilution"), ("CM", "c", "dilution"), ("9C", "c", "granules"),
    ("LM1", "lm", "dilution"), ("LM18", "lm", "globules"), (None, "mother_tincture", "mother_tincture"),
])
def test_canonical_potencies_are_accepted(db: str, potency: str | None, scale: str, form: str) -> None:
    accepted(db, product(potency, scale, form))


def test_mother_tincture_scale_if_and_only_if_mother_tincture_form(db: str) -> None:
    assert constraint(refused(db, product(None, "mother_tincture", "dilution"))) == \
        "products_potency_scale_mother_tincture_check"
    assert constraint(refused(db, product(None, None, "mother_tincture"))) == \
        "products_potency_scale_mother_tincture_check"


def test_lm_only_as_dilution_or_globules(db: str) -> None:
    assert constraint(refused(db, product("LM1", "lm", "biochemic_tablets"))) == "products_potency_scale_lm_check"
    assert constraint(refused(db, product("LM1", "lm", "ointment"))) == "products_potency_scale_lm_check"


def test_a_single_remedy_in_a_potentized_form_has_a_potency(db: str) -> None:
    for form in ("dilution", "globules", "granules", "biochemic_tablets", "tablets"):
        assert constraint(refused(db, product(None, None, form, label=None))) == \
            "products_potency_single_remedy_check", form
    accepted(db, product(None, None, "drops", label=None, combination=True))   # an R-series combination
    accepted(db, ("UPDATE products SET sku = 'TEST-OINT' WHERE sku = 'TEST-SKU'", None),
             product(None, None, "ointment", label=None))


def test_the_printed_label_is_kept_apart_and_required(db: str) -> None:
    assert constraint(refused(db, product("9C", "c", "granules", label=None))) == "products_potency_label_check"
    assert one(db, "SELECT potency || ' / ' || potency_label FROM products WHERE id = 36") == "9C / 9 CH"
    assert one(db, "SELECT coalesce(potency, 'none') || ' / ' || potency_label FROM products WHERE id = 54") == "none / Q"


# 8. Licences with validity; minors order through their guardian ------------------------------------

def licence(warehouse: int, kind: str, valid_from: str = "2025-01-01", valid_until: str | None = None) -> tuple[str, tuple]:
    return ("INSERT INTO licences (warehouse_id, kind, number, valid_from, valid_until) VALUES (%s, %s, %s, %s, %s)",
            (warehouse, kind, f"TEST-{warehouse}-{kind}", valid_from, valid_until))


def test_indian_retail_and_wholesale_licences_are_a_pair(db: str) -> None:
    # Lyon (FR) holds none; Pune (IN) holds a pair until 2028-04-01: renew only the retail one
    renew = licence(7, "retail_drug_licence", "2028-04-01", "2033-04-01")
    assert constraint(refused(db, renew)) == "licences_pair_check"
    accepted(db, renew, licence(7, "wholesale_drug_licence", "2028-04-01", "2033-04-01"))
    accepted(db, licence(9, "pharmacy_licence"))   # France pairs nothing


def test_licence_periods_of_one_kind_never_overlap(db: str) -> None:
    exc = refused(db, licence(8, "mail_order_licence", "2024-01-01"))
    assert constraint(exc) == "licences_period_excl"


def test_no_dispatch_without_a_licence_in_force(db: str) -> None:
    # Delhi's licences lapse on 2028-04-01
    later = in_order(placed_at="2028-06-01T10:00:00+05:30", status="paid")
    exc = refused(db, later, in_line(lot=71))
    assert constraint(exc) == "orders_warehouse_id_licence_check"
    accepted(db, in_order(placed_at="2028-03-31T10:00:00+05:30", status="paid"), in_line(lot=71))


def test_shipping_medicines_in_germany_needs_a_mail_order_licence(db: str) -> None:
    fra = {"warehouse": 8, "customer": 10, "currency": "EUR", "status": "paid"}
    line = in_line(product=66, price=1149, mrp=1149, rate=1900, lot=52, currency="EUR")
    shipped = ("UPDATE orders SET shipping_address = 'Bergerstraße 118, 60316 Frankfurt am Main' WHERE id = 100", None)
    exc = refused(db, ("DELETE FROM licences WHERE kind = 'mail_order_licence'", None), in_order(**fra), line, shipped)
    assert constraint(exc) == "orders_warehouse_id_licence_check"
    # a counter sale needs no mail-order licence
    accepted(db, ("DELETE FROM licences WHERE kind = 'mail_order_licence'", None), in_order(**fra), line)


def test_a_minor_does_not_hold_the_ordering_account(db: str) -> None:
    # Karthik (customer 5) was born in 2017; his mother Lakshmi (14) is his guardian
    exc = refused(db, in_order(customer=5, status="paid"), in_line(lot=71))
    assert constraint(exc) == "orders_customer_id_adult_check"
    accepted(db, in_order(customer=14, status="paid"), in_line(lot=71))
    exc = refused(db, ("UPDATE customers SET guardian_customer_id = 5 WHERE id = 5", None))
    assert constraint(exc) == "customers_guardian_customer_id_check"


def test_a_guardian_orders_against_the_wards_prescription(db: str) -> None:
    rx = ("INSERT INTO prescriptions (id, reference, customer_id, practitioner_name, issued_on, valid_until, status,"
          " verified_at, verified_by_user_id) VALUES (60, 'RX-2025-000060', 5, 'Dr. K. Raman, BHMS', '2025-11-20',"
          " '2026-02-20', 'verified', '2025-11-20T10:00:00Z', 2)", None)
    item = ("INSERT INTO prescription_items (id, prescription_id, line_number, product_id, remedy_name, potency,"
            " dosage_form, dose) VALUES (60, 60, 1, 9, 'Sulphur', '1M', 'dilution', '2 drops once')", None)
    sulphur = {"product": 9, "lot": 5, "price": 16000, "mrp": 16000, "rx_item": 60}
    exc = refused(db, rx, item, in_order(customer=15, status="paid"), in_line(**sulphur))   # not Karthik's guardian
    assert constraint(exc) == "order_items_prescription_item_id_check"
    accepted(db, rx, item, in_order(customer=14, status="paid"), in_line(**sulphur))


# 9. One meaning per amount; natural keys -------------------------------------------------------------

def test_an_orders_subtotal_is_the_sum_of_its_line_totals(db: str) -> None:
    # the 1.x fixtures used subtotal for quantity x price before tax
    exc = refused(db, ("UPDATE orders SET subtotal_minor = subtotal_minor + 100, total_minor = total_minor + 100"
                       " WHERE id = 2", None))
    assert constraint(exc) == "orders_subtotal_minor_lines_check"
    exc = refused(db, ("DELETE FROM order_items WHERE order_id = 4 AND line_number = 2", None))   # not invoiced
    assert constraint(exc) == "orders_subtotal_minor_lines_check"


def test_rows_carry_their_natural_keys(db: str) -> None:
    assert constraint(refused(db, ("UPDATE order_items SET line_number = 1 WHERE order_id = 2 AND line_number = 2",
                                   None))) == "order_items_order_id_line_number_key"
    assert constraint(refused(db, ("UPDATE order_items SET line_number = NULL WHERE id = 1", None))) == \
        "order_items_line_number_check"
    assert constraint(refused(db, ("UPDATE payments SET attempt_number = 1 WHERE order_id = 7 AND attempt_number = 2",
                                   None))) == "payments_order_id_attempt_number_key"
    assert constraint(refused(db, ("UPDATE prescriptions SET reference = 'RX-42' WHERE id = 1", None))) == \
        "prescriptions_reference_check"
    assert constraint(refused(db, ("UPDATE prescription_items SET line_number = NULL WHERE id = 1", None))) == \
        "prescription_items_line_number_check"


def test_a_prescription_is_dispensed_only_when_used_up(db: str) -> None:
    # prescription 1: item 1 (one repetition) was dispensed once by order 1, item 2 (none) once
    exc = refused(db, ("UPDATE prescriptions SET status = 'dispensed' WHERE id = 1", None))
    assert constraint(exc) == "prescriptions_status_dispensed_check"
    # prescription 2's items: 3 (no repetition) and 4 (one) were dispensed by order 3; a second
    # dispensing of item 4 uses it up
    mum = {"warehouse": 2, "customer": 4, "status": "paid"}
    accepted(db, in_order(**mum), in_line(product=14, price=13000, mrp=13000, lot=75, rx_item=4),
             ("UPDATE prescriptions SET status = 'dispensed' WHERE id = 2", None))
    assert one(db, "SELECT status FROM prescriptions WHERE id = 2") == "dispensed"
