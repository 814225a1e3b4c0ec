"""Accessibility checked by a machine: axe-core (shipped inside axe-playwright-python) in the real browser."""

from __future__ import annotations

from axe_playwright_python.async_playwright import Axe

# WCAG 2.0/2.1/2.2 A and AA rules, which is what the product promises
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

_axe = Axe()


async def blocking_violations(page, context: str | None = None) -> list[str]:
    """'rule-id: target' for every serious or critical WCAG AA violation on the page as it is now."""
    results = await _axe.run(page, context=context,
                             options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            for node in violation["nodes"]:
                found.append(f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')}")
    return found


async def assert_accessible(page, where: str) -> None:
    found = await blocking_violations(page)
    assert not found, f"axe-core on {where}:\n" + "\n".join(found)
