"""The close-out extractor: rules offline, the model path through pydantic-ai's structured output."""

from __future__ import annotations

import json

import pydantic_ai.models
from pydantic_ai.messages import ModelResponse, ToolCallPart
from pydantic_ai.models.function import FunctionModel

from agent.extractor import ModelExtractor, RuleExtractor, build_extractor
from fieldbook.bench.extraction import score, value_matches
from fieldbook.bench.extraction import HELD_OUT_SETS
from fieldbook.bench.extraction_examples import EXAMPLES
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
    held_out = sum(len(examples) for examples in HELD_OUT_SETS.values())
    assert len(EXAMPLES) >= 25 and report["scores"]["examples"] == len(EXAMPLES) + held_out
    assert report["scores_held_out"]["examples"] == held_out and set(report["scores_held_out_sets"]) == set("abcde")
    assert EXAMPLES[0]["notes"] == SEED_NOTES
    assert 0 < report["scores"]["value_recall"] <= 1 and report["engine"] == "rules"
    assert report["model"] == {"configured": False}


async def test_bench_reports_the_model_beside_the_rules(tmp_path):
    """With a model configured the structured extractor is scored on the same examples."""
    from fieldbook.bench.extraction import run

    def reply(messages, info):
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, json.dumps({"pet": [{"type": "dog"}]}))])
    report = await run(ModelExtractor(FunctionModel(reply)))
    assert report["engine"] == "model" and report["scores_held_out"]["predicted_attributes"] > 0


def test_local_model_settings_build_the_model_extractor(tmp_path):
    from pydantic_ai.models.openai import OpenAIChatModel

    from agent.extractor import model_from_settings
    from fieldbook.settings import load_settings
    local = load_settings(secret_key="test-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                          llm_local_base_url="http://127.0.0.1:11434/v1", llm_local_model="qwen2.5:7b")
    model = model_from_settings(local)
    assert isinstance(model, OpenAIChatModel) and model.model_name == "qwen2.5:7b"
    assert isinstance(build_extractor(local), ModelExtractor)
