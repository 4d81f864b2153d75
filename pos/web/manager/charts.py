"""Bar charts drawn on the server as inline SVG: no chart library, nothing to vendor, readable without JS."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

BAR = "#2f6fd6"
GRID = "#d9dee7"
INK = "#3b4250"


def compact(value: float, lang: str = "id") -> str:
    """Short axis labels: 1,2 jt / 1.2M, 350 rb / 350K."""
    units = [(1e9, "M", "B"), (1e6, "jt", "M"), (1e3, "rb", "K")]
    for size, id_unit, en_unit in units:
        if abs(value) >= size:
            n = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return (n.replace(".", ",") + " " + id_unit) if lang == "id" else n + en_unit
    return f"{value:.0f}"


def _nice_max(top: float) -> float:
    if top <= 0:
        return 1
    step = 10 ** (len(str(int(top))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if top <= m * step:
            return m * step
    return 10 * step


def column_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    value_text: Callable[[int], str],
    lang: str = "id",
    width: int = 460,
    height: int = 220,
) -> Markup:
    """Vertical bars for a series in order (days, hours); every bar has a tooltip with its exact value."""
    left, right, top, bottom = 52, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = _nice_max(max([v for v in values if v > 0], default=0))
    n = max(1, len(values))
    slot = plot_w / n
    every = max(1, round(n / 12))  # at most ~12 axis labels, so they never overlap
    parts = [_open(width, height, title)]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(compact(vmax * i / 4, lang))}</text>'
        )
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * max(v, 0) / vmax
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(slot * 0.7, 1):.1f}" height="{h:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {escape(value_text(v))}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    value_text: Callable[[int], str],
    width: int = 460,
    row: int = 20,
) -> Markup:
    """Horizontal bars for ranked categories (products, cashiers, tenders), the value written at each bar's end."""
    label_w, value_w, pad = 160, 92, 6
    height = max(1, len(values)) * row + 2 * pad
    plot_w = width - label_w - value_w
    vmax = max([v for v in values if v > 0], default=0) or 1
    parts = [_open(width, height, title)]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row
        w = plot_w * max(v, 0) / vmax
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + row * 0.68:.1f}" text-anchor="end">{escape(short)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 6}" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(value_text(v))}</title></rect>"
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + row * 0.68:.1f}">{escape(value_text(v))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-size="11" fill="{INK}" '
        f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
    )
