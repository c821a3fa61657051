"""Rows of plain values as spreadsheet text: the one rule for cells a spreadsheet would run
as formulas, the one way a value becomes a CSV cell, and the one CSV writer.

The report downloads, the API's CSV and the status import (which undoes the escaping) all
follow these rules, so a file written by one reads the same in the others. No Django here.
"""

import csv
import datetime
import json
from collections.abc import Iterable

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return can hide the formula behind white space.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# A byte-order mark makes Excel read a CSV file as UTF-8 (Türkiye, Viet Nam...).
BOM = "\ufeff"


def escape_formula(value):
    """A cell a spreadsheet will show as text: strings that would start a formula get a
    leading apostrophe. Numbers and dates are left alone (a negative number is a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value):
    """The text of one CSV cell: blank for None, true/false for booleans, ISO 8601 for dates
    and times (to the second), a list of plain values joined by "; ", anything nested as
    compact JSON; then escaped by `escape_formula`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = "; ".join("" if v is None else str(v) for v in value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return escape_formula(value)


class _Echo:
    """csv.writer writes each row to this and gets the line back, so rows can stream."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable], *, bom=False):
    """The CSV text of `rows` (each a sequence of values), line by line, every value through
    `csv_cell`. An empty row is a blank line. `bom` starts the text with a byte-order mark,
    for files people open in Excel."""
    writer = csv.writer(_Echo())
    if bom:
        yield BOM
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
