"""Which model answers: a local OpenAI-compatible endpoint first, a remote provider as fallback, else none.

With neither configured the guided engine (a deterministic FunctionModel built per turn) runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic_ai.models import Model
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from fieldbook.settings import Settings, SettingsError

log = logging.getLogger(__name__)

# Remote providers reachable through the OpenAI-compatible client, and their base URLs.
OPENAI_COMPATIBLE = {"openai": None, "openrouter": "https://openrouter.ai/api/v1",
                     "groq": "https://api.groq.com/openai/v1",
                     "together": "https://api.together.xyz/v1", "mistral": "https://api.mistral.ai/v1"}


@dataclass(frozen=True)
class Routing:
    model: Model | None      # None: the guided engine
    engine: str              # shown in logs and /health


def _local(settings: Settings) -> Model | None:
    if not settings.llm_local_base_url:
        return None
    if not settings.llm_local_model:
        raise SettingsError("LLM_LOCAL_MODEL must name the model served at LLM_LOCAL_BASE_URL")
    key = settings.llm_local_api_key.get_secret_value() if settings.llm_local_api_key else "local"
    provider = OpenAIProvider(base_url=str(settings.llm_local_base_url), api_key=key)
    return OpenAIChatModel(settings.llm_local_model, provider=provider)


def _remote(settings: Settings) -> Model | None:
    if not settings.llm_remote_provider:
        return None
    name = settings.llm_remote_provider.lower()
    if name not in OPENAI_COMPATIBLE:
        raise SettingsError(f"LLM_REMOTE_PROVIDER must be one of {', '.join(OPENAI_COMPATIBLE)}")
    settings.require("llm_remote_model", "llm_remote_api_key")
    provider = OpenAIProvider(base_url=OPENAI_COMPATIBLE[name], api_key=settings.llm_remote_api_key.get_secret_value())
    return OpenAIChatModel(settings.llm_remote_model, provider=provider)


def route_models(settings: Settings) -> Routing:
    """The model chain from settings; a half-configured model fails at start-up, naming the variable."""
    local, remote = _local(settings), _remote(settings)
    if local and remote:
        routing = Routing(FallbackModel(local, remote),
                          f"local:{settings.llm_local_model} -> remote:{settings.llm_remote_provider}")
    elif local or remote:
        label = f"local:{settings.llm_local_model}" if local else f"remote:{settings.llm_remote_provider}"
        routing = Routing(local or remote, label)
    else:
        routing = Routing(None, "guided")
    log.info("agent engine: %s", routing.engine)
    return routing
