from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations and implementation"

    def ready(self):
        # Connects the audit log's signal receivers (sign-in failures, lockouts).
        from . import audit, lockout  # noqa: F401
