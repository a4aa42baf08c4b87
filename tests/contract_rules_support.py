"""Shared helpers for the tests that try to break each contract rule in real PostgreSQL.

A database migrated and seeded with the repository's fixtures is made once per test module and
used as a template: each test gets its own copy, so no test sees another's writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from test_seed_support import migrate, run_seed

from workbench.database.scratch import create_database, database_url, drop_database


@contextmanager
def seeded_template(admin_url: str, root: Path) -> Iterator[str]:
    """A database with every migration applied and every fixture seeded; yields its name."""
    name, url = create_database(admin_url, prefix="wbrules")
    try:
        migrate(root, url)
        result = run_seed(root, url)
        assert result.ok, [f.format() for f in result.findings]
        yield name
    finally:
        drop_database(admin_url, name)


@contextmanager
def copy_of(admin_url: str, template: str) -> Iterator[str]:
    name = f"wbrule_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    try:
        yield database_url(admin_url, name)
    finally:
        drop_database(admin_url, name)


def tax_in(amount: int, rate_bp: int) -> int:
    """Tax contained in a tax-inclusive amount, rounded half up (what the CHECK computes)."""
    return int((Decimal(amount) * rate_bp / (10000 + rate_bp)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def refused(url: str, *statements: tuple[str, dict[str, Any] | tuple[Any, ...] | None]) -> psycopg.errors.IntegrityError:
    """Run the statements in one transaction and commit; the database must refuse (immediately or
    at commit, for the deferred rules). Returns the error; the transaction is rolled back."""
    with psycopg.connect(url) as conn:
        try:
            for statement, params in statements:
                conn.execute(statement, params)
            conn.commit()
        except psycopg.errors.IntegrityError as exc:
            conn.rollback()
            return exc
    raise AssertionError(f"the database accepted: {[s for s, _ in statements]}")


def accepted(url: str, *statements: tuple[str, dict[str, Any] | tuple[Any, ...] | None]) -> None:
    """The control case: the same kind of write, within the rule, commits."""
    with psycopg.connect(url) as conn:
        for statement, params in statements:
            conn.execute(statement, params)
        conn.commit()


def one(url: str, query: str, params: tuple[Any, ...] | dict[str, Any] | None = None) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def order_sql(*, number: str, customer: int, warehouse: int | None, currency: str, status: str = "pending",
              placed_at: str = "2025-11-26T10:00:00+05:30", total: int = 0, tax: int = 0, shipping: int = 0,
              order_id: int) -> tuple[str, dict[str, Any]]:
    """An order with explicit id whose subtotal equals `total - shipping` (tax-inclusive)."""
    return ("INSERT INTO orders (id, order_number, customer_id, warehouse_id, currency_code, status, placed_at,"
            " subtotal_minor, discount_minor, tax_minor, shipping_minor, total_minor)"
            " VALUES (%(id)s, %(n)s, %(c)s, %(w)s, %(cur)s, %(s)s, %(p)s, %(sub)s, 0, %(tax)s, %(ship)s, %(tot)s)",
            {"id": order_id, "n": number, "c": customer, "w": warehouse, "cur": currency, "s": status, "p": placed_at,
             "sub": total - shipping, "tax": tax, "ship": shipping, "tot": total})


def line_sql(*, order_id: int, product: int, price: int, mrp: int | None, rate: int | None, currency: str,
             quantity: int = 1, discount: int = 0, lot: int | None = None, rx_item: int | None = None,
             tax: int | None = None, line_total: int | None = None) -> tuple[str, dict[str, Any]]:
    """An order line; line total and tax follow the 2.0 rules unless given."""
    total = quantity * price - discount if line_total is None else line_total
    line_tax = (tax_in(total, rate) if rate is not None else 0) if tax is None else tax
    # the order's amounts follow the line (its subtotal is the sum of the line totals: a 2.0 rule)
    return ("WITH line AS (INSERT INTO order_items (order_id, product_id, quantity, unit_price_minor, mrp_minor,"
            " discount_minor, tax_rate_basis_points, tax_minor, line_total_minor, currency_code, inventory_item_id,"
            " prescription_item_id, line_number)"
            " VALUES (%(o)s, %(p)s, %(q)s, %(price)s, %(mrp)s, %(d)s, %(rate)s, %(tax)s, %(tot)s, %(cur)s, %(lot)s,"
            " %(rx)s, (SELECT coalesce(max(line_number), 0) + 1 FROM order_items WHERE order_id = %(o)s))"
            " RETURNING order_id, line_total_minor, tax_minor)"
            " UPDATE orders o SET subtotal_minor = o.subtotal_minor + line.line_total_minor,"
            " total_minor = o.total_minor + line.line_total_minor, tax_minor = o.tax_minor + line.tax_minor"
            " FROM line WHERE o.id = line.order_id",
            {"o": order_id, "p": product, "q": quantity, "price": price, "mrp": mrp, "d": discount, "rate": rate,
             "tax": line_tax, "tot": total, "cur": currency, "lot": lot, "rx": rx_item})
