"""Formats the API answers in besides JSON: CSV for every list, and the pass-through
renderers of the views that build their own documents (Akoma Ntoso, Atom)."""

import csv
import io
import json

from rest_framework import renderers

from ..reports.exports import escape_formula
from . import akoma_ntoso


class CSVRenderer(renderers.BaseRenderer):
    """One row per result, one column per field. Lists of plain values are joined with "; ",
    nested objects are written as JSON; text that a spreadsheet would run as a formula is
    escaped as in the report downloads."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", []) if isinstance(data, dict) else (data or [])
        view = (renderer_context or {}).get("view")
        header = list(rows[0]) if rows else list(view.get_serializer().fields) if view else []
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_cell(row.get(name)) for name in header])
        return buffer.getvalue().encode(self.charset)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = "; ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return escape_formula(value)


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
