from django.apps import AppConfig


class UnionportalConfig(AppConfig):
    """The shared layer as an app: its one model (spreadsheet uploads) and its system checks."""

    name = "unionportal"
    verbose_name = "Union portal"

    def ready(self):
        from unionportal import checks  # noqa: F401 - checks register themselves
