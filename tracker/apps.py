from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The project's infrastructure (audit log, lockout, health, cache), installed as an app
    so that its signal receivers and system checks are connected at start-up."""

    name = "tracker"
    verbose_name = "Tracker infrastructure"

    def ready(self):
        # Connects the audit log's signal receivers (sign-in failures, lockouts).
        from . import audit, lockout  # noqa: F401
