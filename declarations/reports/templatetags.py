"""Small pieces the report templates repeat: status badges, progress bars, clause text."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import basis_text
from ..models.base import status_label
from . import charts

register = template.Library()


@register.simple_tag
def status_badge(value):
    return format_html(
        '<span class="badge badge-{}">{}</span>',
        charts.status_key(value),
        status_label(value),
    )


@register.simple_tag
def progress(value, label="Progress"):
    """A bar and the figure beside it; a dash when nothing was measured."""
    if value is None:
        return mark_safe('<span class="progress progress-unknown">—</span>')
    return format_html(
        '<span class="progress">{}<span class="figure">{}%</span></span>',
        charts.progress_bar(value, label=label),
        value,
    )


@register.simple_tag
def clause_text(clause):
    """The clause with its lead word set in bold, as declarations print it."""
    text = clause.text
    if clause.lead_word and text.startswith(clause.lead_word):
        return format_html("<strong>{}</strong>{}", clause.lead_word, text[len(clause.lead_word) :])
    return text


@register.simple_tag
def basis(instrument):
    """What an instrument's overall status rests on, in words (`basis_text`)."""
    return basis_text(instrument)
