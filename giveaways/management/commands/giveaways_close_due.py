from django.core.management.base import BaseCommand

from giveaways import services


class Command(BaseCommand):
    help = "Close the giveaways whose entries are due to close, freezing their lists."

    def handle(self, *args, **options):
        ids = services.giveaways_close_due()
        self.stdout.write(f"giveaways: {len(ids)} done {ids}")
