"""The read-mostly REST API for dashboards and other systems, at /api/v1/."""
