"""A reporting round's progress report: the reports as of the round's date, in the shape
the secretariat hands to ministers (HTML, PDF, DOCX, and the tables as CSV and XLSX)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from ...models import ReportingRound, round_summary
from .. import charts, exports
from ..exports import Heading
from ..tables.rounds import attach_entries, progress_sections, summary_lines
from .base import report_access, respond


def round_groups(round_, at):
    """(title, instruments) per declaration of the round, then the hand-picked rest."""
    scope = round_.scope()
    seen, groups = set(), []
    for declaration in round_.declarations.order_by("-adopted_on", "title"):
        rows = list(
            scope.in_declaration(declaration)
            .with_current_status(at=at)
            .select_related("parent")
            .order_by("name", "pk")
        )
        seen.update(row.pk for row in rows)
        groups.append((declaration.title, rows))
    rest = [
        row
        for row in scope.with_current_status(at=at).select_related("parent").order_by("name")
        if row.pk not in seen
    ]
    if rest or not groups:
        groups.append(("Other instruments in this round", rest))
    instruments = [row for _, rows in groups for row in rows]
    attach_entries(instruments, at=at, parties=list(round_.asked_parties()))
    return groups


@report_access
def round_report(request, pk):
    """The round's progress report, as of its report date; a closed round's never changes."""
    round_ = get_object_or_404(ReportingRound, pk=pk)
    at = round_.reports_as_of
    sections = progress_sections(round_groups(round_, at))
    tables = [section.table for section in sections]
    figures = round_summary(round_)
    summary = summary_lines(figures, sections)
    title = round_.name
    subtitle = f"Progress as at {at.day} {at:%B %Y}"
    filename = f"progress-report-{round_.pk}"
    if request.GET.get("format") == "docx":
        return exports.docx_response(
            title=title, subtitle=subtitle, summary=summary, tables=tables, filename=filename
        )

    def context():
        bars = [
            charts.BarRow(section.title, dict(section.counts))
            for section in sections
            if section.table.rows
        ]
        return {
            "round": round_,
            "title": title,
            "subtitle": subtitle,
            "summary": summary,
            "sections": sections,
            "chart": charts.stacked_bars(bars, title="Status by declaration"),
            "at": at,
            "generated": timezone.now(),
        }

    return respond(
        request,
        template="declarations/round.html",
        tables=tables,
        filename=filename,
        heading=Heading(title, (("As at", at),), tuple(summary)),
        context=context,
    )
