"""Close-out extraction: technician notes -> structured customer attributes, the customer's equipment
and the recommended follow-up.

With a model configured (LLM_* settings) the notes go through pydantic-ai with `ExtractedAttributes`
as the structured output type; with none, or when the model fails, the rule-based extractor serves.
`equipment_needed` is what the technician must bring (ladders, a drain camera); `equipment` is what
the customer owns (the Lennox furnace), which the close-out proposes for the equipment records.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

PROMPT_FILE = Path(__file__).resolve().parent.parent / "prompts" / "extractor.txt"
CATEGORIES = ("customer_demographic", "pet", "property_notes", "equipment_needed", "service_preferences",
              "property_details", "vehicle")
# Found in notes, but kept elsewhere than the contact's attributes: the equipment records, the next service.
PROPOSALS = ("equipment", "follow_up")


class Pet(BaseModel):
    type: str = Field(description="dog, cat, parrot ...")
    name: str | None = Field(None, description="the pet's name, when given")


class Vehicle(BaseModel):
    type: str = Field(description="truck, van, electric car, boat ...")
    note: str | None = Field(None, description="why it matters, e.g. 'parks in driveway'")


class Appliance(BaseModel):
    """An appliance the customer owns, named with at least a make, model, serial or year."""
    type: str = Field(description="furnace, water heater, heat pump, air conditioner, boiler ...")
    make: str | None = Field(None, description="the brand, e.g. Lennox")
    model: str | None = Field(None, description="the model number, e.g. ML180")
    serial: str | None = None
    install_year: int | None = Field(None, ge=1900, le=2100)
    location: str | None = Field(None, description="where in the house, e.g. basement")


class FollowUp(BaseModel):
    """A recommended next service and when: "recommend a full tune-up in 6 months"."""
    service: str = Field(description="what to do next time, e.g. full tune-up")
    months: int = Field(ge=1, le=60, description="in how many months")


class ExtractedAttributes(BaseModel):
    """Facts from a technician's notes, by seed 000/001 category; empty when the notes say nothing."""
    customer_demographic: str | None = None
    pet: list[Pet] = Field(default_factory=list)
    property_notes: str | None = None
    equipment_needed: str | None = None
    service_preferences: str | None = None
    property_details: str | None = None
    vehicle: list[Vehicle] = Field(default_factory=list)
    equipment: list[Appliance] = Field(default_factory=list, description="the customer's own appliances")
    follow_up: FollowUp | None = Field(None, description="the next service the technician recommends")

    def as_attributes(self) -> dict[str, Any]:
        """Key -> JSON value; a single pet, vehicle or appliance is an object, several a list."""
        out: dict[str, Any] = {}
        for key in CATEGORIES + PROPOSALS:
            value = getattr(self, key)
            if isinstance(value, list):
                items = [v.model_dump(exclude_none=True) for v in value]
                if items:
                    out[key] = items[0] if len(items) == 1 else items
            elif isinstance(value, BaseModel):
                out[key] = value.model_dump(exclude_none=True)
            elif value and value.strip():
                out[key] = value.strip()
        return out


class Extraction(BaseModel):
    attributes: dict[str, Any]     # every category found, the PROPOSALS included
    engine: str   # "model" or "rules"

    @property
    def contact_attributes(self) -> dict[str, Any]:
        """What is saved as the contact's attributes: everything but the proposals."""
        return {k: v for k, v in self.attributes.items() if k not in PROPOSALS}

    @property
    def equipment(self) -> list[Appliance]:
        found = self.attributes.get("equipment") or []
        return [Appliance.model_validate(e) for e in (found if isinstance(found, list) else [found])]

    @property
    def follow_up(self) -> FollowUp | None:
        found = self.attributes.get("follow_up")
        return FollowUp.model_validate(found) if found else None


class Extractor(Protocol):
    async def extract(self, notes: str) -> Extraction: ...


class RuleExtractor:
    """The offline extractor: keyword and pattern rules per category."""

    async def extract(self, notes: str) -> Extraction:
        from agent.extraction_rules import extract_rules
        return Extraction(attributes=extract_rules(notes).as_attributes(), engine="rules")


class ModelExtractor:
    """The configured model with a structured output type; the rules answer if the model fails."""

    def __init__(self, model: Any) -> None:
        from pydantic_ai import Agent
        self.agent = Agent(model, output_type=ExtractedAttributes, instructions=PROMPT_FILE.read_text(),
                           retries=1)

    async def extract(self, notes: str) -> Extraction:
        from pydantic_ai.usage import UsageLimits
        try:
            result = await self.agent.run(f"Technician notes:\n\n{notes}",
                                          usage_limits=UsageLimits(request_limit=3))
        except Exception as exc:  # a model outage must not block the close-out
            log.warning("extraction model failed (%s); using the rules", type(exc).__name__)
            return await RuleExtractor().extract(notes)
        return Extraction(attributes=result.output.as_attributes(), engine="model")


def build_extractor(settings: Any) -> Extractor:
    """The model extractor when a model is configured, else the rule-based one."""
    model = model_from_settings(settings)
    return ModelExtractor(model) if model is not None else RuleExtractor()


def model_from_settings(settings: Any) -> Any:
    """The model the LLM_* settings name, or None: the agent's routing, so both pick their model the same way."""
    from agent.routing import route_models
    return route_models(settings).model
