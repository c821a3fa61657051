import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from declarations.models import Status
from declarations.reports import charts

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"
STYLESHEET = Path(charts.__file__).parents[1] / "static" / "declarations" / "reports.css"


def parse(svg):
    """Charts are standalone XML: a parse error would be a broken page or PDF."""
    return ET.fromstring(str(svg))


def segments(root):
    return [rect for rect in root.iter(f"{SVG}rect") if "segment" in rect.get("class", "")]


def test_bar_labels_and_links_are_escaped():
    hostile = '<script>alert("x")</script> & Co'
    svg = charts.stacked_bars(
        [charts.BarRow(hostile, {Status.COMPLETED: 1}, href='/r/?a=1&b="2"')], title=hostile
    )

    root = parse(svg)

    assert "<script" not in str(svg)
    assert root.find(f"{SVG}title").text == hostile
    link = root.find(f"{SVG}a")
    assert link.get("href") == '/r/?a=1&b="2"'
    assert link.find(f"{SVG}text/{SVG}title").text == hostile


def test_bars_share_one_scale_so_declarations_compare():
    svg = charts.stacked_bars(
        [
            charts.BarRow("Big", {Status.COMPLETED: 2, Status.IN_PROGRESS: 2}),
            charts.BarRow("Small", {Status.COMPLETED: 1}),
        ],
        title="Status by declaration",
        width=960,
    )

    widths = [float(rect.get("width")) for rect in segments(parse(svg))]

    plot = 960 - 220 - 48
    assert widths == pytest.approx([plot / 2, plot / 2, plot / 4])


def test_segments_follow_the_status_order_and_palette():
    counts = {None: 1, Status.DELAYED: 1, Status.COMPLETED: 1}
    svg = charts.stacked_bars([charts.BarRow("KL 2025", counts)], title="t")

    fills = [rect.get("fill") for rect in segments(parse(svg))]

    assert fills == [
        charts.PALETTE[Status.COMPLETED],
        charts.PALETTE[Status.DELAYED],
        charts.PALETTE[None],
    ]
    assert "No information" in str(svg)  # in the legend


def test_a_chart_with_links_is_a_group_whose_links_a_screen_reader_can_reach():
    # An image's parts are presentational: links inside role="img" could not be followed.
    linked = parse(
        charts.stacked_bars(
            [charts.BarRow("KL 2025", {Status.COMPLETED: 1}, href="/r/kl/")], title="By declaration"
        )
    )
    plain = parse(charts.stacked_bars([charts.BarRow("KL 2025", {Status.COMPLETED: 1})], title="t"))

    assert (linked.get("role"), linked.get("aria-label")) == ("group", "By declaration")
    assert plain.get("role") == "img"


def test_no_rows_make_no_chart():
    assert charts.stacked_bars([], title="t") == ""
    assert charts.timeline([charts.Lane("Region")], title="t") == ""


@pytest.mark.parametrize(
    ("percent", "filled"),
    [(0, None), (50, 44.0), (100, 88.0), (140, 88.0)],
)
def test_a_progress_bar_is_filled_in_proportion_and_never_overflows(percent, filled):
    root = parse(charts.progress_bar(percent, width=90))

    rects = root.findall(f"{SVG}rect")

    assert root.find(f"{SVG}title").text == f"Progress: {percent}%"
    if filled is None:
        assert len(rects) == 1
    else:
        assert float(rects[1].get("width")) == pytest.approx(filled)


def test_an_unknown_progress_is_an_empty_bar_that_says_so():
    root = parse(charts.progress_bar(None))
    assert root.find(f"{SVG}title").text == "Progress: unknown"
    assert len(root.findall(f"{SVG}rect")) == 1


def test_a_timeline_places_points_by_date_and_draws_planned_dates_hollow():
    lanes = [
        charts.Lane(
            "Phase 1",
            [
                charts.Point(D(2026, 3, 15), Status.COMPLETED, "Done"),
                charts.Point(D(2026, 3, 31), Status.COMPLETED, "Planned", hollow=True),
            ],
        ),
        charts.Lane("Phase 2 <b>", [charts.Point(D(2026, 9, 30), None, "Planned", hollow=True)]),
    ]

    svg = charts.timeline(lanes, title="Milestones", marker=D(2026, 6, 30))
    root = parse(svg)

    circles = root.findall(f"{SVG}circle")
    xs = [float(circle.get("cx")) for circle in circles]
    assert xs[0] < xs[1] < xs[2]
    assert [circle.get("fill") for circle in circles] == [
        charts.PALETTE[Status.COMPLETED],
        "#ffffff",
        "#ffffff",
    ]
    marker = [line for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(marker) == 1
    assert xs[1] < float(marker[0].get("x1")) < xs[2]
    assert "Phase 2 &lt;b&gt;" in str(svg)


def test_timeline_ticks_are_months_for_short_spans_and_years_for_long_ones_never_over_12():
    assert charts._ticks(D(2026, 1, 15), D(2026, 4, 20)) == [
        D(2026, 2, 1),
        D(2026, 3, 1),
        D(2026, 4, 1),
    ]
    assert charts._ticks(D(2014, 6, 1), D(2026, 6, 1))[:2] == [D(2015, 1, 1), D(2016, 1, 1)]
    assert len(charts._ticks(D(2014, 6, 1), D(2026, 6, 1))) == 12
    assert charts._ticks(D(2025, 10, 1), D(2027, 6, 1))[:2] == [D(2025, 10, 1), D(2026, 1, 1)]
    assert len(charts._ticks(D(2025, 1, 1), D(2999, 12, 31))) <= 12


def test_charts_need_no_script_and_no_style_attribute_under_the_csp():
    svgs = [
        charts.stacked_bars([charts.BarRow("A", {Status.ONGOING: 3})], title="t"),
        charts.progress_bar(30),
        charts.timeline([charts.Lane("A", [charts.Point(D(2026, 1, 1), None, "x")])], title="t"),
    ]
    for svg in svgs:
        assert " style=" not in svg
        assert "<script" not in svg and "<style" not in svg


def test_the_chart_palette_matches_the_status_badges_in_the_stylesheet():
    css = STYLESHEET.read_text()
    for status, colour in charts.PALETTE.items():
        rule = re.search(rf"\.badge-{charts.status_key(status)} {{ background: (#[0-9a-f]+);", css)
        assert rule, status
        assert rule.group(1) == colour
