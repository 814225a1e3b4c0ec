"""Form fields as staff type them: attribute values ("type: dog, name: Biscuit" for objects), numbers, lines."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from domain.equipment.models import EquipmentCreate
from domain.errors import Invalid

PAIR = re.compile(r"^\s*([a-z_]+)\s*:\s*(.+?)\s*$")
MAX_ROWS = 30


def value_text(value: Any) -> str:
    """How a stored attribute value reads in a form field."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    return str(value)


def parse_value(text: str) -> Any:
    """The reverse of value_text: "k: v, k: v" becomes an object, "...; ..." a list of them."""
    items = [part for part in text.split(";") if part.strip()]
    parsed = [_object(part) for part in items]
    if parsed and all(p is not None for p in parsed):
        return parsed[0] if len(parsed) == 1 else parsed
    return text.strip()


def _object(text: str) -> dict[str, str] | None:
    pairs = [PAIR.match(p) for p in text.split(",")]
    if not pairs or not all(pairs):
        return None
    return {m.group(1): m.group(2) for m in pairs if m}


def attributes_from_form(form: dict[str, str]) -> dict[str, Any]:
    """Checked rows of the step-2 list (attr-N-keep, attr-N-key, attr-N-value) as key -> value."""
    out: dict[str, Any] = {}
    for n in range(MAX_ROWS):
        key = form.get(f"attr-{n}-key", "").strip().lower().replace(" ", "_")
        text = form.get(f"attr-{n}-value", "").strip()
        if not key or not text or form.get(f"attr-{n}-keep") != "on":
            continue
        if len(text) > 500:
            raise Invalid(f"The value of {key} is too long.", code="VALIDATION_ERROR")
        out[key] = parse_value(text)
    return out


def decimal_field(text: str | None, field: str) -> Decimal | None:
    """A number typed in a form, None when blank; Invalid (naming the field) when it is not one."""
    if text is None or not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise Invalid(f"{field} must be a number.", code="VALIDATION_ERROR") from None


LineModel = TypeVar("LineModel", bound=BaseModel)


def line_from_form(form: dict[str, str], model: type[LineModel]) -> LineModel:
    """A job or invoice line from its form: a catalog service (service_id) or a part (description and
    price); tax_rate_id is a rate, "none" for no tax, or blank for the business's default."""
    tax = form.get("tax_rate_id", "").strip()
    try:
        return model(service_id=form.get("service_id") or None, description=form.get("description") or None,
                     quantity=decimal_field(form.get("quantity"), "Quantity") or Decimal(1),
                     unit_price=decimal_field(form.get("unit_price"), "Price"),
                     tax_rate_id=tax if tax not in ("", "none") else None, untaxed=tax == "none")
    except ValidationError as exc:
        raise Invalid("Choose a service or name the part, with a positive quantity and price.",
                      code="VALIDATION_ERROR") from exc


EQUIPMENT_FIELDS = ("type", "make", "model", "serial", "install_year", "location")


def equipment_from_form(form: dict[str, str]) -> list[EquipmentCreate]:
    """Ticked rows of the step-2 equipment list (equip-N-keep, equip-N-type, equip-N-make ...)."""
    out = []
    for n in range(MAX_ROWS):
        values = {f: form.get(f"equip-{n}-{f}", "").strip() for f in EQUIPMENT_FIELDS}
        if form.get(f"equip-{n}-keep") != "on" or not values["type"]:
            continue
        if values["install_year"].isdigit():   # forms send text; the model takes a JSON integer
            values["install_year"] = int(values["install_year"])
        try:
            out.append(EquipmentCreate(**{k: v for k, v in values.items() if v}))
        except ValidationError:
            raise Invalid(f"Check the details of the {values['type'][:80]}: the year as 4 digits, short names.",
                          code="VALIDATION_ERROR") from None
    return out
