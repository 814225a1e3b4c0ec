"""A business's sales tax rates: named percentages, one of them the default for new lines.

A rate is copied onto each invoice line when the invoice is drafted, so changing or retiring a rate
never moves an invoice already issued.
"""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound
from domain.taxes.models import TaxRate, TaxRateCreate, TaxRateUpdate

COLUMNS = "id, name, rate_percent, is_default, active, created_at"


async def list_tax_rates(conn: AsyncConnection, *, active_only: bool = False) -> list[TaxRate]:
    """The business's rates, the default first, then by name."""
    return await fetch_all(conn, TaxRate, f"""
        select {COLUMNS} from tax_rates where active or not %(active_only)s
         order by is_default desc, active desc, name""", {"active_only": active_only})


async def get_tax_rate(conn: AsyncConnection, *, tax_rate_id: UUID) -> TaxRate:
    rate = await fetch_one(conn, TaxRate, f"select {COLUMNS} from tax_rates where id = %s", (tax_rate_id,))
    if rate is None:
        raise NotFound("Tax rate not found.")
    return rate


async def default_tax_rate(conn: AsyncConnection) -> TaxRate | None:
    """The rate new lines get unless another is chosen; None when the business charges no tax."""
    return await fetch_one(conn, TaxRate, f"select {COLUMNS} from tax_rates where is_default")


async def usable_tax_rate(conn: AsyncConnection, *, tax_rate_id: UUID) -> TaxRate:
    """An active rate of this business, for a new line."""
    try:
        rate = await get_tax_rate(conn, tax_rate_id=tax_rate_id)
    except NotFound:
        rate = None
    if rate is None or not rate.active:
        raise Invalid("Unknown tax rate.", code="UNKNOWN_TAX_RATE")
    return rate


async def _clear_default(conn: AsyncConnection) -> None:
    await conn.execute("update tax_rates set is_default = false where is_default")


async def create_tax_rate(conn: AsyncConnection, *, tenant_id: UUID, data: TaxRateCreate) -> TaxRate:
    """A new rate; made the default, it takes over from the previous one."""
    if data.is_default:
        await _clear_default(conn)
    rate = await fetch_one(conn, TaxRate, f"""
        insert into tax_rates (tenant_id, name, rate_percent, is_default) values (%s, %s, %s, %s)
        returning {COLUMNS}""", (tenant_id, data.name.strip(), data.rate_percent, data.is_default))
    assert rate is not None
    return rate


async def update_tax_rate(conn: AsyncConnection, *, tax_rate_id: UUID, data: TaxRateUpdate) -> TaxRate:
    """Rename, re-rate, make default or retire; a retired rate is no longer the default."""
    current = await get_tax_rate(conn, tax_rate_id=tax_rate_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("is_default"):
        await _clear_default(conn)
    if changes.get("active") is False:
        changes["is_default"] = False
    merged = current.model_dump() | changes
    rate = await fetch_one(conn, TaxRate, f"""
        update tax_rates set name = %(name)s, rate_percent = %(rate_percent)s, is_default = %(is_default)s,
                             active = %(active)s
         where id = %(id)s returning {COLUMNS}""", merged)
    assert rate is not None
    return rate


async def tax_for_line(conn: AsyncConnection, *, tax_rate_id: UUID | None, untaxed: bool) -> TaxRate | None:
    """The rate a new line carries: the chosen one, none when untaxed, else the business's default."""
    if untaxed:
        return None
    if tax_rate_id is not None:
        return await usable_tax_rate(conn, tax_rate_id=tax_rate_id)
    return await default_tax_rate(conn)
