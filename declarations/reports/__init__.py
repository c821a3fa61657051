"""Managers' reports: views that read a query, lay it out as tables and charts, and answer
as HTML, CSV, XLSX or PDF."""
