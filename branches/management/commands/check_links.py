"""`manage.py check_links`: the weekly link check, run here and now (no Celery needed)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from branches.linkcheck import check_link_batch, ids_with_links, link_check_models
from branches.tasks import BATCH_SIZE


class Command(BaseCommand):
    help = "Check every social and media link now and record the outcome."

    def add_arguments(self, parser):
        parser.add_argument("--model", help="only this model, e.g. branches.socialpage")
        parser.add_argument("--id", type=int, action="append", dest="ids", help="only these ids (repeatable)")

    def handle(self, *args, model=None, ids=None, **options):
        models = [apps.get_model(model)] if model else link_check_models()
        for model_class in models:
            pks = ids or ids_with_links(model_class)
            checked = dead = 0
            for start in range(0, len(pks), BATCH_SIZE):
                results = check_link_batch(model=model_class, ids=pks[start : start + BATCH_SIZE])
                checked += len(results)
                dead += sum(1 for r in results.values() if not r.ok)
            self.stdout.write(f"{model_class._meta.label}: {checked} checked, {dead} failed")
