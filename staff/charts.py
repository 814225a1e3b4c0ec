"""Charts drawn on the server as SVG (no script, no CDN): horizontal bars, labels escaped as text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

# about a phone's width in SVG units, so the text stays readable when the chart is scaled to the screen
ROW = 30
LABEL_WIDTH = 130
BAR_WIDTH = 170
VALUE_WIDTH = 80


def _number(value: float, unit: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0") if isinstance(value, float) else f"{value:,}"
    return f"{text}{unit}"


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
              maximum: float | None = None) -> Markup:
    """One bar per (label, value), scaled to the largest value (or `maximum`), with the value written beside it."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * max(len(items), 1) + 8
    top = maximum if maximum is not None else max((v for _, v in items), default=0)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    if not items:
        parts.append(f'<text x="0" y="20" class="empty">No data</text>')
    for n, (label, value) in enumerate(items):
        y = 4 + n * ROW
        length = 0 if not top else max(0.0, min(1.0, value / top)) * BAR_WIDTH
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" rx="3"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 19}">{escape(_number(value, unit))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
