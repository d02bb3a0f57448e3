from django.core.management.base import BaseCommand

from giveaways import services


class Command(BaseCommand):
    help = "Make next week's giveaway from the last one, where it is over."

    def handle(self, *args, **options):
        ids = [g.pk for g in services.giveaways_create_next()]
        self.stdout.write(f"giveaways: {len(ids)} done {ids}")
