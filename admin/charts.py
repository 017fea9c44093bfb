"""Charts drawn on the server as inline SVG (no script, no CDN): bars and a line, Chinese labels,
a <title> on the chart and on each bar or point for screen readers and hover."""

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH = 640, 22, 8, 150, 70
LINE_HEIGHT, PADDING, AXIS = 220, 30, 40


def _svg(title: str, width: int, height: int, body: str) -> Markup:
    # every label and title below is escaped; the numbers are ours
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width: {width}px" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def bar_chart(
    title: str, bars: Sequence[tuple[str, float]], *, maximum: float | None = None, unit: str = ""
) -> Markup:
    """Horizontal bars, one per (label, value), scaled to ``maximum`` (the largest value by default)."""
    top = maximum if maximum is not None else max((v for _, v in bars), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    for i, (label, value) in enumerate(bars):
        y = i * (BAR_HEIGHT + GAP)
        length = round(span * value / top, 1) if top else 0
        shown = f"{value:g}{unit}"
        parts.append(
            f'<g class="bar"><title>{escape(label)}：{escape(shown)}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#2f6fb3"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="13">{escape(shown)}</text></g>'
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return _svg(title, WIDTH, height, "".join(parts))


def line_chart(title: str, points: Sequence[tuple[str, float]], *, unit: str = "") -> Markup:
    """A line through (label, value) points left to right, labels under the axis."""
    top = max((v for _, v in points), default=0) or 1
    step = (WIDTH - 2 * PADDING) / max(len(points) - 1, 1)
    plot = LINE_HEIGHT - PADDING - AXIS

    def xy(i: int, value: float) -> tuple[float, float]:
        return round(PADDING + i * step, 1), round(PADDING + plot * (1 - value / top), 1)

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    parts = [
        f'<line x1="{PADDING}" y1="{PADDING + plot}" x2="{WIDTH - PADDING}" y2="{PADDING + plot}" '
        'stroke="#999"></line>',
        '<polyline fill="none" stroke="#2f6fb3" stroke-width="2" points="'
        + " ".join(f"{x},{y}" for x, y in coords)
        + '"></polyline>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        shown = f"{value:g}{unit}"
        parts.append(
            f'<g class="point"><title>{escape(label)}：{escape(shown)}</title>'
            f'<circle cx="{x}" cy="{y}" r="4" fill="#2f6fb3"></circle>'
            f'<text x="{x}" y="{y - 8}" text-anchor="middle" font-size="12">{escape(shown)}</text>'
            f'<text x="{x}" y="{PADDING + plot + 18}" text-anchor="middle" font-size="12">'
            f"{escape(label)}</text></g>"
        )
    return _svg(title, WIDTH, LINE_HEIGHT, "".join(parts))
