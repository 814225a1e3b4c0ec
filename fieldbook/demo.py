"""The demo tenant of DESIGN.md: a home-services business in Toronto with five technicians.

`fieldbook demo` recreates it on every start, so a demo always begins from the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.apikeys.service import create_api_key
from domain.contacts.models import ContactCreate
from domain.contacts.service import create_contact
from domain.db import Database, admin_tx, tenant_tx
from domain.equipment.models import EquipmentCreate
from domain.equipment.service import add_equipment
from domain.staff.duty import DutyUpdate, set_duty
from domain.staff.service import StaffUserCreate, upsert_staff_user
from domain.taxes.models import TaxRateCreate
from domain.taxes.service import create_tax_rate
from domain.technicians.models import TechnicianCreate, WorkingSpan
from domain.technicians.service import create_technician
from domain.tenants.models import Tenant, TenantCreate
from domain.tenants.service import create_tenant, find_by_slug, set_staff_alert_channel

SLUG = "demo"
WIDGET_KEY = "demo-widget-key"
API_KEY = "demo-api-key"
SMS_NUMBER = "+15005550006"
TIMEZONE = "America/Toronto"
STAFF_DOMAIN = "demo.fieldbook.test"
DISPATCHER_PHONE = "+14165550199"

TECHNICIANS = [
    ("Mike Chen", ["HVAC"], "#d9480f"),
    ("Lisa Wong", ["Electrical"], "#f59f00"),
    ("Raj Patel", ["Plumbing"], "#1971c2"),
    ("Ana Souza", ["HVAC", "Plumbing", "Electrical"], "#2f9e44"),
    ("Tom Becker", ["Landscaping", "General Contracting"], "#7048e8"),
]

# name, category, pricing, price, unit price, unit label, minutes
CATALOG = [
    ("Furnace repair (diagnostic visit)", "HVAC", "fixed", "149.00", None, None, 120),
    ("Annual AC maintenance", "HVAC", "fixed", "129.00", None, None, 60),
    ("Drain cleaning", "Plumbing", "fixed", "179.00", None, None, 90),
    ("Outlet installation", "Electrical", "per_unit", None, "85.00", "outlet", 60),
    ("Hedge trimming", "Landscaping", "per_unit", None, "4.50", "linear foot", 120),
    ("Labour (hourly)", None, "flexible", "95.00", None, None, 60),
]


@dataclass
class DemoTenant:
    tenant: Tenant
    api_key: str


def demo_tenant_create(allowed_origins: list[str]) -> TenantCreate:
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    return TenantCreate(
        name="Maple Leaf Home Services", slug=SLUG, timezone=TIMEZONE, phone_region="CA",
        business_hours={d: [(time(9), time(20))] for d in weekdays}, booking_horizon_days=60,
        buffer_minutes=0, service_area="Toronto and the GTA (Mississauga, Brampton, Markham, Vaughan)",
        widget_public_key=WIDGET_KEY, widget_allowed_origins=allowed_origins, sms_number=SMS_NUMBER)


async def seed_demo(db: Database, *, allowed_origins: list[str]) -> DemoTenant:
    """Drop any previous demo tenant and create it afresh with staff, technicians and Sarah Johnson."""
    async with admin_tx(db) as conn:
        old = await find_by_slug(conn, SLUG)
        if old is not None:
            await conn.execute("delete from tenants where id = %s", (old.id,))
        tenant = await create_tenant(conn, demo_tenant_create(allowed_origins))

    async with tenant_tx(db.app_pool, tenant.id, "demo-seed") as conn:
        await create_api_key(conn, tenant_id=tenant.id, name="demo", raw=API_KEY)
        await upsert_staff_user(conn, tenant_id=tenant.id, data=StaffUserCreate(
            email=f"taylor@{STAFF_DOMAIN}", name="Taylor Reed", role="owner"))
        jamie = await upsert_staff_user(conn, tenant_id=tenant.id, data=StaffUserCreate(
            email=f"jamie@{STAFF_DOMAIN}", name="Jamie Fox", role="dispatcher"))
        # Jamie is on duty: a conversation that needs a person texts her (recorded without Twilio)
        await set_duty(conn, user_id=jamie.id, data=DutyUpdate(on_duty=True, phone=DISPATCHER_PHONE), region="CA")
        tenant = await set_staff_alert_channel(conn, channel="sms")
        hours = [WorkingSpan(weekday=d, starts=time(9), ends=time(20)) for d in range(1, 6)]
        technicians = {}
        for name, skills, color in TECHNICIANS:
            first = name.split()[0].lower()
            user = await upsert_staff_user(conn, tenant_id=tenant.id, data=StaffUserCreate(
                email=f"{first}@{STAFF_DOMAIN}", name=name, role="technician"))
            technicians[name] = await create_technician(conn, tenant_id=tenant.id, data=TechnicianCreate(
                name=name, email=f"{first}@{STAFF_DOMAIN}", skills=skills, color=color,
                staff_user_id=user.id, working_hours=hours))
        for name, category, pricing, price, unit_price, unit_label, minutes in CATALOG:
            await conn.execute("""
                insert into services (tenant_id, name, category, pricing_type, price, unit_price, unit_label,
                                      default_duration_minutes)
                values (%s, %s, %s, %s, %s, %s, %s, %s)""",
                (tenant.id, name, category, pricing, price and Decimal(price),
                 unit_price and Decimal(unit_price), unit_label, minutes))
        # Ontario's HST, ready to pick on a line; the owner makes it the default in one click (tax rates)
        await create_tax_rate(conn, tenant_id=tenant.id, data=TaxRateCreate(name="HST", rate_percent=Decimal(13)))
        await _seed_sarah(conn, tenant, technicians["Mike Chen"].id)
    return DemoTenant(tenant=tenant, api_key=API_KEY)


async def _seed_sarah(conn, tenant: Tenant, mike_id) -> None:
    """Sarah Johnson, a returning customer whose furnace Mike Chen serviced in March 2025."""
    sarah = await create_contact(conn, tenant_id=tenant.id, region="CA", data=ContactCreate(
        name="Sarah Johnson", phone="+14165559876", email="sarah.johnson@example.com", source="demo"))
    cur = await conn.execute("""
        insert into addresses (tenant_id, contact_id, label, line1, city, region, postal_code, is_primary)
        values (%s, %s, 'Home', '456 Oak Avenue', 'Toronto', 'ON', 'M4E 1A1', true) returning id""",
        (tenant.id, sarah.id))
    address_id = (await cur.fetchone())[0]
    tz = ZoneInfo(TIMEZONE)
    start = datetime(2025, 3, 12, 10, 0, tzinfo=tz)
    end = datetime(2025, 3, 12, 12, 0, tzinfo=tz)
    cur = await conn.execute("""
        insert into tickets (tenant_id, contact_id, customer_phone, customer_name, category, urgency, status,
                             source_channel, title, description, service_address, address_id, technician_id,
                             clock_in_at, clock_out_at, actual_duration_minutes, closeout_notes, closed_at,
                             created_at)
        values (%(t)s, %(c)s, '+14165559876', 'Sarah Johnson', 'HVAC', 'urgent', 'completed', 'staff',
                'Furnace service', 'Furnace short-cycling; cleaned flame sensor, replaced filter.',
                '456 Oak Avenue, Toronto, ON', %(a)s, %(m)s, %(s)s, %(e)s, 120,
                'Replaced filter, cleaned flame sensor. Furnace is about 12 years old.', %(e)s, %(s)s)
        returning id""", {"t": tenant.id, "c": sarah.id, "a": address_id, "m": mike_id, "s": start, "e": end})
    ticket_id = (await cur.fetchone())[0]
    await conn.execute("""
        insert into appointments (tenant_id, ticket_id, technician_id, during, status, booked_by, created_at)
        values (%s, %s, %s, tstzrange(%s, %s), 'completed', 'demo-seed', %s)""",
        (tenant.id, ticket_id, mike_id, start, end, start))   # booked back then: not a booking of today's reports
    # what that visit's notes said of the furnace, kept as her equipment (no make: the notes named none)
    await add_equipment(conn, tenant_id=tenant.id, contact_id=sarah.id, source_ticket_id=ticket_id,
                        data=EquipmentCreate(type="furnace", install_year=2013, location="basement"))
