"""A scripted model: a FunctionModel that makes exactly the given tool calls, checking the database in between."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai.messages import ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import FunctionModel

from agent.guided.policy import as_dict

Args = dict[str, Any] | Callable[[list[dict[str, Any]]], dict[str, Any]]
Check = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Step:
    tool: str
    args: Args                       # fixed, or computed from the results so far
    check: Check | None = None       # awaited with this step's result, before the next call


@dataclass
class Script:
    steps: list[Step]
    final_text: str = "Done."
    results: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0

    async def __call__(self, messages, info) -> ModelResponse:
        returns = [p for p in messages[-1].parts if isinstance(p, ToolReturnPart)]
        if returns:
            result = as_dict(returns[-1].content)
            self.results.append(result)
            step = self.steps[self.position - 1]
            if step.check:
                await step.check(result)
        if self.position >= len(self.steps):
            return ModelResponse(parts=[TextPart(self.final_text)])
        step = self.steps[self.position]
        self.position += 1
        args = step.args(self.results) if callable(step.args) else step.args
        return ModelResponse(parts=[ToolCallPart(step.tool, args, tool_call_id=f"s-{uuid.uuid4().hex[:8]}")])

    def model(self) -> FunctionModel:
        return FunctionModel(self, model_name="scripted")
