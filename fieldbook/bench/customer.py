"""A scripted customer: answers the agent's questions from a profile (tests and benchmarks play it)."""

from __future__ import annotations


def answer(question: str, profile: dict[str, str]) -> str | None:
    """What the customer of `profile` says to the agent's question; None when they have no answer."""
    q = question.lower()
    if "shall i book" in q or "(yes/no)" in q or "correct?" in q:
        if "address" in q and "address" in profile:
            return profile["address"]
        return "yes"
    if "code" in q:
        return None
    for keys, field in ((("phone", "number"), "phone"), (("describe", "problem", "issue"), "problem"),
                        (("when",), "when"), (("address", "where"), "address"), (("name",), "name"),
                        (("instructions", "access", "parking"), "notes")):
        if any(k in q for k in keys):
            return profile.get(field)
    return None
