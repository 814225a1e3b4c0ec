from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.catalog import service as catalog
from domain.catalog.models import ServiceCreate
from domain.categories import service as categories
from domain.categories.models import ServiceCategoryCreate
from domain.errors import Conflict, Invalid, NotFound


class TestServices:
    async def test_three_pricing_types(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            await catalog.create_service(conn, tenant_id=a.id, data=ServiceCreate(
                name="Furnace repair", category="hvac", pricing_type="fixed", price=Decimal("149.00")))
            await catalog.create_service(conn, tenant_id=a.id, data=ServiceCreate(
                name="Outlet install", category="Electrical", pricing_type="per_unit", unit_price=Decimal("85"),
                unit_label="outlet"))
            await catalog.create_service(conn, tenant_id=a.id, data=ServiceCreate(name="Labour", pricing_type="flexible"))
            listed = await catalog.list_services(conn)
            hvac = await catalog.list_services(conn, category="HVAC")
            with pytest.raises(NotFound) as unknown:
                await catalog.create_service(conn, tenant_id=a.id, data=ServiceCreate(
                    name="Tarot", category="Astrology", pricing_type="flexible"))
        assert [(s.name, s.pricing_type, s.category) for s in listed] == [
            ("Outlet install", "per_unit", "Electrical"), ("Furnace repair", "fixed", "HVAC"), ("Labour", "flexible", None)]
        assert [s.name for s in hvac] == ["Furnace repair"] and hvac[0].price == Decimal("149.00")
        assert unknown.value.code == "UNKNOWN_CATEGORY"

    @pytest.mark.parametrize("fields", [
        {"pricing_type": "fixed"}, {"pricing_type": "per_unit", "unit_price": "5"},
        {"pricing_type": "fixed", "price": "-1"}, {"pricing_type": "hourly", "price": "1"},
    ])
    def test_incomplete_pricing_is_rejected(self, fields):
        with pytest.raises(ValidationError):
            ServiceCreate(name="x", **fields)


class TestCategories:
    async def test_defaults_synonyms_and_new_category(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            keys = [c.key for c in await categories.list_categories(conn)]
            by_synonym = await categories.find_category(conn, text="Leaking")
            by_name = await categories.find_category(conn, text="heating & cooling")
            made = await categories.create_category(conn, tenant_id=a.id, data=ServiceCategoryCreate(
                key="Window Cleaning", name="Window Cleaning", synonyms=["Windows"]))
            found = await categories.find_category(conn, text="windows")
            levels = [u.key for u in await categories.list_urgency_levels(conn)]
        with pytest.raises(Conflict) as duplicate:   # constraint errors become domain errors at the tx boundary
            async with a.tx() as conn:
                await categories.create_category(conn, tenant_id=a.id, data=ServiceCategoryCreate(key="HVAC", name="dup"))
        assert duplicate.value.code == "DUPLICATE_CATEGORY"
        assert keys == ["HVAC", "Plumbing", "Electrical", "Landscaping", "General Contracting"]
        assert (by_synonym.key, by_name.key, found.id) == ("Plumbing", "HVAC", made.id)
        assert levels == ["emergency", "urgent", "normal", "scheduled"]
