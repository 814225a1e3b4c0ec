"""What tools return: small, and only what the verified caller may see."""

from __future__ import annotations

from pydantic import BaseModel


class ToolResult(BaseModel):
    """Every result can carry an error code and a message the agent can act on."""
    error: str | None = None
    message: str | None = None


class CustomerLookup(ToolResult):
    phone: str | None = None
    verified: bool = False
    known_customer: bool | None = None      # None: not disclosed until the phone is verified
    name: str | None = None
    address_on_file: str | None = None
    last_service: str | None = None


class Registration(ToolResult):
    registered: bool = False


class TicketResult(ToolResult):
    ticket_code: str | None = None
    category: str | None = None
    urgency: str | None = None


class Option(BaseModel):
    option_id: str
    technician: str
    start: str          # local, human-readable
    end: str


class OptionsResult(ToolResult):
    ticket_code: str | None = None
    options: list[Option] = []
    matched_request: bool = True            # False: nothing fitted the asked time; these are the nearest


class BookingResult(ToolResult):
    booked: bool = False
    ticket_code: str | None = None
    technician: str | None = None
    start: str | None = None
    end: str | None = None
    address: str | None = None
    confirmation_sms: bool = False          # a confirmation text is queued to the customer's phone
    options: list[Option] = []              # fresh options when the chosen one is gone


class MyAppointment(BaseModel):
    ref: str
    ticket_code: str
    category: str
    technician: str
    start: str


class AppointmentsResult(ToolResult):
    appointments: list[MyAppointment] = []


class HistoryItem(BaseModel):
    ticket_code: str
    category: str
    title: str | None
    status: str
    date: str


class EquipmentItem(BaseModel):
    """An appliance on record, as the customer may hear it: never its serial number."""
    type: str
    make: str | None = None
    model: str | None = None
    install_year: int | None = None
    location: str | None = None
    warranty_end: str | None = None


class HistoryResult(ToolResult):
    items: list[HistoryItem] = []
    equipment: list[EquipmentItem] = []


class PriceItem(BaseModel):
    service: str
    price: str


class BusinessInfo(ToolResult):
    business: str
    hours: list[str] = []
    service_area: str | None = None
    prices: list[PriceItem] = []


class KnowledgeAnswer(ToolResult):
    """What the business's published articles say about a question (nothing when none answers it)."""
    found: bool = False
    article: str | None = None          # the answering article's title
    quote: str | None = None            # the article's own sentences; say nothing beyond them
    gap_logged: bool = False            # no article answered: the question was passed to the owner


class CodeResult(ToolResult):
    sent: bool = False
    verified: bool = False


class HandOffResult(ToolResult):
    handed_off: bool = False
    ticket_code: str | None = None
