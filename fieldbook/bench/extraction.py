"""`fieldbook bench extraction`: precision and recall of the extractor on hand-written examples: those the
rules were tuned on, and held-out sets they were not (see `extraction_held_out*`). With a model configured,
the structured (model) extractor runs on the same examples and is reported beside the rules.

Keys: a predicted key is right when the example expects that key. Values: a predicted key's value is
right when it matches the expected one. Strings match when their content words (lower case, without
articles and prepositions) overlap with a Jaccard index of at least 0.5 ("complex sill on 2nd story" vs
"complex 2nd story sill"); pets and vehicles match when every expected field is equal after
normalisation. "exact" is the stricter score: content words identical.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

from agent.extractor import Extractor, ModelExtractor, RuleExtractor, model_from_settings
from fieldbook.bench.extraction_examples import EXAMPLES, HELD_OUT
from fieldbook.bench.extraction_held_out_b import HELD_OUT_B
from fieldbook.bench.extraction_held_out_c import HELD_OUT_C
from fieldbook.bench.extraction_held_out_d import HELD_OUT_D
from fieldbook.bench.extraction_held_out_e import HELD_OUT_E

# Each held-out set, in the order written; see their modules for what each was and was not used for.
HELD_OUT_SETS = {"a": HELD_OUT, "b": HELD_OUT_B, "c": HELD_OUT_C, "d": HELD_OUT_D, "e": HELD_OUT_E}

STOPWORDS = {"the", "a", "an", "on", "in", "of", "for", "at", "with", "to", "and", "is", "are", "be", "by"}
MIN_JACCARD = 0.5


def words(value: Any) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9$]+", str(value).lower()) if w not in STOPWORDS}


def jaccard(a: Any, b: Any) -> float:
    wa, wb = words(a), words(b)
    return 1.0 if not wa and not wb else len(wa & wb) / len(wa | wb)


def value_matches(expected: Any, got: Any, *, exact: bool = False) -> bool:
    """Whether a predicted attribute value carries the expected one (see the module docstring)."""
    if isinstance(expected, list) or isinstance(got, list):
        exp = expected if isinstance(expected, list) else [expected]
        out = got if isinstance(got, list) else [got]
        return len(exp) == len(out) and all(any(value_matches(e, o, exact=exact) for o in out) for e in exp)
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(words(v) == words(got.get(k, "")) for k, v in expected.items())
    if isinstance(got, dict):
        return False
    return words(expected) == words(got) if exact else jaccard(expected, got) >= MIN_JACCARD


def _ratio(hit: int, total: int) -> float:
    return round(hit / total, 3) if total else 1.0


def score(results: list[tuple[dict, dict]]) -> dict[str, Any]:
    """Micro-averaged precision and recall of keys and values over (expected, predicted) pairs."""
    predicted = sum(len(p) for _, p in results)
    expected = sum(len(e) for e, _ in results)
    keys = sum(len(e.keys() & p.keys()) for e, p in results)
    values = sum(value_matches(e[k], p[k]) for e, p in results for k in e.keys() & p.keys())
    exact = sum(value_matches(e[k], p[k], exact=True) for e, p in results for k in e.keys() & p.keys())
    return {
        "examples": len(results), "expected_attributes": expected, "predicted_attributes": predicted,
        "key_precision": _ratio(keys, predicted), "key_recall": _ratio(keys, expected),
        "value_precision": _ratio(values, predicted), "value_recall": _ratio(values, expected),
        "exact_value_precision": _ratio(exact, predicted), "exact_value_recall": _ratio(exact, expected),
    }


async def run(extractor: Extractor) -> dict[str, Any]:
    """The tuned examples and every held-out set through the extractor, scored apart and together."""
    started = time.perf_counter()
    tuned = await run_set(extractor, EXAMPLES)
    held = {name: await run_set(extractor, examples) for name, examples in HELD_OUT_SETS.items()}
    held_pairs = [pair for result in held.values() for pair in result["pairs"]]
    return {"engine": tuned["engine"], "scores": score(tuned["pairs"] + held_pairs),
            "scores_tuned_set": score(tuned["pairs"]), "scores_held_out": score(held_pairs),
            "scores_held_out_sets": {name: score(result["pairs"]) for name, result in held.items()},
            "match_rule": f"string Jaccard >= {MIN_JACCARD}", "seconds": round(time.perf_counter() - started, 3),
            "examples": tuned["rows"], "held_out_examples": {name: r["rows"] for name, r in held.items()}}


async def run_set(extractor: Extractor, examples: list[dict]) -> dict[str, Any]:
    """One example set through the extractor, with per-example detail."""
    rows, pairs, engine = [], [], None
    for example in examples:
        extraction = await extractor.extract(example["notes"])
        engine = extraction.engine
        pairs.append((example["expected"], extraction.attributes))
        rows.append({"notes": example["notes"], "expected": example["expected"], "got": extraction.attributes,
                     "wrong_or_missing": sorted(k for k in example["expected"].keys() | extraction.attributes.keys()
                                                if k not in extraction.attributes or k not in example["expected"]
                                                or not value_matches(example["expected"][k], extraction.attributes[k]))})
    return {"engine": engine, "pairs": pairs, "rows": rows}


SUMMARY = ("engine", "scores", "scores_tuned_set", "scores_held_out", "scores_held_out_sets")


def main(out: Path | None, settings: Any = None) -> int:
    """The rules on every example; with a model configured (LLM_* settings), the structured extractor too.
    Prints the scores and writes the JSON report."""
    report = asyncio.run(run(RuleExtractor()))
    model = model_from_settings(settings) if settings is not None else None
    report["model"] = asyncio.run(run(ModelExtractor(model))) if model is not None else {"configured": False}
    summary = {k: report[k] for k in SUMMARY} | {
        "model": {k: report["model"][k] for k in SUMMARY} if model is not None else report["model"]}
    print(json.dumps(summary, indent=2))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"report written to {out}")
    return 0
