"""Seed 004's complete orchestration from already-extracted fields, as a scripted model over the same tools.

lookup -> ticket first -> customer (new ones) -> options -> book; a lost race books the first fresh option.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel, Field
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from agent.guided.policy import as_dict
from domain.fields import PhoneInput


class ExtractedInfo(BaseModel):
    service_category: str = Field(min_length=1, max_length=60, description="Category key, name or synonym")
    description: str = Field("", max_length=5000)
    urgency_level: str = Field("normal", pattern="^(emergency|urgent|normal|scheduled)$")
    customer_name: str | None = Field(None, min_length=1, max_length=200)
    service_address: str | None = Field(None, max_length=500)
    preferred_time: str | None = Field(None, max_length=200, description="The customer's words: 'tomorrow morning'")


class ServiceRequestIn(BaseModel):
    phoneNumber: PhoneInput
    extractedInfo: ExtractedInfo


class Orchestration:
    """A FunctionModel function that walks the booking sequence and stops at the first failure."""

    def __init__(self, request: ServiceRequestIn) -> None:
        self.info = request.extractedInfo
        self.phone = request.phoneNumber
        self.retried = False
        self.outcome: dict[str, Any] = {}

    def _call(self, tool: str, **args: Any) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(tool, args, tool_call_id=f"o-{uuid.uuid4().hex[:12]}")])

    def _stop(self, error: str | None = None, message: str | None = None) -> ModelResponse:
        if error:
            self.outcome.update(error=error, message=message)
        return ModelResponse(parts=[TextPart(json.dumps(self.outcome or {"ok": True}))])

    async def __call__(self, messages: list[ModelMessage], agent_info: AgentInfo) -> ModelResponse:
        returns = [p for p in messages[-1].parts if isinstance(p, ToolReturnPart)]
        if not returns:
            return self._call("identify_customer", phone=self.phone)
        tool, result = returns[-1].tool_name, as_dict(returns[-1].content)
        if result.get("error") and not result.get("options"):
            return self._stop(result["error"], result.get("message"))
        return getattr(self, f"_after_{tool}")(result)

    def _after_identify_customer(self, result: dict[str, Any]) -> ModelResponse:
        self.outcome["known_customer"] = result.get("known_customer")
        return self._call("record_service_request", category=self.info.service_category,
                          description=self.info.description, urgency=self.info.urgency_level,
                          preferred_time=self.info.preferred_time)

    def _after_record_service_request(self, result: dict[str, Any]) -> ModelResponse:
        self.outcome["ticket_code"] = result["ticket_code"]
        if self.info.customer_name or self.info.service_address:
            return self._call("register_customer", name=self.info.customer_name or "Customer",
                              address=self.info.service_address)
        return self._after_register_customer({})

    def _after_register_customer(self, result: dict[str, Any]) -> ModelResponse:
        return self._call("find_appointment_options", ticket_code=self.outcome["ticket_code"],
                          when=self.info.preferred_time)

    def _after_find_appointment_options(self, result: dict[str, Any]) -> ModelResponse:
        return self._call("book_appointment", option_id=result["options"][0]["option_id"])

    def _after_book_appointment(self, result: dict[str, Any]) -> ModelResponse:
        if result.get("booked"):
            return self._stop()
        if result.get("options") and not self.retried:
            self.retried = True
            return self._call("book_appointment", option_id=result["options"][0]["option_id"])
        return self._stop(result.get("error") or "NOT_BOOKED", result.get("message"))


def orchestration_model(request: ServiceRequestIn) -> tuple[FunctionModel, Orchestration]:
    script = Orchestration(request)
    return FunctionModel(script, model_name="orchestration"), script
