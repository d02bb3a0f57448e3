"""`python manage.py load_demo`: the report's data, for a demo or a first look. Idempotent."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: later parts refer to the organisations and pages of the registry.
DEMO_MODULES = [
    "branches.demo",
    "accounts.demo",
    "publications.demo",
    "media_reports.demo",
    "appeals.demo",
    "giveaways.demo",
    "reports.demo",
    # The review queues of the social intake, from recorded responses (no token, no network).
    "publications.intake_demo",
    "media_reports.intake_demo",
]


class Command(BaseCommand):
    help = "Load the demo data from the 2022–2024 information report (safe to run again)."

    def handle(self, *args, **options):
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(f"  {module_name}: ok")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
