"""Domain errors: each carries a machine-readable code, a human message and an HTTP status.

Database constraint errors are translated by constraint name (never by parsing the message), and
the message never echoes row data.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors


class DomainError(Exception):
    status_code = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(DomainError):
    status_code = 409
    code = "CONFLICT"


class Invalid(DomainError):
    status_code = 422
    code = "VALIDATION_ERROR"


class Forbidden(DomainError):
    status_code = 403
    code = "FORBIDDEN"


# constraint name -> (error class, code, message)
CONSTRAINT_ERRORS: dict[str, tuple[type[DomainError], str, str]] = {
    "contacts_phone_key": (Conflict, "DUPLICATE_PHONE", "A contact with this phone number already exists."),
    "staff_users_email_key": (Conflict, "DUPLICATE_EMAIL", "A staff member with this email already exists."),
    "service_categories_key_key": (Conflict, "DUPLICATE_CATEGORY", "This service category already exists."),
    "tenants_slug_key": (Conflict, "DUPLICATE_SLUG", "A business with this slug already exists."),
    "tenants_sms_number_key": (Conflict, "DUPLICATE_SMS_NUMBER", "This SMS number belongs to another business."),
    "tenants_widget_public_key_key": (Conflict, "DUPLICATE_WIDGET_KEY", "This widget key is already in use."),
    "attributes_contact_key": (Conflict, "DUPLICATE_ATTRIBUTE", "This contact already has that attribute."),
    "macros_name_key": (Conflict, "DUPLICATE_MACRO", "A macro with this name already exists."),
    "tickets_closed_immutable": (Conflict, "TICKET_CLOSED", "This ticket is closed and can no longer change."),
    "appointments_no_overlap": (Conflict, "SLOT_TAKEN", "That time was just taken."),
    "tax_rates_name_key": (Conflict, "DUPLICATE_TAX_RATE", "A tax rate with this name already exists."),
    "invoices_sent_immutable": (Conflict, "INVOICE_SENT", "This invoice has been sent and can no longer change."),
    "appointments_one_live_per_ticket": (Conflict, "TICKET_ALREADY_BOOKED",
                                         "This ticket already has a booked appointment; reschedule it instead."),
    "tickets_category_fkey": (NotFound, "UNKNOWN_CATEGORY", "Unknown service category."),
    "tickets_tenant_id_category_fkey": (NotFound, "UNKNOWN_CATEGORY", "Unknown service category."),
    "tickets_tenant_id_urgency_fkey": (NotFound, "UNKNOWN_URGENCY", "Unknown urgency level."),
    "services_tenant_id_category_fkey": (NotFound, "UNKNOWN_CATEGORY", "Unknown service category."),
    "kb_categories_slug_key": (Conflict, "DUPLICATE_SLUG", "A knowledge-base category with this slug exists."),
    "kb_sections_slug_key": (Conflict, "DUPLICATE_SLUG", "This category already has a section with this slug."),
    "kb_articles_slug_key": (Conflict, "DUPLICATE_SLUG", "An article with this slug already exists."),
    "kb_sections_tenant_id_category_id_fkey": (Invalid, "UNKNOWN_CATEGORY", "Unknown knowledge-base category."),
    "kb_articles_tenant_id_section_id_fkey": (Invalid, "UNKNOWN_SECTION", "Unknown knowledge-base section."),
    "sla_policies_urgency_key": (Conflict, "DUPLICATE_SLA_POLICY", "This urgency already has an SLA policy."),
    "sla_policies_tenant_id_urgency_fkey": (NotFound, "UNKNOWN_URGENCY", "Unknown urgency level."),
    "business_closures_day_key": (Conflict, "DUPLICATE_CLOSURE", "The business is already closed on that date."),
    "technicians_tenant_id_staff_user_id_fkey": (NotFound, "UNKNOWN_STAFF_USER", "Unknown staff member."),
}


def translate(exc: psycopg.Error) -> DomainError | None:
    """The domain error for a database integrity error, or None when it is not one."""
    if not isinstance(exc, psycopg.errors.IntegrityError):
        return None
    name = exc.diag.constraint_name or ""
    if name in CONSTRAINT_ERRORS:
        cls, code, message = CONSTRAINT_ERRORS[name]
        return cls(message, code=code)
    if isinstance(exc, pg_errors.UniqueViolation):
        return Conflict("This conflicts with an existing record.", code="DUPLICATE")
    if isinstance(exc, pg_errors.ExclusionViolation):
        return Conflict("This overlaps an existing record.", code="OVERLAP")
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return NotFound("A referenced record does not exist.", code="UNKNOWN_REFERENCE")
    return Invalid("The data breaks a rule of the database.", code="CONSTRAINT_VIOLATION")
