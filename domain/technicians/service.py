"""Technicians: skills (service category keys), weekly working hours, active flag."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound
from domain.phones import normalize_phone
from domain.technicians.models import Technician, TechnicianCreate, TechnicianUpdate, WorkingSpan

COLUMNS = "id, name, phone, email::text as email, skills, color, active, staff_user_id, created_at"


async def _check_skills(conn: AsyncConnection, skills: list[str]) -> None:
    known = {r[0] for r in await (await conn.execute("select key from service_categories")).fetchall()}
    unknown = sorted(set(skills) - known)
    if unknown:
        raise NotFound(f"Unknown service categories: {', '.join(unknown)}.", code="UNKNOWN_CATEGORY")


def _phone(raw: str | None, region: str) -> str | None:
    """A technician's phone as typed, in E.164 (Invalid naming the field when it is not a number)."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_phone(raw, region)
    except Invalid as exc:
        raise Invalid(f"phone: {exc.message}", code="VALIDATION_ERROR") from None


async def create_technician(conn: AsyncConnection, *, tenant_id: UUID, data: TechnicianCreate,
                            region: str = "US") -> Technician:
    await _check_skills(conn, data.skills)
    tech = await fetch_one(conn, Technician, f"""
        insert into technicians (tenant_id, name, phone, email, skills, color, staff_user_id)
        values (%s, %s, %s, %s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.name, _phone(data.phone, region), data.email or None, data.skills, data.color,
         data.staff_user_id))
    assert tech is not None
    await set_working_hours(conn, tenant_id=tenant_id, technician_id=tech.id, spans=data.working_hours)
    return tech


async def set_working_hours(conn: AsyncConnection, *, tenant_id: UUID, technician_id: UUID,
                            spans: list[WorkingSpan]) -> None:
    """Replace the technician's weekly hours."""
    await conn.execute("delete from working_hours where technician_id = %s", (technician_id,))
    async with conn.cursor() as cur:
        await cur.executemany(
            "insert into working_hours (tenant_id, technician_id, weekday, starts, ends) values (%s, %s, %s, %s, %s)",
            [(tenant_id, technician_id, s.weekday, s.starts, s.ends) for s in spans])


async def get_working_hours(conn: AsyncConnection, *, technician_id: UUID) -> list[WorkingSpan]:
    return await fetch_all(conn, WorkingSpan, """
        select weekday, starts, ends from working_hours where technician_id = %s order by weekday, starts""",
        (technician_id,))


async def get_technician(conn: AsyncConnection, *, technician_id: UUID) -> Technician:
    tech = await fetch_one(conn, Technician, f"select {COLUMNS} from technicians where id = %s", (technician_id,))
    if tech is None:
        raise NotFound("Technician not found.")
    return tech


async def list_technicians(conn: AsyncConnection, *, skill: str | None = None,
                           active: bool | None = True) -> list[Technician]:
    """Technicians, optionally those with a skill (`'HVAC' = any(skills)`), by name."""
    return await fetch_all(conn, Technician, f"""
        select {COLUMNS} from technicians
         where (%(skill)s::text is null or %(skill)s = any(skills))
           and (%(active)s::boolean is null or active = %(active)s)
         order by name, id""", {"skill": skill, "active": active})


async def update_technician(conn: AsyncConnection, *, technician_id: UUID, data: TechnicianUpdate,
                            region: str = "US") -> Technician:
    """Change the fields sent; a deactivated technician is offered no more times from the next query."""
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "skills", "color", "active"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field}: may not be empty.", code="VALIDATION_ERROR")
    if "skills" in changes:
        await _check_skills(conn, changes["skills"])
    if "phone" in changes:
        changes["phone"] = _phone(changes["phone"], region)
    if not changes:
        return await get_technician(conn, technician_id=technician_id)
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(f), sql.Placeholder(f)) for f in changes)
    query = sql.SQL("update technicians set {} where id = %(id)s returning " + COLUMNS).format(assignments)
    tech = await fetch_one(conn, Technician, query, {**changes, "id": technician_id})
    if tech is None:
        raise NotFound("Technician not found.")
    return tech
