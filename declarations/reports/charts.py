"""Charts as SVG text, drawn on the server.

No chart JavaScript: the charts work under the strict Content-Security-Policy, in print and
inside WeasyPrint PDFs. Colours are SVG presentation attributes (not `style`, which the
policy forbids) from the same palette as the status badges in reports.css. Every piece of
text goes through `escape`.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import Status
from ..models.base import status_label

# Display order: done first, then moving, then stuck, then unknown. None = no information.
STATUS_ORDER = [
    Status.COMPLETED,
    Status.ONGOING,
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.NOT_STARTED,
    Status.DELAYED,
    Status.ON_HOLD,
    Status.DISCONTINUED,
    Status.NO_INFORMATION,
    None,
]

# Keep in step with the .badge-* and .swatch-* classes in static/declarations/reports.css.
PALETTE = {
    Status.COMPLETED: "#1b7f3b",
    Status.ONGOING: "#16776b",
    Status.IN_PROGRESS: "#1f6fb2",
    Status.PLANNED: "#6d55c0",
    Status.NOT_STARTED: "#5f6b7a",
    Status.DELAYED: "#b45309",
    Status.ON_HOLD: "#8a5a3b",
    Status.DISCONTINUED: "#b42318",
    Status.NO_INFORMATION: "#98a2b3",
    None: "#d0d5dd",
}

FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"'
INK, MUTED, LINK = "#1d2939", "#475467", "#1f4e79"


def status_key(value):
    """The CSS suffix of a status: `completed`, ..., `none` when nobody assessed it."""
    return value or "none"


def _num(value):
    """A coordinate without float noise."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


def _svg(width, height, title, body, css_class, *, links=False):
    # A picture is one image to a screen reader, whose parts it does not enter; a chart
    # with links is a group, so that its links can be reached and followed.
    role = f'role="group" aria-label="{escape(title)}"' if links else 'role="img"'
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" {role} '
        f'width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" {FONT}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _legend(statuses, *, y, width):
    """One swatch and label per status, left to right; returns (parts, height used)."""
    parts, step, x = [], 130, 0
    per_line = max(1, width // step)
    for index, status in enumerate(statuses):
        col, line = index % per_line, index // per_line
        left, top = x + col * step, y + line * 18
        parts.append(
            f'<rect x="{_num(left)}" y="{_num(top)}" width="10" height="10" '
            f'fill="{PALETTE[status]}" class="swatch-{status_key(status)}"/>'
            f'<text x="{_num(left + 14)}" y="{_num(top + 9)}" fill="#1d2939">'
            f"{escape(status_label(status))}</text>"
        )
    lines = (len(statuses) + per_line - 1) // per_line
    return parts, lines * 18


@dataclass
class BarRow:
    label: str
    counts: dict  # status (None = no information) -> count
    href: str | None = None


def stacked_bars(rows, *, title, width=960):
    """Horizontal bars, one per row, split by status; bar length is the row's total, on one
    scale for all rows so declarations compare at a glance. Empty when there are no rows."""
    if not rows:
        return ""
    label_width, total_width, row_height, bar_height = 220, 48, 28, 16
    plot = width - label_width - total_width
    largest = max((sum(row.counts.values()) for row in rows), default=0) or 1
    body, seen = [], set()
    for index, row in enumerate(rows):
        top = index * row_height + 6
        label = escape(_clip(row.label, 32))
        colour = LINK if row.href else INK
        text = (
            f'<text x="0" y="{_num(top + 12)}" fill="{colour}">{label}'
            f"<title>{escape(row.label)}</title></text>"
        )
        if row.href:
            text = f'<a href="{escape(row.href)}">{text}</a>'
        body.append(text)
        left = label_width
        for status in STATUS_ORDER:
            count = row.counts.get(status, 0)
            if not count:
                continue
            seen.add(status)
            span = plot * count / largest
            body.append(
                f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(span)}" '
                f'height="{bar_height}" fill="{PALETTE[status]}" '
                f'class="segment swatch-{status_key(status)}">'
                f"<title>{escape(row.label)}: {escape(status_label(status))} {count}</title></rect>"
            )
            left += span
        total = sum(row.counts.values())
        body.append(
            f'<text x="{_num(left + 6)}" y="{_num(top + 12)}" fill="#1d2939">{total}</text>'
        )
    legend_top = len(rows) * row_height + 14
    legend, legend_height = _legend(
        [s for s in STATUS_ORDER if s in seen], y=legend_top, width=width
    )
    body.extend(legend)
    links = any(row.href for row in rows)
    return _svg(width, legend_top + legend_height + 4, title, body, "chart-bars", links=links)


def progress_bar(percent, *, label="Progress", width=90):
    """A small bar for a per cent complete; an empty outline when it is unknown (None)."""
    height = 10
    text = f"{label}: {percent}%" if percent is not None else f"{label}: unknown"
    body = [
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="2" '
        f'fill="#eef0f3" stroke="{PALETTE[Status.NO_INFORMATION]}"/>'
    ]
    if percent:
        filled = (width - 2) * max(0, min(100, percent)) / 100
        colour = PALETTE[Status.COMPLETED] if percent >= 100 else PALETTE[Status.IN_PROGRESS]
        body.append(
            f'<rect x="1" y="1" width="{_num(filled)}" height="{height - 2}" rx="1.5" '
            f'fill="{colour}"/>'
        )
    return _svg(width, height, text, body, "chart-progress")


@dataclass
class Point:
    day: datetime.date
    status: str | None
    text: str
    hollow: bool = False  # a planned date rather than something that happened


@dataclass
class Lane:
    label: str
    points: list = field(default_factory=list)


def _ticks(start, end):
    """First days of months, quarters, half-years or years: at most 12 ticks."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = next((step for step in (1, 3, 6, 12, 24, 60, 120, 600) if months <= 12 * step), 1200)
    if step >= 12:
        day = datetime.date(start.year - start.year % (step // 12), 1, 1)
    else:
        day = datetime.date(start.year, start.month - (start.month - 1) % step, 1)
    ticks = []
    while day <= end:
        if day >= start:
            ticks.append(day)
        month = day.month - 1 + step
        day = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return ticks


def timeline(lanes, *, title, marker=None, marker_label="as of", width=960):
    """Dated points on one time axis, a lane per row (a party, a milestone). Hollow points are
    planned dates; a line joins a lane's points. `marker` draws a dashed line on that date.
    Empty when no lane has a point."""
    days = [point.day for lane in lanes for point in lane.points]
    if not days:
        return ""
    if marker:
        days.append(marker)
    start, end = min(days), max(days)
    pad = max(datetime.timedelta(days=15), (end - start) / 20)
    start, end = start - pad, end + pad
    label_width, right, lane_height, axis_height = 250, 20, 26, 24
    plot = width - label_width - right
    span = (end - start).days

    def x(day):
        return label_width + plot * (day - start).days / span

    height = len(lanes) * lane_height + axis_height
    body = []
    for tick in _ticks(start, end):
        body.append(
            f'<line x1="{_num(x(tick))}" y1="0" x2="{_num(x(tick))}" '
            f'y2="{_num(height - axis_height)}" stroke="#eaecf0"/>'
            f'<text x="{_num(x(tick))}" y="{_num(height - 8)}" text-anchor="middle" '
            f'fill="#475467">{tick:%b %Y}</text>'
        )
    for index, lane in enumerate(lanes):
        middle = index * lane_height + lane_height / 2
        body.append(
            f'<text x="0" y="{_num(middle + 4)}" fill="#1d2939">{escape(_clip(lane.label, 36))}'
            f"<title>{escape(lane.label)}</title></text>"
        )
        points = sorted(lane.points, key=lambda point: point.day)
        if len(points) > 1:
            body.append(
                f'<line x1="{_num(x(points[0].day))}" y1="{_num(middle)}" '
                f'x2="{_num(x(points[-1].day))}" y2="{_num(middle)}" stroke="#98a2b3"/>'
            )
        for point in points:
            colour = PALETTE[point.status]
            fill = "#ffffff" if point.hollow else colour
            body.append(
                f'<circle cx="{_num(x(point.day))}" cy="{_num(middle)}" r="5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2" '
                f'class="point swatch-{status_key(point.status)}">'
                f"<title>{escape(point.text)}</title></circle>"
            )
    if marker:
        body.append(
            f'<line x1="{_num(x(marker))}" y1="0" x2="{_num(x(marker))}" '
            f'y2="{_num(height - axis_height)}" stroke="#b42318" stroke-dasharray="4 3"/>'
            f'<text x="{_num(x(marker) + 4)}" y="10" fill="#b42318">{escape(marker_label)}</text>'
        )
    return _svg(width, height, title, body, "chart-timeline")
