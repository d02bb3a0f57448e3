from django.core.management.base import BaseCommand

from giveaways import services


class Command(BaseCommand):
    help = "Draw every giveaway that is due, including ones missed while no worker ran."

    def handle(self, *args, **options):
        ids = services.giveaways_draw_due()
        self.stdout.write(f"giveaways: {len(ids)} done {ids}")
