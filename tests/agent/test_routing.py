"""Model routing from settings: local first, remote fallback, else the guided engine."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.openai import OpenAIChatModel

from agent.routing import route_models
from fieldbook.settings import SettingsError


def test_routes(settings):
    assert route_models(settings).model is None and route_models(settings).engine == "guided"
    local = settings.model_copy(update={"llm_local_base_url": "http://127.0.0.1:11434/v1", "llm_local_model": "qwen2.5"})
    routing = route_models(local)
    assert isinstance(routing.model, OpenAIChatModel) and routing.engine == "local:qwen2.5"
    both = local.model_copy(update={"llm_remote_provider": "openai", "llm_remote_model": "gpt-4o-mini",
                                    "llm_remote_api_key": SecretStr("sk-test")})
    routing = route_models(both)
    assert isinstance(routing.model, FallbackModel) and routing.engine == "local:qwen2.5 -> remote:openai"


def test_half_configured_fails_naming_the_variable(settings):
    with pytest.raises(SettingsError, match="LLM_LOCAL_MODEL"):
        route_models(settings.model_copy(update={"llm_local_base_url": "http://127.0.0.1:11434/v1"}))
    with pytest.raises(SettingsError, match="LLM_REMOTE_API_KEY"):
        route_models(settings.model_copy(update={"llm_remote_provider": "openai", "llm_remote_model": "x"}))
    with pytest.raises(SettingsError, match="LLM_REMOTE_PROVIDER"):
        route_models(settings.model_copy(update={"llm_remote_provider": "nope"}))
