"""Close-out extraction: technician notes -> structured customer attributes.

With a model configured (LLM_* settings) the notes go through pydantic-ai with `ExtractedAttributes`
as the structured output type; with none, or when the model fails, the rule-based extractor serves.
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


class Pet(BaseModel):
    type: str = Field(description="dog, cat, parrot ...")
    name: str | None = Field(None, description="the pet's name, when given")


class Vehicle(BaseModel):
    type: str = Field(description="truck, van, electric car, boat ...")
    note: str | None = Field(None, description="why it matters, e.g. 'parks in driveway'")


class ExtractedAttributes(BaseModel):
    """Facts from a technician's notes, by seed 000/001 category; empty when the notes say nothing."""
    customer_demographic: str | None = None
    pet: list[Pet] = Field(default_factory=list)
    property_notes: str | None = None
    equipment_needed: str | None = None
    service_preferences: str | None = None
    property_details: str | None = None
    vehicle: list[Vehicle] = Field(default_factory=list)

    def as_attributes(self) -> dict[str, Any]:
        """Attribute key -> JSON value; a single pet or vehicle is an object, several a list."""
        out: dict[str, Any] = {}
        for key in CATEGORIES:
            value = getattr(self, key)
            if isinstance(value, list):
                items = [v.model_dump(exclude_none=True) for v in value]
                if items:
                    out[key] = items[0] if len(items) == 1 else items
            elif value and value.strip():
                out[key] = value.strip()
        return out


class Extraction(BaseModel):
    attributes: dict[str, Any]
    engine: str   # "model" or "rules"


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
    """The model extractor when LLM settings exist, else the rule-based one."""
    model = _configured_model(settings)
    return ModelExtractor(model) if model is not None else RuleExtractor()


def _configured_model(settings: Any) -> Any:
    """Local OpenAI-compatible endpoint first, remote provider as fallback (pydantic-ai FallbackModel)."""
    models: list[Any] = []
    if settings.llm_local_base_url and settings.llm_local_model:
        from pydantic_ai.models.openai import OpenAIChatModel
        from pydantic_ai.providers.openai import OpenAIProvider
        key = settings.llm_local_api_key.get_secret_value() if settings.llm_local_api_key else "local"
        models.append(OpenAIChatModel(settings.llm_local_model, provider=OpenAIProvider(
            base_url=str(settings.llm_local_base_url), api_key=key)))
    if settings.llm_remote_provider and settings.llm_remote_model:
        models.append(f"{settings.llm_remote_provider}:{settings.llm_remote_model}")
    if not models:
        return None
    if len(models) == 1:
        return models[0]
    from pydantic_ai.models.fallback import FallbackModel
    return FallbackModel(*models)
