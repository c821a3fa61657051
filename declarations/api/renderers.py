"""Formats the API answers in besides JSON: CSV for every list, and the pass-through
renderers of the views that build their own documents (Akoma Ntoso, Atom)."""

from rest_framework import renderers

from ..tabular import csv_lines
from . import akoma_ntoso


class CSVRenderer(renderers.BaseRenderer):
    """One row per result, one column per field, each cell by the rules of `tabular.csv_cell`
    (lists of plain values joined with "; ", nested objects as JSON, formulas escaped), as
    in the report downloads. No byte-order mark: this CSV is read by programs."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", []) if isinstance(data, dict) else (data or [])
        view = (renderer_context or {}).get("view")
        header = list(rows[0]) if rows else list(view.get_serializer().fields) if view else []
        lines = csv_lines([header, *([row.get(name) for name in header] for row in rows)])
        return "".join(lines).encode(self.charset)


class DocumentRenderer(renderers.BaseRenderer):
    """For views that build their own XML: it passes the bytes through."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AkomaNtosoRenderer(DocumentRenderer):
    media_type = akoma_ntoso.MEDIA_TYPE
    format = "akn"


class AtomRenderer(DocumentRenderer):
    media_type = "application/atom+xml"
    format = "atom"
