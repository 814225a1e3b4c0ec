"""The close-out extractor: rules offline, the model path through pydantic-ai's structured output."""

from __future__ import annotations

import json

import pydantic_ai.models
from pydantic_ai.messages import ModelResponse, ToolCallPart
from pydantic_ai.models.function import FunctionModel

from agent.extractor import ModelExtractor, RuleExtractor, build_extractor
from fieldbook.bench.extraction import score, value_matches
from fieldbook.bench.extraction_examples import EXAMPLES, HELD_OUT
from fieldbook.cli import main as cli_main
from tests.staff.helpers import SEED_NOTES

pydantic_ai.models.ALLOW_MODEL_REQUESTS = False


async def test_rules_extract_seed_000_example():
    result = await RuleExtractor().extract(SEED_NOTES)
    assert result.engine == "rules"
    assert result.attributes["customer_demographic"] == "elderly"
    assert result.attributes["pet"] == {"type": "dog", "name": "Biscuit"}
    assert result.attributes["property_notes"] == "keep gate closed"
    assert result.attributes["equipment_needed"] == "extension ladder"
    assert value_matches("complex 2nd story sill", result.attributes["property_details"])


async def test_rules_find_nothing_in_plain_notes():
    assert (await RuleExtractor().extract("Swapped the thermostat. No issues.")).attributes == {}


async def test_model_output_becomes_attributes():
    def reply(messages, info):
        tool = info.output_tools[0]
        return ModelResponse(parts=[ToolCallPart(tool.name, json.dumps({
            "pet": [{"type": "dog", "name": "Biscuit"}], "vehicle": [{"type": "truck", "note": "in driveway"}],
            "customer_demographic": "elderly"}))])
    result = await ModelExtractor(FunctionModel(reply)).extract(SEED_NOTES)
    assert result.engine == "model"
    assert result.attributes == {"customer_demographic": "elderly", "pet": {"type": "dog", "name": "Biscuit"},
                                 "vehicle": {"type": "truck", "note": "in driveway"}}


async def test_model_failure_falls_back_to_rules():
    def broken(messages, info):
        raise RuntimeError("model down")
    result = await ModelExtractor(FunctionModel(broken)).extract(SEED_NOTES)
    assert result.engine == "rules" and result.attributes["pet"]["name"] == "Biscuit"


def test_no_llm_settings_means_rules(settings):
    assert isinstance(build_extractor(settings), RuleExtractor)


def test_score_counts_keys_and_values():
    scores = score([({"pet": {"type": "dog"}, "property_notes": "gate code 4411"},
                     {"pet": {"type": "cat"}, "property_notes": "gate code 4411", "vehicle": {"type": "van"}})])
    assert scores["key_precision"] == round(2 / 3, 3) and scores["key_recall"] == 1.0
    assert scores["value_precision"] == round(1 / 3, 3) and scores["value_recall"] == 0.5


def test_bench_extraction_command(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert cli_main(["bench", "extraction", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert len(EXAMPLES) >= 25 and report["scores"]["examples"] == len(EXAMPLES) + len(HELD_OUT)
    assert EXAMPLES[0]["notes"] == SEED_NOTES
    assert 0 < report["scores"]["value_recall"] <= 1 and report["engine"] == "rules"
