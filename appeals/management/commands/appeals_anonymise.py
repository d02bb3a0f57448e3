from django.core.management.base import BaseCommand

from appeals import services


class Command(BaseCommand):
    help = "Anonymise finished appeals older than APPEAL_ANONYMISE_AFTER_DAYS, keeping the figures."

    def handle(self, *args, **options):
        count = services.anonymise_old_appeals()
        self.stdout.write(f"Appeals anonymised: {count}")
