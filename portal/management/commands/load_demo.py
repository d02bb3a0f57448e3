"""`python manage.py load_demo`: the report's data, for a demo or a first look. Idempotent.

Here in `portal`, the one app that may know every part: each part's `demo.py` is named
below, in the order they lean on each other.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from appeals import demo as appeals_demo
from branches import demo as branches_demo
from giveaways import demo as giveaways_demo
from media_reports import demo as media_reports_demo
from messaging import demo as messaging_demo
from polls import demo as polls_demo
from portal import demo as logins_demo
from publications import demo as publications_demo
from reports import demo as reports_demo

# Order matters: later parts refer to the organisations and pages of the registry, and
# the reports roll up what the others loaded.
DEMO_MODULES = [
    ("branches", branches_demo),
    ("logins", logins_demo),
    ("publications", publications_demo),
    ("media_reports", media_reports_demo),
    ("appeals", appeals_demo),
    ("giveaways", giveaways_demo),
    ("messaging", messaging_demo),
    ("polls", polls_demo),
    ("reports", reports_demo),
]


class Command(BaseCommand):
    help = "Load the demo data from the 2022–2024 information report (safe to run again)."

    def handle(self, *args, **options):
        for name, module in DEMO_MODULES:
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(f"  {name}: ok")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
